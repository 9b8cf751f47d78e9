"""The stored form of a case's workflow: compressed JSON in the same text column, and the plain JSON
saved before compression still loads (the cases already in a database go on as they were)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from cli import scenarios as s
from cli.demo_data import ACTOR_BY_LANE
from engine.models import Case
from engine.serialization import PACKED, pack, unpack
from tests.conftest import REINTEGRATION as BPMN


@pytest.fixture
def h(harness):
    harness.deploy(BPMN)
    return harness


def _stored(h, case_id: str) -> str:
    return h.query(lambda session: session.get(Case, case_id).state)


def _midway(h) -> str:
    """A case past its initial meeting: its state holds the placement subprocess and the review timers."""
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, data in s.HAPPY_PATH.items():
        task = h.task(case_id, element)
        h.catch_up(data)
        h.call("complete_task", task["task_id"], data, ACTOR_BY_LANE[task["lane"]])
        if element == "hold_initial_meeting":
            return case_id
    raise AssertionError("the happy path has no hold_initial_meeting")


def test_a_saved_state_is_packed_and_is_under_a_quarter_of_its_json(h):
    case_id = _midway(h)
    stored = _stored(h, case_id)
    assert stored.startswith(PACKED)
    text = unpack(stored)
    state = json.loads(text)
    assert state["state_version"] == 1 and state["subprocesses"]
    assert len(stored) * 4 < len(text.encode())


def test_a_state_saved_as_plain_json_loads_and_the_case_runs_on(h):
    """As a case saved before packing: its row holds the plain JSON. It steps, verifies, and is packed
    when it is next saved."""
    case_id = _midway(h)
    plain = unpack(_stored(h, case_id))
    with h.sessions() as session:
        session.execute(update(Case).where(Case.id == case_id).values(state=plain))
        session.commit()
    assert h.workflows is None  # the harness loads every step from the database
    element, data = "confirm_dual_registration", s.HAPPY_PATH["confirm_dual_registration"]
    task = h.task(case_id, element)
    h.catch_up(data)
    h.call("complete_task", task["task_id"], data, ACTOR_BY_LANE[task["lane"]])
    assert _stored(h, case_id).startswith(PACKED)
    result = h.call("replay", case_id, verify=True)
    assert result["ok"], result["problems"]


def test_pack_and_unpack_round_trip_and_plain_json_passes_through():
    text = json.dumps({"tasks": {"a": {"data": {"note": "café " * 50}}}, "state_version": 1})
    assert unpack(pack(text)) == text
    assert unpack(text) == text


def test_a_damaged_packed_state_is_a_clear_error():
    damaged = pack('{"state_version": 1}')[:-6] + "!!!!!!"
    with pytest.raises(ValueError, match="saved state is damaged"):
        unpack(damaged)
