"""A save writes only the ready-task and timer rows that changed, the same with the workflow kept in
memory as restored from storage: a task that stays ready keeps its row and its claim, a timer that
stays keeps its row id (a new or moved one is a new row), and what the tables hold afterwards is
exactly the case's ready tasks and waiting timers."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from cli import scenarios as s
from cli.demo_data import ACTOR_BY_LANE
from engine.models import ReadyTask, Timer
from tests.conftest import REINTEGRATION as BPMN

STEPS = list(s.HAPPY_PATH.items())


def _rows(h, case_id):
    def read(session):
        tasks = {t.id: (t.element, t.claimed_by) for t in session.scalars(select(ReadyTask).where(ReadyTask.case_id == case_id))}
        timers = {(t.element, t.due_at): t.id for t in session.scalars(select(Timer).where(Timer.case_id == case_id))}
        return tasks, timers
    return h.query(read)


@pytest.mark.parametrize("cached", [True, False], ids=["workflow kept", "restored from storage"])
def test_rows_that_stay_keep_their_ids_and_claims_and_the_tables_match_the_case(make_harness, cached):
    h = make_harness(cached=cached)
    h.add_people()
    h.deploy(BPMN)
    case = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")
    case_id = case["case_id"]
    kept_timers = kept_claims = 0
    for element, data in STEPS:
        tasks, timers = _rows(h, case_id)
        task = h.task(case_id, element)
        others = [t for t in tasks if t != task["task_id"]]
        if others:  # someone says they are doing another ready task: the claim must survive the step
            with h.sessions() as session:
                session.get(ReadyTask, others[0]).claimed_by = "someone"
                session.commit()
        h.catch_up(data)
        case = h.call("complete_task", task["task_id"], data, ACTOR_BY_LANE[task["lane"]])
        after_tasks, after_timers = _rows(h, case_id)
        assert set(after_tasks) == {t["task_id"] for t in case["ready_tasks"]}
        assert set(after_timers) == {(t["task"], _at(t["due"])) for t in case["waiting_timers"]}
        for key, row_id in timers.items():  # an unchanged timer keeps its row
            if key in after_timers:
                assert after_timers[key] == row_id
                kept_timers += 1
        if others and others[0] in after_tasks:
            assert after_tasks[others[0]][1] == "someone"
            kept_claims += 1
    assert kept_timers and kept_claims, (kept_timers, kept_claims)  # the path exercised both


def test_a_step_sends_fewer_statements_than_a_rewrite_of_every_row(make_harness):
    h = make_harness(cached=True)
    h.add_people()
    h.deploy(BPMN)
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    element, data = STEPS[0]
    task = h.task(case_id, element)
    h.catch_up(data)
    sent = []
    engine = h.db
    listener = lambda conn, cursor, statement, *rest: sent.append(statement.split()[0:3])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        h.call("complete_task", task["task_id"], data, ACTOR_BY_LANE[task["lane"]])
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # No DELETE of every ready task or timer of the case: only the rows that changed.
    assert not [st for st in sent if st[:3] == ["DELETE", "FROM", "timers"] and len(st) == 3]
    assert len(sent) <= 9, sent


def _at(iso: str):
    from datetime import datetime

    return datetime.fromisoformat(iso)
