"""The engine on a small diagram: start form, task form, service task, duration timer."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.models import Case, HistoryEvent
from engine.registry import HandlerRegistry
from tests.conftest import FIXTURES

MINI = FIXTURES / "mini.bpmn"


@pytest.fixture
def mini(make_harness):
    registry = HandlerRegistry()
    registry.add("echo", lambda ctx: {"echoed": ctx.data["answer"] * 2})
    h = make_harness(registry)
    h.add_people()
    h.deploy(MINI)
    return h


def test_start_complete_and_service_task_runs(mini):
    case = mini.call("start_case", "mini", {"pupil_name": "Sam Smith"}, "ava.ap")
    assert case["status"] == "running"
    task = case["ready_tasks"][0]
    assert task["task"] == "answer_question" and task["lane"] == "ap_setting"
    assert [f["id"] for f in task["form"]] == ["answer", "sure", "when", "colour"]
    assert case["waiting_timers"][0]["task"] == "too_slow"
    assert case["waiting_timers"][0]["due"].startswith("2026-03-05T09:00")
    done = mini.complete(case["case_id"], "answer_question", {"answer": "4", "sure": "yes"}, "ava.ap")
    assert done["status"] == "completed"
    assert done["data"]["answer"] == 4 and done["data"]["sure"] is True
    assert done["data"]["echoed"] == 8
    assert done["ready_tasks"] == [] and done["waiting_timers"] == []


def test_invalid_submission_names_fields_and_changes_nothing(mini):
    case = mini.call("start_case", "mini", {"pupil_name": "Sam Smith"}, "ava.ap")
    task_id = case["ready_tasks"][0]["task_id"]
    before = mini.query(lambda s: (s.get(Case, case["case_id"]).state,
                                   s.scalar(select(func.count()).select_from(HistoryEvent))))
    with pytest.raises(InvalidData) as err:
        mini.call("complete_task", task_id,
                  {"answer": 11, "sure": "perhaps", "when": "2026-02-30", "colour": "green", "extra": 1}, "ava.ap")
    assert set(err.value.errors) == {"answer", "sure", "when", "colour", "extra"}
    assert err.value.errors["answer"] == "Answer must be between 1 and 10"  # GOV.UK's words
    assert err.value.errors["when"].endswith("must be a real date")
    with pytest.raises(InvalidData) as err:
        mini.call("complete_task", task_id, {"sure": True}, "ava.ap")
    assert err.value.errors == {"answer": "Enter answer"}
    after = mini.query(lambda s: (s.get(Case, case["case_id"]).state,
                                  s.scalar(select(func.count()).select_from(HistoryEvent))))
    assert after == before


def test_task_completed_twice_is_a_conflict_naming_who_did_it(mini):
    case = mini.call("start_case", "mini", {"pupil_name": "Sam Smith"}, "ava.ap")
    task_id = case["ready_tasks"][0]["task_id"]
    mini.call("complete_task", task_id, {"answer": 1, "sure": True}, "ava.ap")
    with pytest.raises(Conflict, match="ava.ap completed it"):
        mini.call("complete_task", task_id, {"answer": 1, "sure": True}, "ava.ap")


def test_racing_completion_fails_cleanly(mini):
    """Two sessions load the same case; the second to save loses and writes nothing."""
    from engine.facade import Engine

    case = mini.call("start_case", "mini", {"pupil_name": "Sam Smith"}, "ava.ap")
    task_id = case["ready_tasks"][0]["task_id"]
    s1, s2 = mini.sessions(), mini.sessions()
    e1 = Engine(s1, mini.clock, mini.registry, mini.policy, mini.specs)
    e2 = Engine(s2, mini.clock, mini.registry, mini.policy, mini.specs)
    s2.get(Case, case["case_id"])  # the second request has read the case
    e1.complete_task(task_id, {"answer": 2, "sure": True}, "ava.ap")
    s1.commit()
    with pytest.raises(Conflict):
        e2.complete_task(task_id, {"answer": 3, "sure": True}, "ava.ap")
    s2.rollback()
    s1.close()
    s2.close()
    shown = mini.call("show_case", case["case_id"])
    assert shown["data"]["answer"] == 2
    kinds = [e["kind"] for e in mini.call("history", case["case_id"])]
    assert kinds.count("task_completed") == 1


def test_duration_timer_fires_on_the_fake_clock(mini):
    case = mini.call("start_case", "mini", {"pupil_name": "Sam Smith"}, "ava.ap")
    assert mini.fire() == []
    mini.clock.advance(days=3, minutes=1)
    fired = mini.fire()
    assert fired == [{"case_id": case["case_id"], "task": "too_slow"}]
    shown = mini.call("show_case", case["case_id"])
    assert shown["status"] == "completed" and shown["ready_tasks"] == []
    assert mini.fire() == []


def test_bad_start_data_unknown_ids_and_wrong_users(mini):
    with pytest.raises(InvalidData, match="Enter pupil name"):
        mini.call("start_case", "mini", {}, "ava.ap")
    with pytest.raises(InvalidData):
        mini.call("start_case", "mini", ["not", "an", "object"], "ava.ap")
    with pytest.raises(NotFound):
        mini.call("start_case", "nope", {"pupil_name": "X"}, "ava.ap")
    with pytest.raises(NotFound):
        mini.call("show_case", "RI-NOPE")
    with pytest.raises(NotFound):
        mini.call("complete_task", "00000000-0000-0000-0000-000000000000", {}, "ava.ap")
    case = mini.call("start_case", "mini", {"pupil_name": "Sam", "ap_setting": "Severn Vale Learning Centre"}, "ava.ap")
    task_id = case["ready_tasks"][0]["task_id"]
    with pytest.raises(Forbidden, match="unknown user"):
        mini.call("complete_task", task_id, {"answer": 1, "sure": True}, "nobody")
    with pytest.raises(NotFound):  # a host school that is no party of the case: to it, no such task
        mini.call("complete_task", task_id, {"answer": 1, "sure": True}, "hana.host")
    with pytest.raises(Forbidden, match="auditor"):
        mini.call("complete_task", task_id, {"answer": 1, "sure": True}, "aud.auditor")
    assert mini.call("show_case", case["case_id"])["ready_tasks"][0]["task_id"] == task_id
