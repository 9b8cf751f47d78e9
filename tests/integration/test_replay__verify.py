"""Auditors replay a case from its events: the rebuilt state equals the stored one, tampering is found
and located, and the case can be seen as it stood at any moment."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from cli import scenarios as s
from engine.models import HistoryEvent
from handlers import default_registry
from tests.conftest import REINTEGRATION
from tests.integration.reintegration_cases import SCENARIO_START

ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}


@pytest.fixture
def h(harness):
    harness.deploy(REINTEGRATION)
    return harness


def step(h, case_id, element, data):
    h.clock.advance(hours=20)
    task = h.task(case_id, element)
    return h.complete(case_id, element, data, ACTORS[task["lane"]])


def happy_case(h, stop_before: str | None = None) -> str:
    if h.clock.now() > SCENARIO_START:  # the case before it left the clock at its end
        h.clock.set(SCENARIO_START)
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, data in s.HAPPY_PATH.items():
        if element == stop_before:
            break
        step(h, case_id, element, data)
    return case_id


def test_replay_rebuilds_every_path_exactly(h):
    finished = happy_case(h)
    refused = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    step(h, refused, "record_parental_consent", s.CONSENT_REFUSED_PATH["record_parental_consent"])
    emergency = happy_case(h, stop_before="interim_review_1")
    h.call("send_message", emergency, "emergency_review_requested", {"reason": "fight"}, "hana.host")
    step(h, emergency, "hold_emergency_review", s.EMERGENCY_REVIEW_CONTINUE)
    h.call("send_message", emergency, "emergency_review_requested", {"reason": "again"}, "hana.host")
    step(h, emergency, "hold_emergency_review", s.EMERGENCY_REVIEW_END)
    for element in ("record_unsuccessful_outcome", "confirm_failure_decision", "remove_from_roll"):
        step(h, emergency, element, s.UNSUCCESSFUL_PATH[element])
    h.clock.set(datetime(2027, 1, 26, 9, tzinfo=UTC))  # the day after the Fair Access date, before its reminder
    waiting = happy_case(h, stop_before="allocate_place")
    h.clock.set(datetime(2027, 2, 26, 12, tzinfo=UTC))  # after the Fair Access reminder
    assert h.fire()
    h.clock.set(datetime(2027, 3, 3, 12, tzinfo=UTC))  # after the first escalation
    assert h.fire()
    for case_id in (finished, refused, emergency, waiting):
        result = h.call("replay", case_id, verify=True)
        assert result["ok"], result["problems"]
        assert result["replayed"] == result["events"]
        shown = h.call("show_case", case_id)
        assert result["state"]["data"] == shown["data"]
        assert [t["task"] for t in result["state"]["ready_tasks"]] == sorted(t["task"] for t in shown["ready_tasks"])
        assert result["state"]["waiting_timers"] == sorted(shown["waiting_timers"], key=lambda t: t["task"])


def drop_append_only_triggers(ses) -> None:
    """What an attacker with the database owner's rights could do; the app's own role cannot."""
    if ses.get_bind().dialect.name == "postgresql":
        ses.execute(text("DROP TRIGGER IF EXISTS history_events_append_only ON history_events"))
    else:
        ses.execute(text("DROP TRIGGER IF EXISTS history_events_no_update"))
        ses.execute(text("DROP TRIGGER IF EXISTS history_events_no_delete"))


def test_the_database_refuses_to_change_or_delete_events(h):
    case_id = happy_case(h, stop_before="gather_information")
    before = h.call("history", case_id)
    for statement in (update(HistoryEvent).where(HistoryEvent.case_id == case_id).values(actor="someone else"),
                      delete(HistoryEvent).where(HistoryEvent.case_id == case_id)):
        with h.sessions() as ses, pytest.raises(DBAPIError, match="append-only"):
            ses.execute(statement)
    assert h.call("history", case_id) == before
    assert h.call("replay", case_id, verify=True)["ok"]


def test_tampering_is_detected_and_located(h):
    def tamper(change) -> dict:
        case_id = happy_case(h, stop_before="hold_initial_meeting")
        events = h.call("history", case_id)
        with h.sessions() as ses:
            drop_append_only_triggers(ses)
            change(ses, case_id, events)
            ses.commit()
        return h.call("replay", case_id, verify=True)

    def edit(ses, case_id, events):
        seq = next(e["seq"] for e in events if e["element"] == "record_fair_access_decision")
        ev = ses.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case_id, HistoryEvent.seq == seq)).one()
        ev.data = {**ev.data, "data": {**ev.data["data"], "agreed_to_consider_date": "2027-01-04"}}
        edit.seq = seq

    def remove(ses, case_id, events):
        ses.execute(delete(HistoryEvent).where(HistoryEvent.case_id == case_id, HistoryEvent.seq == 4))

    def swap(ses, case_id, events):
        where = (HistoryEvent.case_id == case_id)
        ses.execute(update(HistoryEvent).where(where, HistoryEvent.seq == 3).values(seq=-3))
        ses.execute(update(HistoryEvent).where(where, HistoryEvent.seq == 2).values(seq=3))
        ses.execute(update(HistoryEvent).where(where, HistoryEvent.seq == -3).values(seq=2))

    result = tamper(edit)
    assert not result["ok"] and result["first_bad_event"] == edit.seq
    assert "hash chain is broken" in result["problems"][0]
    result = tamper(remove)
    assert not result["ok"] and result["first_bad_event"] == 5  # the event after the gap no longer chains
    result = tamper(swap)
    assert not result["ok"] and result["first_bad_event"] == 2


def test_a_changed_handler_is_a_divergence_at_its_event(h, make_harness):
    case_id = happy_case(h, stop_before="allocate_place")
    registry = default_registry()
    original = registry.handler("fair_access_deadline")
    registry._handlers["fair_access_deadline"] = lambda ctx: {**original(ctx), "fair_access_deadline": "2099-01-01"}
    h.registry = registry
    result = h.call("replay", case_id, verify=True)
    seq = next(e["seq"] for e in h.call("history", case_id) if e["element"] == "compute_fair_access_deadline")
    assert not result["ok"] and result["first_bad_event"] == seq
    assert "different outputs" in result["problems"][0]


def test_the_case_as_it_stood_at_any_moment(h):
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    seen = []
    for element, data in list(s.HAPPY_PATH.items())[:6]:
        shown = h.call("show_case", case_id)
        seen.append((h.clock.now() + timedelta(hours=1), shown))
        step(h, case_id, element, data)
    for moment, shown in seen:
        then = h.call("replay", case_id, at=moment)["state"]
        assert [t["task"] for t in then["ready_tasks"]] == sorted(t["task"] for t in shown["ready_tasks"])
        assert then["data"] == shown["data"]
        assert then["waiting_timers"] == sorted(shown["waiting_timers"], key=lambda t: t["task"])
    until = h.call("replay", case_id, until=1)
    assert until["replayed"] == 1 and [t["task"] for t in until["state"]["ready_tasks"]] == ["record_parental_consent"]


def test_reading_a_case_is_recorded(h):
    case_id = happy_case(h, stop_before="gather_information")
    h.call("show_case", case_id)  # the engine's own reads are not a person's
    h.call("show_case", case_id, viewer="aud.auditor")
    h.clock.advance(minutes=5)
    h.call("history", case_id, viewer="lee.la")
    h.call("replay", case_id, viewer="aud.auditor")
    log = h.call("access_log", case_id)
    assert [(e["actor"], e["action"]) for e in log] == [
        ("aud.auditor", "replayed case"), ("lee.la", "read history"), ("aud.auditor", "viewed case")]
