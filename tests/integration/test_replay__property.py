"""Property: whatever path a reintegration case takes (refusals, emergency reviews, failed reviews,
missed deadlines, all in any order, with the clock moving between steps), replaying its history
rebuilds exactly the stored case: `replay --verify` compares it task by task (state, data, timers'
due times), with its data and its projections. No workflow is kept in memory between steps: every
step restores the case from the database.

100 random paths of 5 to 40 actions on each database: the SQLite and PostgreSQL passes of `make test`
each draw their own, 200 paths a run."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import scenarios as s
from engine.errors import Conflict
from tests.conftest import REINTEGRATION, plans_still_ahead

ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}
PLACEMENT = ("confirm_dual_registration", "interim_review_1", "interim_review_2", "final_review")

# An action is what happens next when more than one thing could: finish the next ready task, let
# time pass (timers may fire), or ask for an emergency review.
actions = st.lists(st.sampled_from(["task", "task", "task", "wait", "emergency"]), min_size=5, max_size=40)


def form_for(element: str, choices: dict) -> dict:
    if element == "record_parental_consent" and not choices["consent"]:
        return s.CONSENT_REFUSED_PATH[element]
    if element == "final_review" and not choices["success"]:
        return s.UNSUCCESSFUL_PATH[element]
    if element == "hold_emergency_review":
        return s.EMERGENCY_REVIEW_END if choices["end_on_emergency"] else s.EMERGENCY_REVIEW_CONTINUE
    if element in ("record_unsuccessful_outcome", "confirm_failure_decision", "remove_from_roll"):
        return s.UNSUCCESSFUL_PATH[element]
    if element == "hold_initial_meeting" and not choices["transport"]:
        return {**s.HAPPY_PATH[element], "transport_required": False}
    return s.HAPPY_PATH[element]


@pytest.fixture
def world(make_harness):
    """One database for every example; no workflow cache, so each step reads the case back."""
    h = make_harness(cached=False)
    h.add_people()
    h.deploy(REINTEGRATION)
    return h


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions, consent=st.booleans(), success=st.booleans(), transport=st.booleans(),
       end_on_emergency=st.booleans(), wait_days=st.integers(min_value=1, max_value=30),
       task_hours=st.integers(min_value=0, max_value=72))
def test_replay_rebuilds_any_path(world, steps, consent, success, transport, end_on_emergency, wait_days, task_hours):
    h = world
    h.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    choices = {"consent": consent, "success": success, "transport": transport, "end_on_emergency": end_on_emergency}
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for action in steps:
        case = h.call("show_case", case_id)
        if case["status"] != "running":
            break
        ready = case["ready_tasks"]
        if action == "wait" or not ready:
            h.clock.advance(days=wait_days)
            h.fire()
        elif action == "emergency" and any(t["task"] in PLACEMENT for t in ready):
            pending = any(t["task"] == "hold_emergency_review" for t in ready)
            try:
                h.call("send_message", case_id, "emergency_review_requested",
                       {"reason": "A serious incident at the host school"}, "hana.host")
                assert not pending
            except Conflict:  # one emergency review at a time: a second request waits for the first
                assert pending
        else:
            task = ready[0]
            h.clock.advance(hours=task_hours)
            form = form_for(task["task"], choices)
            h.catch_up(form, task["form"])
            form = plans_still_ahead(form, task["form"], h.clock.now().date().isoformat())
            h.call("complete_task", task["task_id"], form, ACTORS[task["lane"]])
    result = h.call("replay", case_id, verify=True)
    assert result["ok"] and result["difference"] is None, result["problems"]
    shown = h.call("show_case", case_id)
    assert result["state"]["data"] == shown["data"]
    assert sorted(t["task"] for t in shown["ready_tasks"]) == [t["task"] for t in result["state"]["ready_tasks"]]
    assert timedelta(0) <= h.clock.now() - datetime(2027, 1, 4, 9, tzinfo=UTC)
