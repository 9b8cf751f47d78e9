"""Seed 002: an offer of a school place within 20 school days of the Fair Access referral.

27 April 2026 + 20 school days, counted on the shipped calendar, skips the early May bank holiday
(4 May), the May half-term (25-29 May, with the spring bank holiday) and the INSET day on 1 June:
the deadline is Wednesday 3 June 2026, and the escalation goes at 09:00 London time the next day.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from cli import scenarios as s
from engine.models import OutboxMessage
from tests.conftest import REINTEGRATION


def test_deadline_in_school_days_fires_escalation_once_and_keeps_the_task_open(harness):
    h = harness
    h.deploy(REINTEGRATION)
    h.clock.set(datetime(2026, 4, 20, 10, 0, tzinfo=UTC))
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, actor in (("record_parental_consent", "ava.ap"), ("gather_information", "ava.ap"),
                           ("record_child_views", "ava.ap")):
        h.complete(case_id, element, s.HAPPY_PATH[element], actor)
    decision = {**s.HAPPY_PATH["record_fair_access_decision"], "agreed_to_consider_date": "2026-04-27"}
    case = h.complete(case_id, "record_fair_access_decision", decision, "lee.la")

    assert case["data"]["fair_access_deadline"] == "2026-06-03"
    assert h.task(case_id, "allocate_place")["due"] == "2026-06-03"
    assert case["waiting_timers"] == [{"task": "fair_access_deadline_missed", "due": "2026-06-04T08:00:00+00:00"}]

    h.clock.set(datetime(2026, 6, 4, 7, 59, tzinfo=UTC))
    assert h.call("fire_due_timers") == []
    h.clock.set(datetime(2026, 6, 4, 8, 0, 1, tzinfo=UTC))
    assert h.call("fire_due_timers") == [{"case_id": case_id, "task": "fair_access_deadline_missed"}]
    assert h.call("fire_due_timers") == []

    case = h.call("show_case", case_id)
    assert case["status"] == "running" and case["waiting_timers"] == []
    assert [t["task"] for t in case["ready_tasks"]] == ["allocate_place"]
    escalations = h.query(lambda ses: ses.scalars(select(OutboxMessage).where(
        OutboxMessage.idempotency_key == f"{case_id}:escalation:escalate_fair_access")).all())
    assert len(escalations) == 1
    assert escalations[0].recipient == h.policy.la_admissions_email
    assert "2026-06-03" in escalations[0].body

    h.complete(case_id, "allocate_place", {"place_offered_date": "2026-06-05", "host_school_confirmed": True},
               "lee.la")
    assert [t["task"] for t in h.call("show_case", case_id)["ready_tasks"]] == ["hold_initial_meeting"]
    kinds = [e["kind"] for e in h.call("history", case_id)]
    assert kinds.count("timer_fired") == 1
