"""The Worcestershire protocol, steps 4-6: reviews that move, and dual registration due by the start date.

The initial meeting (Monday 22 February 2027) sets the start on Monday 1 March and reviews on 15 March,
25 March and 12 April. Dual registration is due by the start date, beside the reviews: reminded on
Thursday 25 February (2 school days before, over nothing: February half-term ended on the 19th) and
escalated on the morning of 2 March, while the reviews go on without it. Between reviews the host school
moves the first review to Wednesday 17 March with a reason; the first review sets the second to
Wednesday 24 March. Each time the due date, the reminder and the escalation move with it, and the case
keeps who moved it, from when to when, and why.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cli import scenarios as s
from engine.errors import InvalidData
from engine.models import OutboxMessage
from tests.conftest import REINTEGRATION

ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}


def to_placement(h) -> str:
    h.deploy(REINTEGRATION)
    h.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, data in s.HAPPY_PATH.items():
        h.complete(case_id, element, data, ACTORS[h.task(case_id, element)["lane"]])
        if element == "hold_initial_meeting":
            return case_id
    raise AssertionError("no initial meeting on the happy path")


def timers(case: dict) -> dict[str, str]:
    return {t["task"]: t["due"] for t in case["waiting_timers"]}


def mail(h, case_id: str) -> list[tuple[str, str, str]]:
    rows = h.query(lambda ses: ses.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)
                                           .order_by(OutboxMessage.id)).all())
    return [(m.kind, m.recipient, m.subject) for m in rows]


def test_dual_registration_is_due_by_the_start_date_and_does_not_hold_up_the_reviews(harness):
    h = harness
    case_id = to_placement(h)
    case = h.call("show_case", case_id)
    assert sorted(t["task"] for t in case["ready_tasks"]) == ["confirm_dual_registration", "interim_review_1"]
    assert h.task(case_id, "confirm_dual_registration")["due"] == "2027-03-01" == case["data"]["dual_registration_due"]
    assert timers(case) == {
        "confirm_dual_registration_reminder": "2027-02-25T09:00:00+00:00",
        "confirm_dual_registration_overdue": "2027-03-02T09:00:00+00:00",
        "interim_review_1_reminder": "2027-03-11T09:00:00+00:00",
        "interim_review_1_overdue": "2027-03-16T09:00:00+00:00",
    }
    h.clock.set(datetime(2027, 2, 25, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "confirm_dual_registration_reminder"}]
    h.clock.set(datetime(2027, 3, 2, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "confirm_dual_registration_overdue"}]
    sent = [(kind, to) for kind, to, subject in mail(h, case_id) if "Confirm dual registration" in subject]
    assert sent == [("deadline_reminder", "head.ap@schools.example"),
                    ("deadline_escalation", "admissions@authority.example")]
    # never confirmed: the first review is still held, reminded and escalated on its own dates
    h.clock.set(datetime(2027, 3, 11, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "confirm_dual_registration_overdue"},  # weekly, 9 March
                        {"case_id": case_id, "task": "interim_review_1_reminder"}]
    case = h.complete(case_id, "interim_review_1", s.HAPPY_PATH["interim_review_1"], "hana.host")
    assert sorted(t["task"] for t in case["ready_tasks"]) == ["confirm_dual_registration", "interim_review_2"]
    case = h.complete(case_id, "confirm_dual_registration", s.HAPPY_PATH["confirm_dual_registration"], "ava.ap")
    assert "confirm_dual_registration_overdue" not in timers(case)


def test_reviews_move_between_reviews_and_at_a_review_with_their_reminders(harness):
    h = harness
    case_id = to_placement(h)
    h.clock.set(datetime(2027, 3, 3, 10, tzinfo=UTC))
    move = {"review_date": "2027-03-17", "reason": "The key worker is on a course on the 15th"}
    for bad, message in (({**move, "reason": " "}, "Say why the review is moving"),
                         ({**move, "review_date": "2027-03-20"}, "Saturday 20 March 2027 is not a school day"),
                         ({**move, "review_date": "2027-03-02"}, "New date of the review must be today or in the future")):
        with pytest.raises(InvalidData, match=message):
            h.call("send_message", case_id, "review_date_changed", bad, "hana.host")
    assert h.task(case_id, "interim_review_1")["due"] == "2027-03-15"

    case = h.call("send_message", case_id, "review_date_changed", move, "hana.host")
    assert h.task(case_id, "interim_review_1")["due"] == "2027-03-17" == case["data"]["review_1_date"]
    assert {k: v for k, v in timers(case).items() if k.startswith("interim")} == {
        "interim_review_1_reminder": "2027-03-15T09:00:00+00:00",
        "interim_review_1_overdue": "2027-03-18T09:00:00+00:00",
    }
    assert case["data"]["review_moves"] == [
        {"review": 1, "from": "2027-03-15", "to": "2027-03-17", "by": "a request between reviews",
         "reason": "The key worker is on a course on the 15th", "on": "2027-03-03"}]
    sent = [e for e in h.call("history", case_id) if e["kind"] == "message_received"]
    assert (sent[-1]["actor"], sent[-1]["data"]["data"]) == ("hana.host", move)
    h.complete(case_id, "confirm_dual_registration", s.HAPPY_PATH["confirm_dual_registration"], "ava.ap")
    h.clock.set(datetime(2027, 3, 15, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "interim_review_1_reminder"}]
    h.clock.set(datetime(2027, 3, 16, 9, 0, 1, tzinfo=UTC))  # the old escalation day passes quietly
    assert h.fire() == []

    h.clock.set(datetime(2027, 3, 17, 15, tzinfo=UTC))
    held = {**s.HAPPY_PATH["interim_review_1"], "meeting_date": "2027-03-17"}
    with pytest.raises(InvalidData, match="Friday 26 March 2027 is not a school day"):  # Good Friday
        h.complete(case_id, "interim_review_1", {**held, "next_meeting_date": "2027-03-26"}, "hana.host")
    case = h.complete(case_id, "interim_review_1", {**held, "next_meeting_date": "2027-03-24"}, "hana.host")
    assert h.task(case_id, "interim_review_2")["due"] == "2027-03-24"
    assert {k: v for k, v in timers(case).items() if k.startswith("interim")} == {
        "interim_review_2_reminder": "2027-03-22T09:00:00+00:00",
        "interim_review_2_overdue": "2027-03-25T09:00:00+00:00",
    }
    assert case["data"]["review_moves"][-1] == {
        "review": 2, "from": "2027-03-25", "to": "2027-03-24", "by": "first interim review",
        "reason": "agreed at the first interim review held on 2027-03-17", "on": "2027-03-17"}
    assert case["data"]["next_meeting_date"] is None  # consumed: the next review's blank keeps its plan

    h.clock.set(datetime(2027, 3, 24, 15, tzinfo=UTC))
    second = {**s.HAPPY_PATH["interim_review_2"], "meeting_date": "2027-03-24"}
    with pytest.raises(InvalidData, match=r"within 6 weeks of the start date \(by 2027-04-12\)"):
        h.complete(case_id, "interim_review_2", {**second, "next_meeting_date": "2027-04-16"}, "hana.host")
    case = h.complete(case_id, "interim_review_2", {**second, "next_meeting_date": None}, "hana.host")
    assert h.task(case_id, "final_review")["due"] == "2027-04-12"  # blank: the planned date stands
    assert len(case["data"]["review_moves"]) == 2
    assert h.call("replay", case_id, verify=True)["ok"]


def test_a_review_moved_after_its_reminder_is_reminded_again_for_the_new_date(harness):
    h = harness
    case_id = to_placement(h)
    h.complete(case_id, "confirm_dual_registration", s.HAPPY_PATH["confirm_dual_registration"], "ava.ap")
    h.clock.set(datetime(2027, 3, 11, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "interim_review_1_reminder"}]
    h.call("send_message", case_id, "review_date_changed",  # and again: each move re-arms the watch
           {"review_date": "2027-03-19", "reason": "The parent cannot come on the 15th"}, "ava.ap")
    h.call("send_message", case_id, "review_date_changed",
           {"review_date": "2027-03-18", "reason": "Back a day: the room is free on the 18th"}, "hana.host")
    h.call("send_message", case_id, "review_date_changed",
           {"review_date": "2027-03-19", "reason": "The parent asked for Friday after all"}, "ava.ap")
    case = h.call("show_case", case_id)
    assert [(m["from"], m["to"]) for m in case["data"]["review_moves"]] == [
        ("2027-03-15", "2027-03-19"), ("2027-03-19", "2027-03-18"), ("2027-03-18", "2027-03-19")]
    h.clock.set(datetime(2027, 3, 17, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "interim_review_1_reminder"}]
    h.clock.set(datetime(2027, 3, 22, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "interim_review_1_overdue"}]
    sent = [(kind, subject.split(":")[0]) for kind, _, subject in mail(h, case_id) if "Hold first interim review" in subject]
    assert sent == [("deadline_reminder", "Due 15 March 2027"), ("deadline_reminder", "Due 19 March 2027"),
                    ("deadline_escalation", "Overdue since 19 March 2027")]


def test_reviews_by_default_avoid_the_host_schools_own_inset_days(harness):
    """Kingsmead (an academy) closes on Monday 15 March 2027 for INSET: the 2-week review moves back to
    Friday 12 March; the authority's own calendar would have kept the 15th."""
    h = harness
    h.policy = replace(h.policy, calendar={**h.policy.calendar,
                                           "school_inset_days": {"Kingsmead High School": ["2027-03-15"]}})
    h.deploy(REINTEGRATION)
    h.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, data in s.HAPPY_PATH.items():
        if element == "hold_initial_meeting":
            data = {k: v for k, v in data.items() if not k.startswith("review_")}
        case = h.complete(case_id, element, data, ACTORS[h.task(case_id, element)["lane"]])
        if element == "hold_initial_meeting":
            break
    assert [case["data"][f"review_{n}_date"] for n in (1, 2, 3)] == ["2027-03-12", "2027-03-25", "2027-04-12"]
