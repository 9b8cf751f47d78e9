"""`replay --verify` compares the whole stored case with the one its history rebuilds: an edit of the
saved workflow (a waiting timer's due time, a task's data), of a projection row (the task list's and
the scheduler's tables) or of a history payload is found, and named by where it is."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from cli import scenarios as s
from engine.models import Case, HistoryEvent, ReadyTask, Timer
from engine.serialization import pack, unpack
from tests.conftest import REINTEGRATION
from tests.integration.test_replay__verify import ACTORS, drop_append_only_triggers


@pytest.fixture
def h(harness):
    harness.deploy(REINTEGRATION)
    return harness


def waiting_for_a_place(h) -> str:
    """A case whose Fair Access reminder and escalation timers wait (the place is not yet allocated)."""
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, data in s.HAPPY_PATH.items():
        if element == "allocate_place":
            return case_id
        h.clock.advance(hours=20)
        h.complete(case_id, element, data, ACTORS[h.task(case_id, element)["lane"]])
    raise AssertionError("the happy path has no allocate_place")


def edit_state(h, case_id: str, change) -> None:
    """Rewrite the saved workflow (packed JSON) of a case as someone with write access to the table could."""
    with h.sessions() as ses:
        case = ses.get(Case, case_id)
        state = json.loads(unpack(case.state))
        change(state)
        ses.execute(update(Case).where(Case.id == case_id).values(state=pack(json.dumps(state))))
        ses.commit()


def task_of(state: dict, element: str) -> dict:
    return next(t for t in state["tasks"].values() if t["task_spec"] == element)


def verified(h, case_id: str) -> dict:
    return h.call("replay", case_id, verify=True)


def test_an_untouched_case_verifies(h):
    case_id = waiting_for_a_place(h)
    result = verified(h, case_id)
    assert result["ok"] and result["difference"] is None, result["problems"]


def test_a_waiting_timer_moved_ten_years_on_in_the_saved_state_is_found(h):
    case_id = waiting_for_a_place(h)

    def later(state):
        timer = task_of(state, "fair_access_deadline_missed")["internal_data"]["event_value"]
        timer["next"] = (datetime.fromisoformat(timer["next"]) + timedelta(days=3653)).isoformat()

    edit_state(h, case_id, later)
    result = verified(h, case_id)
    assert not result["ok"]
    assert result["difference"]["path"] == "tasks[fair_access_deadline_missed #1].due"
    assert result["difference"]["stored"].startswith("2037-03-0")
    assert result["difference"]["rebuilt"] == "2027-03-02T09:00:00+00:00"
    assert "tasks[fair_access_deadline_missed #1].due" in result["problems"][0]


def test_a_reminder_timer_moved_in_the_saved_state_is_found(h):
    case_id = waiting_for_a_place(h)
    edit_state(h, case_id, lambda state: task_of(state, "allocate_place_reminder")["internal_data"].update(
        event_value="2036-02-25T09:00:00+00:00"))
    result = verified(h, case_id)
    assert result["difference"]["path"] == "tasks[allocate_place_reminder #1].due"


def test_a_tasks_data_changed_in_the_saved_state_is_found(h):
    case_id = waiting_for_a_place(h)

    def refuse(state):  # the saved state keeps each task's changes to its parent's data
        updates = task_of(state, "record_parental_consent")["delta"]["updates"]
        updates["parent_agrees"] = not updates["parent_agrees"]

    edit_state(h, case_id, refuse)
    result = verified(h, case_id)
    assert not result["ok"]
    assert result["difference"]["path"] == "tasks[record_parental_consent #1].data.parent_agrees"
    assert result["difference"]["rebuilt"] is True and result["difference"]["stored"] is False


def test_a_timer_row_moved_on_is_found(h):
    case_id = waiting_for_a_place(h)
    with h.sessions() as ses:
        ses.execute(update(Timer).where(Timer.case_id == case_id, Timer.element == "fair_access_deadline_missed")
                    .values(due_at=datetime.fromisoformat("2037-03-02T09:00:00+00:00")))
        ses.commit()
    result = verified(h, case_id)
    assert not result["ok"]
    assert result["difference"] == {"path": "timers[fair_access_deadline_missed #1].due",
                                    "stored": "2037-03-02T09:00:00+00:00", "rebuilt": "2027-03-02T09:00:00+00:00"}


def test_a_ready_task_row_changed_is_found(h):
    case_id = waiting_for_a_place(h)
    with h.sessions() as ses:
        ses.execute(update(ReadyTask).where(ReadyTask.case_id == case_id, ReadyTask.element == "allocate_place")
                    .values(due="2099-01-01"))
        ses.commit()
    result = verified(h, case_id)
    assert not result["ok"]
    assert result["difference"]["path"] == "ready_tasks[allocate_place #1].due"
    assert result["difference"]["stored"] == "2099-01-01"


def test_a_ready_task_row_removed_is_found(h):
    case_id = waiting_for_a_place(h)
    with h.sessions() as ses:
        ses.execute(ReadyTask.__table__.delete().where(ReadyTask.case_id == case_id))
        ses.commit()
    result = verified(h, case_id)
    assert result["difference"]["path"] == "ready_tasks[allocate_place #1]"
    assert result["difference"]["stored"] is None


def test_a_history_payload_changed_is_found_at_its_event(h):
    case_id = waiting_for_a_place(h)
    with h.sessions() as ses:
        drop_append_only_triggers(ses)
        event = ses.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case_id,
                                                       HistoryEvent.element == "record_parental_consent")).one()
        event.data = {**event.data, "data": {**event.data["data"], "parent_agrees": False}}
        seq = event.seq
        ses.commit()
    result = verified(h, case_id)
    assert not result["ok"] and result["first_bad_event"] == seq
    assert f"event {seq}" in result["problems"][0]
