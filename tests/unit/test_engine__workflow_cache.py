"""The in-memory workflow cache: a step reuses the workflow the last step saved, never a stale one."""
from __future__ import annotations

import pytest

from cli import scenarios as s
from cli.demo_data import ACTOR_BY_LANE
from engine.errors import Conflict, InvalidData
from engine.models import Case
from tests.conftest import REINTEGRATION as BPMN
from tests.conftest import Harness

STEPS = list(s.HAPPY_PATH.items())


@pytest.fixture
def two(make_harness):
    """Two processes on one database, each with its own cache (a web worker and a scheduler, say)."""
    a = make_harness(cached=True)
    a.add_people()
    a.deploy(BPMN)
    b = make_harness(cached=True)
    return a, b


def _start(h: Harness) -> str:
    return h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]


def _step(h: Harness, case_id: str, n: int) -> dict:
    element, data = STEPS[n]
    task = h.task(case_id, element)
    h.catch_up(data)
    return h.call("complete_task", task["task_id"], data, ACTOR_BY_LANE[task["lane"]])


def _saved_state(h: Harness, case_id: str) -> str:
    return h.query(lambda session: session.get(Case, case_id).state)


def _cached(h: Harness, case_id: str):
    entry = h.workflows._items.get((h.url, case_id))
    return entry[2] if entry else None


def test_each_step_reuses_the_workflow_the_last_one_saved(two):
    a, _ = two
    case_id = _start(a)
    for n in range(4):
        _step(a, case_id, n)
        # What stays in memory is exactly what the database holds.
        assert a.serializer.dumps(_cached(a, case_id)) == _saved_state(a, case_id)
    assert a.workflows.hits == 4 and a.workflows.misses == 0


def test_a_step_taken_by_another_process_is_never_hidden_by_the_cache(two):
    a, b = two
    case_id = _start(a)
    _step(a, case_id, 0)  # a keeps the workflow at this revision
    _step(b, case_id, 1)  # b moves the case on; a's copy is now stale
    assert b.workflows.misses == 1
    done = _step(a, case_id, 2)  # a must see b's step, not its own stale copy
    assert a.workflows.misses == 1
    history = a.call("history", case_id)
    completed = [e["element"] for e in history if e["kind"] == "task_completed"]
    assert completed == [STEPS[0][0], STEPS[1][0], STEPS[2][0]]
    assert STEPS[3][0] in {t["task"] for t in done["ready_tasks"]}
    assert a.serializer.dumps(_cached(a, case_id)) == _saved_state(a, case_id)


def _second_step_ready(h: Harness) -> tuple[str, dict, dict]:
    """A case one step in, kept in `h`'s cache: (case id, the next ready task, its form data)."""
    case_id = _start(h)
    _step(h, case_id, 0)
    element, data = STEPS[1]
    return case_id, h.task(case_id, element), data


def test_a_step_that_fails_leaves_nothing_behind_in_the_cache(two):
    a, _ = two
    case_id, task, _ = _second_step_ready(a)
    with pytest.raises(InvalidData):
        a.call("complete_task", task["task_id"], {}, ACTOR_BY_LANE[task["lane"]])
    assert _cached(a, case_id) is None  # taken for the failed call and not put back
    with pytest.raises(Conflict):
        a.call("send_message", case_id, "emergency_review_requested", {}, "ava.ap")  # not waiting for it yet
    _step(a, case_id, 1)  # loads from the database and goes on as if nothing had happened
    assert a.workflows.misses == 2
    assert a.serializer.dumps(_cached(a, case_id)) == _saved_state(a, case_id)


def test_a_rolled_back_transaction_puts_nothing_in_the_cache(two):
    a, _ = two
    case_id, task, data = _second_step_ready(a)
    with pytest.raises(RuntimeError), a.transaction() as engine:
        engine.complete_task(task["task_id"], data, ACTOR_BY_LANE[task["lane"]])
        raise RuntimeError("the request failed after the step, before the commit")
    assert _cached(a, case_id) is None
    assert a.call("show_case", case_id)["ready_tasks"][0]["task"] == task["task"]  # still to do
    _step(a, case_id, 1)
    assert a.serializer.dumps(_cached(a, case_id)) == _saved_state(a, case_id)
