"""Part-time reintegration timetables (the Oxfordshire timetable guidance): every path through
processes/reintegration_timetable.bpmn.

Every engine call runs in its own transaction, so every step saves and restores the workflow; each case
driven here is replayed and verified at the end.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import InvalidData
from tests.integration.timetable_cases import (
    AGREEMENT,
    FULL,
    MEETING,
    PLAN,
    PROPOSE,
    RISK,
    SENT,
    START,
    TIMETABLE,
    add_staff,
    deploy,
    mail,
    review,
    verified,
)

#: Every path runs restoring each step from storage, and again with the workflow cache on.
pytestmark = pytest.mark.workflow_cache_too


@pytest.fixture
def h(harness):
    add_staff(harness)
    deploy(harness, TIMETABLE)
    return harness


def start(h, status: dict | None = None) -> str:
    case = h.call("start_case", "reintegration_timetable", START, "omar.home")
    case_id = case["case_id"]
    assert [t["task"] for t in case["ready_tasks"]] == ["propose_timetable"]
    h.complete(case_id, "propose_timetable", {**PROPOSE, **(status or {})}, "omar.home")
    return case_id


def to_agreement(h, case_id: str) -> dict:
    h.complete(case_id, "hold_planning_meeting", MEETING, "omar.home")
    case = h.complete(case_id, "agree_plan", PLAN, "omar.home")
    h.complete(case_id, "assess_risk", RISK, "omar.home")
    return case


def test_happy_path_back_to_full_time_in_week_four(h):
    case_id = start(h)
    notice = mail(h, case_id)
    assert [(m.kind, m.recipient) for m in notice] == [("timetable_attendance_notice", "attendance@authority.example")]
    assert "JE" in notice[0].subject and "Jordan" not in notice[0].body
    task = h.task(case_id, "hold_planning_meeting")
    assert task["lane"] == "home_school"
    case = to_agreement(h, case_id)
    data = case["data"]
    # 9 March 2026 + 6 school weeks, skipping the Easter holidays (30 March - 10 April): Friday 1 May
    assert data["timetable_limit_date"] == "2026-05-01"
    assert data["weekly_hours"] == [16.25, 21.25, 26.25, 28.75]
    assert data["full_time_from"] == "2026-04-13"  # week 4 is the first week after Easter
    assert data["review_dates"] == ["2026-03-20", "2026-04-17", "2026-05-01"]  # every 2 school weeks
    case = h.complete(case_id, "record_parental_agreement", AGREEMENT, "omar.home")
    assert case["data"]["timetable_agreed"] is True
    # 2 working days after the signature on Thursday 5 March: Monday 9 March
    assert case["data"]["la_notice_due"] == "2026-03-09"
    assert h.task(case_id, "send_plan_to_la")["due"] == "2026-03-09"
    case = h.complete(case_id, "send_plan_to_la", SENT, "omar.home")
    plan_mail = [m for m in mail(h, case_id) if m.kind == "timetable_plan_to_la"]
    assert len(plan_mail) == 1 and "Week 4 (28.75 hours)" in plan_mail[0].body and "Ms R Patel" in plan_mail[0].body
    assert "attendance code C2 (part-time timetable)" in plan_mail[0].body
    assert [t["task"] for t in case["ready_tasks"]] == ["review_timetable"]
    assert {t["task"] for t in case["waiting_timers"]} == {"timetable_reminder", "timetable_overdue"}
    h.complete(case_id, "review_timetable", review("2026-03-20", 2, 21, False), "omar.home")
    case = h.complete(case_id, "review_timetable", review("2026-04-17", 4, 29, True), "omar.home")
    assert case["status"] == "completed"
    assert case["data"]["outcome"] == "full_time" and case["data"]["full_time_within_limit"] is True
    assert len(case["data"]["timetable_reviews"]) == 2
    assert case["waiting_timers"] == []
    assert "timetable_ended" in [m.kind for m in mail(h, case_id)]
    assert verified(h, case_id)


@pytest.mark.parametrize(("status", "required"), [
    ({}, ["parent_carer"]),
    ({"looked_after": True}, ["parent_carer", "virtual_school"]),
    ({"court_order": True}, ["parent_carer", "youth_offending_worker"]),
    ({"social_care_plan": "child_protection"}, ["parent_carer", "social_worker"]),
    ({"social_care_plan": "child_in_need"}, ["parent_carer", "social_worker"]),
    ({"social_care_plan": "team_around_family"}, ["parent_carer", "early_help_worker"]),
    ({"ehcp": True}, ["parent_carer", "sen_team"]),
    ({"looked_after": True, "court_order": True, "social_care_plan": "child_protection", "ehcp": True},
     ["parent_carer", "virtual_school", "youth_offending_worker", "social_worker", "sen_team"]),
])
def test_the_decision_table_says_who_must_attend(h, status, required):
    case_id = start(h, status)
    data = h.call("show_case", case_id)["data"]
    assert data["required_attendees"] == required
    missing = [who for who in required if who != "parent_carer"]
    if missing:
        with pytest.raises(InvalidData) as err:
            h.complete(case_id, "hold_planning_meeting", MEETING, "omar.home")
        assert set(err.value.errors) == {f"attended_{who}" for who in missing}
        assert "must attend the planning meeting" in next(iter(err.value.errors.values()))
    with pytest.raises(InvalidData, match="Parent/carer must attend"):
        h.complete(case_id, "hold_planning_meeting", {**MEETING, "attended_parent_carer": False,
                                                      **{f"attended_{w}": True for w in missing}}, "omar.home")
    case = h.complete(case_id, "hold_planning_meeting", {**MEETING, **{f"attended_{w}": True for w in missing}},
                      "omar.home")
    assert [t["task"] for t in case["ready_tasks"]] == ["agree_plan"]
    assert verified(h, case_id)


@pytest.mark.parametrize(("timetable", "complaint"), [
    ("\n".join(["3.25/0 3.25/0 3.25/0 3.25/0 3.25/0"] * 6 + [FULL]),
     "within 6 weeks"),
    ("3.25/0 3.25/0 3.25/0 3.25/0 3.25/0\n3.25/2.5 3.25/0 3.25/0 3.25/0 3.25/0", "is not full time"),
    ("3.25/2.5 3.25/0 3.25/0 3.25/0 3.25/0\n3.25/0 3.25/0 3.25/0 3.25/0 3.25/0\n"
     "3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5", "fewer hours"),
    ("3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5", "already full time"),
    ("3.25/0 3.25/0 3.25/0 3.25/0\n3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5", "has 4 days"),
    ("4/0 3.25/0 3.25/0 3.25/0 3.25/0\n3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5", "more than the full session"),
])
def test_a_plan_that_does_not_return_to_full_time_in_time_is_refused(h, timetable, complaint):
    case_id = start(h)
    h.complete(case_id, "hold_planning_meeting", MEETING, "omar.home")
    with pytest.raises(InvalidData) as err:
        h.complete(case_id, "agree_plan", {**PLAN, "weekly_timetable": timetable}, "omar.home")
    assert complaint in err.value.errors["weekly_timetable"]
    assert h.task(case_id, "agree_plan")  # nothing changed


def test_the_plan_records_sessions_off_timetable_as_code_c2(h):
    case_id = start(h)
    h.complete(case_id, "hold_planning_meeting", MEETING, "omar.home")
    with pytest.raises(InvalidData, match="code C2") as err:
        h.complete(case_id, "agree_plan", {**PLAN, "register_code_c2": False}, "omar.home")
    assert list(err.value.errors) == ["register_code_c2"]
    form = {f["id"]: f["label"] for f in h.task(case_id, "agree_plan")["form"]}
    assert "attendance code C2" in form["register_code_c2"] and "Regulations 2024" in form["register_code_c2"]


def test_a_shorter_maximum_in_policy_refuses_the_same_plan(h):
    from dataclasses import replace

    h.policy = replace(h.policy, timetable_max_weeks=3)
    case_id = start(h)
    h.complete(case_id, "hold_planning_meeting", MEETING, "omar.home")
    with pytest.raises(InvalidData, match="within 3 weeks"):
        h.complete(case_id, "agree_plan", PLAN, "omar.home")


def test_risk_assessment_comes_before_the_start(h):
    case_id = start(h)
    h.complete(case_id, "hold_planning_meeting", MEETING, "omar.home")
    h.complete(case_id, "agree_plan", PLAN, "omar.home")
    with pytest.raises(InvalidData) as err:
        h.complete(case_id, "assess_risk", {**RISK, "risk_assessment_date": "2026-03-10", "recorded_in_plan": False},
                   "omar.home")
    assert set(err.value.errors) == {"risk_assessment_date", "recorded_in_plan"}


def test_no_written_agreement_no_timetable(h):
    case_id = start(h)
    to_agreement(h, case_id)
    with pytest.raises(InvalidData, match="must be signed by the parent"):
        h.complete(case_id, "record_parental_agreement", {**AGREEMENT, "plan_and_hours_signed": False}, "omar.home")
    case = h.complete(case_id, "record_parental_agreement",
                      {"parent_agrees": False, "not_agreed_reason": "Wants full time with support"}, "omar.home")
    assert case["status"] == "completed" and case["data"]["outcome"] == "not_agreed"
    assert "cannot be implemented" in case["data"]["timetable_status"]
    assert case["ready_tasks"] == [] and case["waiting_timers"] == []
    sent = [m for m in mail(h, case_id) if m.kind == "timetable_not_agreed"]
    assert sent and sent[0].recipient == "attendance@authority.example"
    assert verified(h, case_id)


def test_agencies_must_agree_too_when_the_status_requires_them(h):
    case_id = start(h, {"looked_after": True})
    h.complete(case_id, "hold_planning_meeting", {**MEETING, "attended_virtual_school": True}, "omar.home")
    h.complete(case_id, "agree_plan", PLAN, "omar.home")
    h.complete(case_id, "assess_risk", RISK, "omar.home")
    with pytest.raises(InvalidData, match="Virtual School agree"):
        h.complete(case_id, "record_parental_agreement", AGREEMENT, "omar.home")
    case = h.complete(case_id, "record_parental_agreement", {**AGREEMENT, "agencies_agree": False}, "omar.home")
    assert case["data"]["outcome"] == "not_agreed" and "agencies" in case["data"]["timetable_status"]
    assert verified(h, case_id)


def test_la_notice_counts_working_days_through_the_summer(h):
    """The LA's attendance team works in the holidays: signed Friday 17 July 2026, due Tuesday 21 July
    (2 school days would have been Friday 4 September), and reminded on the morning it is due."""
    case_id = start(h)
    to_agreement(h, case_id)
    h.clock.set(datetime(2026, 7, 17, 15, 0, tzinfo=UTC))
    case = h.complete(case_id, "record_parental_agreement", {**AGREEMENT, "agreement_date": "2026-07-17"},
                      "omar.home")
    assert case["data"]["la_notice_due"] == "2026-07-21"
    assert {t["task"]: t["due"] for t in case["waiting_timers"]} == {
        "send_plan_to_la_reminder": "2026-07-21T08:00:00+00:00",
        "send_plan_to_la_overdue": "2026-07-22T08:00:00+00:00"}
    assert verified(h, case_id)


def test_la_notice_reminded_and_escalated_then_timetable_overrun_escalated(h):
    case_id = start(h)
    to_agreement(h, case_id)
    h.clock.set(datetime(2026, 3, 5, 15, 0, tzinfo=UTC))
    case = h.complete(case_id, "record_parental_agreement", AGREEMENT, "omar.home")
    timers = {t["task"]: t["due"] for t in case["waiting_timers"]}
    # due Monday 9 March (2 school days after Thursday 5 March); reminded that morning, escalated the next
    assert timers == {"send_plan_to_la_reminder": "2026-03-09T09:00:00+00:00",
                      "send_plan_to_la_overdue": "2026-03-10T09:00:00+00:00"}
    h.clock.set(datetime(2026, 3, 9, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "send_plan_to_la_reminder"}]
    h.clock.set(datetime(2026, 3, 10, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "send_plan_to_la_overdue"}]
    sent = {(m.kind, m.recipient) for m in mail(h, case_id)}
    assert ("deadline_reminder", "inclusion@hollybrook.example") in sent
    assert ("deadline_escalation", "attendance@authority.example") in sent
    escalation = next(m for m in mail(h, case_id) if m.kind == "deadline_escalation")
    assert "within 2 days" in escalation.body
    case = h.complete(case_id, "send_plan_to_la", {**SENT, "plan_sent_date": "2026-03-10"}, "omar.home")
    assert {t["task"]: t["due"] for t in case["waiting_timers"]} == {
        # 2 school days before Friday 1 May (the sixth school week, Easter not counted), 09:00 London
        "timetable_reminder": "2026-04-29T08:00:00+00:00",
        "timetable_overdue": "2026-05-02T08:00:00+00:00"}
    h.complete(case_id, "review_timetable", review("2026-03-20", 2, 20, False), "omar.home")
    h.clock.set(datetime(2026, 5, 2, 8, 0, 1, tzinfo=UTC))
    fired = {f["task"] for f in h.fire()}
    assert fired == {"timetable_reminder", "timetable_overdue"}
    over = [m for m in mail(h, case_id) if m.kind == "deadline_escalation" and "Overdue since 1 May 2026" in m.subject]
    assert [m.recipient for m in over] == ["attendance@authority.example"]
    assert "six weeks" in over[0].body
    case = h.call("show_case", case_id)
    assert case["status"] == "running" and [t["task"] for t in case["ready_tasks"]] == ["review_timetable"]
    h.clock.set(datetime(2026, 5, 9, 8, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "timetable_overdue"}]  # weekly until full time
    case = h.complete(case_id, "review_timetable", review("2026-05-11", 8, 29, True), "omar.home")
    assert case["status"] == "completed" and case["data"]["full_time_within_limit"] is False
    assert verified(h, case_id)
