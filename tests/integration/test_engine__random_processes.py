"""Whatever validates, runs: random well-formed processes (tests/random_processes.py), each one the
validator accepts either completes under a driver or stops with a recorded incident, never a
traceback and never a hang. The driver does what people and the scheduler would do: it completes a
ready task as someone in its lane, sends a message the case waits for, or moves the clock to the next
timer and fires it; a bound on the number of steps, not the wall clock, catches a case going nowhere.
Every step restores the case from storage (the harness keeps no workflow between calls)."""
from __future__ import annotations

from datetime import datetime
from itertools import count

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.errors import Conflict, StepFailed
from engine.incidents import Incident
from engine.registry import HandlerRegistry
from tests.bpmn_build import PARTIES_START
from tests.random_processes import CALLED, MESSAGE, blocks, build, called_process

MAX_STEPS = 60
ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la"}
FORM_VALUES = {"boolean": True, "long": 1, "string": "x", "date": "2026-03-02", "enum": None}
KEYS = count(1)


@pytest.fixture
def world(make_harness):
    """One database for every example (a process per example, under its own key); the clock only
    moves forward, so no earlier example's timer is left due."""
    h = make_harness(HandlerRegistry())
    h.add_people()
    h.call("deploy", called_process(), f"{CALLED}.bpmn", "system")
    return h


def drive(h, key: str, start: dict, wait_first: bool) -> str:
    """Start a case and drive it to its end: 'completed', or 'incident' when a step failed (the start
    among them) and the failure was recorded as an incident."""
    try:
        case = h.call("start_case", key, start, "ava.ap")
        for _ in range(MAX_STEPS):
            if case["status"] in ("completed", "cancelled"):
                return case["status"]
            case = step(h, case, wait_first)
    except StepFailed as failure:
        assert failure.incident_id and h.query(lambda s, i=failure.incident_id: s.get(Incident, i)) is not None
        return "incident"
    raise AssertionError(f"case {case['case_id']} neither ended nor failed in {MAX_STEPS} steps: {case}")


def step(h, case: dict, wait_first: bool) -> dict:
    """One thing someone would do next: complete a task, send a message, or let time pass to the next
    timer (with `wait_first`, before anything else: so boundary timers fire on tasks left undone)."""
    if wait_first and case["waiting_timers"]:
        return wait(h, case)
    if case["ready_tasks"]:
        task = case["ready_tasks"][0]
        data = {f["id"]: FORM_VALUES[f["type"]] for f in task["form"] if f["id"] != "note"}
        return h.call("complete_task", task["task_id"], data, ACTORS[task["lane"]])
    if MESSAGE in h.call("process_info", case["case_id"]).messages:
        for actor in ACTORS.values():
            try:
                return h.call("send_message", case["case_id"], MESSAGE, {"ok": True}, actor)
            except Conflict:  # not waiting for it now
                break
            except Exception as exc:  # another lane's message: try the next person
                if type(exc).__name__ != "Forbidden":
                    raise
    assert case["waiting_timers"], f"case {case['case_id']} waits for nothing anyone can do: {case}"
    return wait(h, case)


def wait(h, case: dict) -> dict:
    h.clock.set(datetime.fromisoformat(min(t["due"] for t in case["waiting_timers"])))
    h.fire()
    return h.call("show_case", case["case_id"])


def kinds(block) -> set[str]:
    kind, arg = block
    return {kind}.union(*(kinds(b) for b in arg)) if kind in ("seq", "xor", "and") else {kind}


@pytest.mark.workflow_cache_too
@settings(max_examples=50, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(block=blocks, pick=st.integers(min_value=0, max_value=2), wait_first=st.booleans())
def test_every_process_the_validator_accepts_completes_or_stops_with_an_incident(world, block, pick, wait_first):
    key = f"random_{next(KEYS)}"
    xml = build(key, block)
    with world.transaction() as eng:
        problems = eng.validate(xml, f"{key}.bpmn")
    assert problems == [], (block, problems)  # well-formed by construction: the validator accepts it
    world.call("deploy", xml, f"{key}.bpmn", "system")
    outcome = drive(world, key, {**PARTIES_START, "pick": pick}, wait_first)
    event(outcome)
    for kind in sorted(kinds(block)):  # what the examples held (--hypothesis-show-statistics)
        event(f"{outcome} with {kind}")
    assert outcome in ("completed", "incident")
