"""The Worcestershire protocol's unsuccessful outcome, who is on which roll, and the emergency review that moves
the next review (issue 17, items 5 and 11).

The failing case: initial meeting on Monday 22 February 2027, start on Monday 1 March, an emergency review on
Friday 19 March that lets it continue and one on Wednesday 31 March that ends it. The home school (or, with none,
the AP setting) records the reasons and the evidence; the host head confirms the checks an exclusion-like
decision needs and signs the letter, which lists its evidence; the host school deletes the pupil from its roll
on Monday 26 April 2027 under regulation 9(1)(c) of the 2024 regulations and makes the regulation 13 return.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cli import scenarios as s
from engine.errors import InvalidData, NotFound
from engine.models import OutboxMessage
from handlers import default_registry
from schooling.models import WeightingEntry
from tests.conftest import REINTEGRATION, Harness

pytestmark = pytest.mark.workflow_cache_too

ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}
NO_HOME_SCHOOL = {k: v for k, v in s.START_DATA.items() if k != "home_school"}
FAILED = s.UNSUCCESSFUL_PATH


def start(h, data=s.START_DATA) -> str:
    h.deploy(REINTEGRATION)
    h.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    return h.call("start_case", "reintegration", data, "ava.ap")["case_id"]


def do(h, case_id: str, element: str, data: dict) -> dict:
    return h.complete(case_id, element, data, ACTORS[h.task(case_id, element)["lane"]])


def to_placement(h, case_id: str) -> None:
    for element, data in s.HAPPY_PATH.items():
        do(h, case_id, element, data)
        if element == "hold_initial_meeting":
            return


def ended_by_emergency_review(h, case_id: str) -> dict:
    """Continue at the emergency review of 19 March, the first interim review on 15 March, end on 31 March."""
    to_placement(h, case_id)
    do(h, case_id, "confirm_dual_registration", s.HAPPY_PATH["confirm_dual_registration"])
    do(h, case_id, "interim_review_1", s.HAPPY_PATH["interim_review_1"])
    h.call("send_message", case_id, "emergency_review_requested", {"reason": "fight"}, "hana.host")
    do(h, case_id, "hold_emergency_review", s.EMERGENCY_REVIEW_CONTINUE)
    h.call("send_message", case_id, "emergency_review_requested", {"reason": "assault"}, "hana.host")
    return do(h, case_id, "hold_emergency_review", s.EMERGENCY_REVIEW_END)


def outbox(h, case_id: str) -> dict[str, OutboxMessage]:
    rows = h.query(lambda ses: ses.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).all())
    return {m.idempotency_key.split(":", 1)[1].rsplit(":", 1)[0]: m for m in rows}


def test_the_host_head_checks_and_signs_the_letter_with_its_evidence_and_the_pupil_leaves_the_roll(harness):
    h = harness
    case_id = start(h)
    case = ended_by_emergency_review(h, case_id)
    assert [(t["task"], t["lane"]) for t in case["ready_tasks"]] == [("record_unsuccessful_outcome", "home_school")]
    with pytest.raises(InvalidData, match="cannot be before the reintegration started"):
        do(h, case_id, "record_unsuccessful_outcome", {**FAILED["record_unsuccessful_outcome"], "date_of_return": "2027-02-26"})
    case = do(h, case_id, "record_unsuccessful_outcome", FAILED["record_unsuccessful_outcome"])
    assert [(t["task"], t["lane"]) for t in case["ready_tasks"]] == [("confirm_failure_decision", "host_school")]
    assert "failure_letter" not in case["data"]  # the home school's reasons do not go out as the head's

    decision = FAILED["confirm_failure_decision"]
    with pytest.raises(InvalidData) as refused:
        do(h, case_id, "confirm_failure_decision", {**decision, "incident_investigated": False,
                                                    "harassment_checked": False, "child_account_heard": False,
                                                    "letter_signed": False})
    assert refused.value.errors == {
        "incident_investigated": "Make sure any key incident has been investigated fully before ending the reintegration",
        "harassment_checked": "Check whether the incident was provoked by racial or sexual harassment first",
        "child_account_heard": "Allow the child to give their version of events first",
        "letter_signed": "The head teacher signs the letter"}
    with pytest.raises(InvalidData, match="Say what the check found"):
        do(h, case_id, "confirm_failure_decision", {**decision, "harassment_finding": "provoked", "harassment_notes": ""})
    with pytest.raises(InvalidData, match="Enter the child's version of events"):
        do(h, case_id, "confirm_failure_decision", {**decision, "child_account": ""})
    case = do(h, case_id, "confirm_failure_decision", decision)

    letter = case["data"]["failure_letter"]
    assert decision["decision_reasons"] in letter
    assert FAILED["record_unsuccessful_outcome"]["reasons_for_failure"] not in letter
    assert "held with the case" not in letter
    for line in ("at our original meeting on 22 February 2027", "with effect from 26 April 2027",
                 "- Initial reintegration meeting, 22 February 2027",
                 "- First interim review, 15 March 2027: Continue as planned.",
                 "- Emergency review, 19 March 2027: the reintegration continues",
                 "- Emergency review, 31 March 2027: the reintegration ends",
                 "Previous warnings: Written warning after the walk-out of 22 March; final warning on 20 April.",
                 "Fixed term exclusions (suspensions): Two fixed-term suspensions: 1 day (23 March), 3 days (13-15 April).",
                 "Other disciplinary measures: Daily report card from 23 March;",
                 f"investigated fully: {decision['investigation']}",
                 "provoked by racial or sexual harassment: it was not provoked by racial or sexual harassment",
                 f"Jordan Ellis was allowed to give their version of events: {decision['child_account']}",
                 "Yours sincerely\n\nDr Alan Price\nHead Teacher, Kingsmead High School",
                 "Copy sent to: Head Teacher of Hollybrook High School; School Admissions"):
        assert line in letter, line
    sent = outbox(h, case_id)
    emailed = sent["failure_letter:parent"].body
    assert "held with the case" not in emailed and "- Emergency review, 31 March 2027: the reintegration ends" in emailed
    assert "- First interim review, 15 March 2027: Continue as planned." in emailed
    assert "Dr Alan Price\nHead Teacher, Kingsmead High School" in emailed
    assert sent["failure_letter:home_school"].recipient == "head.home-school@schools.example"

    task = h.task(case_id, "remove_from_roll")
    assert (task["lane"], task["due"]) == ("host_school", "2027-04-26")  # the ground is met when the decision takes effect
    assert {t["task"]: t["due"] for t in h.call("show_case", case_id)["waiting_timers"]} == {
        "remove_from_roll_reminder": "2027-04-22T08:00:00+00:00",  # 2 school days before, 9:00 British Summer Time
        "remove_from_roll_overdue": "2027-04-27T08:00:00+00:00"}  # 9:00 British Summer Time, the morning after
    h.clock.set(datetime(2027, 4, 22, 8, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "remove_from_roll_reminder"}]
    reminded = outbox(h, case_id)["reminder:remove_from_roll:2027-04-26"]
    assert reminded.recipient == "head.host-school@schools.example" and "26 April 2027" in reminded.body
    roll = FAILED["remove_from_roll"]
    with pytest.raises(InvalidData) as refused:
        do(h, case_id, "remove_from_roll", {**roll, "ap_consented": False, "deletion_date": "2027-04-23"})
    assert refused.value.errors == {
        "ap_consented": "Regulation 9(1)(c) needs the consent of the AP setting, where the pupil is also registered",
        "deletion_date": "The ground for deletion is met when the decision takes effect (26 April 2027): not before"}
    h.clock.set(datetime(2027, 4, 26, 10, tzinfo=UTC))
    case = do(h, case_id, "remove_from_roll", roll)
    assert case["status"] == "completed" and case["data"]["outcome"] == "unsuccessful"
    assert case["data"]["deletion_return"] == {
        "regulations": "The School Attendance (Pupil Registration) (England) Regulations 2024",
        "return_under": "regulation 13(4)", "school": "Kingsmead High School", "ground": "regulation 9(1)(c)",
        "ground_text": ("the pupil is also registered at another school, the proprietor has no reasonable grounds to "
                        "believe the pupil will attend this school again, the other school has consented to the "
                        "deletion and no school attendance order names this school"),
        "deletion_date": "2027-04-26", "pupil_name": "Jordan Ellis", "pupil_dob": "2012-05-14",
        "pupil_address": "14 Orchard Way, Barbourne, Worcester WR1 3AB", "parent_name": "Samantha Ellis",
        "parent_address": "14 Orchard Way, Barbourne, Worcester WR1 3AB", "parent_phone": "07700 900123",
        "other_school": "Severn Vale Learning Centre", "made_on": "2027-04-26"}
    sent = outbox(h, case_id)
    notice = " ".join(sent["deletion_return"].body.split())
    assert sent["deletion_return"].recipient == "admissions@authority.example"
    assert "regulation 13 of The School Attendance (Pupil Registration) (England) Regulations 2024" in notice
    assert "from its admission register on 26 April 2027 on the ground of regulation 9(1)(c)" in notice
    assert "Jordan" not in notice and "Orchard Way" not in notice  # in the return on the case, not the email
    outcome = " ".join(sent["la_outcome"].body.split())
    assert "under regulation 9(1)(c) of the School Attendance (Pupil Registration) (England) Regulations 2024" in outcome
    assert "2006" not in outcome
    assert h.call("replay", case_id, verify=True)["ok"]


def test_a_pupil_on_the_ap_roll_only_the_ap_setting_does_the_home_schools_part(harness):
    h = harness
    case_id = start(h, NO_HOME_SCHOOL)
    case = h.call("show_case", case_id)
    assert "home_school" not in case["data"]
    with pytest.raises(NotFound):  # no home school: Hollybrook's staff are no party to it
        h.call("show_case", case_id, viewer="omar.home")
    case = ended_by_emergency_review(h, case_id)
    assert [(t["task"], t["lane"]) for t in case["ready_tasks"]] == [("record_unsuccessful_outcome_ap", "ap_setting")]
    case = do(h, case_id, "record_unsuccessful_outcome_ap", FAILED["record_unsuccessful_outcome"])
    assert case["data"]["outcome_recorded_by"] == "ap_setting"
    do(h, case_id, "confirm_failure_decision", FAILED["confirm_failure_decision"])
    letter = h.call("show_case", case_id)["data"]["failure_letter"]
    assert "set up with Severn Vale Learning Centre and yourself" in letter
    assert "The head teacher of Severn Vale Learning Centre has been notified" in letter
    sent = outbox(h, case_id)
    assert sent["failure_letter:ap_setting"].recipient == "head.ap@schools.example"
    assert not any(key.endswith("home_school") for key in sent)
    h.clock.set(datetime(2027, 4, 27, 8, 0, 1, tzinfo=UTC))  # not deleted from the roll by the effective date
    assert h.fire() == [{"case_id": case_id, "task": "remove_from_roll_reminder"},  # missed, sent late
                        {"case_id": case_id, "task": "remove_from_roll_overdue"}]
    escalated = outbox(h, case_id)["escalation:remove_from_roll:2027-04-26:1"]
    assert escalated.recipient == "admissions@authority.example" and "regulation 13" in escalated.body


def test_the_minus_three_goes_to_the_roll_the_pupil_leaves(harness, make_harness, policy, db_url, clock):
    h = harness
    cases = []
    h.deploy(REINTEGRATION)
    for data in (NO_HOME_SCHOOL, s.START_DATA):  # one after the other, each meeting its dates in order
        h.clock.set(s.START_AT)
        cases.append(h.call("start_case", "reintegration", data, "ava.ap")["case_id"])
        for element, form in s.HAPPY_PATH.items():
            do(h, cases[-1], element, form)
    on_ap_roll_only, also_on_a_mainstream_roll = cases
    grid = h.query(lambda ses: sorted((w.case_id, w.school, w.points) for w in ses.scalars(select(WeightingEntry))))
    assert sorted(grid) == sorted([
        (on_ap_roll_only, "Kingsmead High School", 3), (on_ap_roll_only, "Severn Vale Learning Centre", -3),
        (also_on_a_mainstream_roll, "Kingsmead High School", 3), (also_on_a_mainstream_roll, "Hollybrook High School", -3)])
    assert "-3 for Severn Vale Learning Centre, whose roll the pupil leaves" in outbox(h, on_ap_roll_only)["la_outcome"].body

    # an authority that always counts the AP setting
    ap_only = Harness(db_url, clock, default_registry(), replace(policy, weightings_transfer_out=("ap_setting",)))
    clock.set(s.START_AT)
    case_id = ap_only.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, data in s.HAPPY_PATH.items():
        ap_only.complete(case_id, element, data, ACTORS[ap_only.task(case_id, element)["lane"]])
    assert ap_only.query(lambda ses: sorted((w.school, w.points) for w in ses.scalars(
        select(WeightingEntry).where(WeightingEntry.case_id == case_id)))) == [
        ("Kingsmead High School", 3), ("Severn Vale Learning Centre", -3)]


@pytest.mark.parametrize(("unit", "due"), [("school_days", "2027-06-09"), ("working_days", "2027-06-02")])
def test_the_leavers_form_is_due_as_the_policy_says(make_harness, policy, unit, due):
    """Placed on the host roll on Friday 28 May 2027, the last day before the May half-term: with 2 days allowed,
    school days skip the half-term and the INSET day of Monday 7 June; working days skip the bank holiday of
    Monday 31 May only."""
    default = make_harness()
    default.add_people()
    case_id = start(default)
    on_roll = {**s.HAPPY_PATH["record_successful_outcome"], "date_on_roll": "2027-05-28"}
    for element, data in {**s.HAPPY_PATH, "record_successful_outcome": on_roll}.items():
        if element == "complete_leavers_form":
            break
        do(default, case_id, element, data)
    task = default.task(case_id, "complete_leavers_form")
    assert (task["lane"], task["due"]) == ("ap_setting", "2027-05-28")  # 0 days: the day the AP deletes the pupil
    # The outcome is recorded on the day the pupil went on the roll (a date that happened is not in the
    # future), so the reminder 2 school days before (26 May, 9:00 BST) has gone; the escalation waits.
    assert {t["task"]: t["due"] for t in default.call("show_case", case_id)["waiting_timers"]} == {
        "complete_leavers_form_overdue": "2027-05-29T08:00:00+00:00"}  # the morning after

    two_days = replace(policy, leavers_form_days=2, units={**policy.units, "leavers_form_days": unit})
    h = Harness(default.url, default.clock, default_registry(), two_days)
    h.clock.set(s.START_AT)
    other = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, data in {**s.HAPPY_PATH, "record_successful_outcome": on_roll}.items():
        if element == "complete_leavers_form":
            break
        h.complete(other, element, data, ACTORS[h.task(other, element)["lane"]])
    assert h.task(other, "complete_leavers_form")["due"] == due


def timers(case: dict) -> dict[str, str]:
    return {t["task"]: t["due"] for t in case["waiting_timers"] if t["task"].startswith(("interim", "final"))}


def test_an_emergency_review_that_continues_sets_the_next_review_and_its_reminders_move(harness):
    h = harness
    case_id = start(h)
    to_placement(h, case_id)
    do(h, case_id, "confirm_dual_registration", s.HAPPY_PATH["confirm_dual_registration"])
    assert timers(h.call("show_case", case_id)) == {"interim_review_1_reminder": "2027-03-11T09:00:00+00:00",
                                                   "interim_review_1_overdue": "2027-03-16T09:00:00+00:00"}
    h.clock.set(datetime(2027, 3, 3, 10, tzinfo=UTC))
    h.call("send_message", case_id, "emergency_review_requested", {"reason": "fight"}, "hana.host")
    held = {**s.EMERGENCY_REVIEW_CONTINUE, "meeting_date": "2027-03-03"}
    for bad, field, message in (
            ({**held, "emergency_decision": "end", "next_review_date": "2027-03-17"}, "next_review_date",
             "Only a reintegration that continues has a next review"),
            ({**held, "next_review_date": "2027-03-20"}, "next_review_date", "Saturday 20 March 2027 is not a school day"),
            ({**held, "next_review_date": "2027-03-03"}, "next_review_date", "The next review must be after this meeting")):
        with pytest.raises(InvalidData) as refused:
            do(h, case_id, "hold_emergency_review", bad)
        assert refused.value.errors[field] == message
    case = do(h, case_id, "hold_emergency_review", {**held, "next_review_date": "2027-03-17"})
    assert h.task(case_id, "interim_review_1")["due"] == "2027-03-17" == case["data"]["review_1_date"]
    assert timers(case) == {"interim_review_1_reminder": "2027-03-15T09:00:00+00:00",
                            "interim_review_1_overdue": "2027-03-18T09:00:00+00:00"}
    assert case["data"]["review_moves"] == [
        {"review": 1, "from": "2027-03-15", "to": "2027-03-17", "by": "emergency review",
         "reason": "agreed at the emergency review held on 2027-03-03", "on": "2027-03-03"}]
    assert "emergency_review_requested" in {e["data"].get("message") for e in h.call("history", case_id)
                                             if e["kind"] == "message_received"}
    h.clock.set(datetime(2027, 3, 16, 9, 0, 1, tzinfo=UTC))  # the old escalation day passes quietly
    assert h.fire() == [{"case_id": case_id, "task": "interim_review_1_reminder"}]

    # a second emergency review continues with no new date: the review stays where the first put it
    h.call("send_message", case_id, "emergency_review_requested", {"reason": "walk-out"}, "hana.host")
    case = do(h, case_id, "hold_emergency_review", {**held, "meeting_date": "2027-03-16"})
    assert h.task(case_id, "interim_review_1")["due"] == "2027-03-17" and len(case["data"]["review_moves"]) == 1
    # the final review is moved at most to 6 weeks after the start (12 April 2027)
    do(h, case_id, "interim_review_1", {**s.HAPPY_PATH["interim_review_1"], "meeting_date": "2027-03-17",
                                        "next_meeting_date": None})
    do(h, case_id, "interim_review_2", {**s.HAPPY_PATH["interim_review_2"], "meeting_date": "2027-03-25",
                                        "next_meeting_date": None})
    h.call("send_message", case_id, "emergency_review_requested", {"reason": "incident"}, "hana.host")
    with pytest.raises(InvalidData, match=r"within 6 weeks of the start date \(by 2027-04-12\)"):
        do(h, case_id, "hold_emergency_review", {**held, "meeting_date": "2027-04-12", "next_review_date": "2027-04-14"})
    case = do(h, case_id, "hold_emergency_review", {**held, "meeting_date": "2027-03-25", "next_review_date": "2027-04-12"})
    assert h.task(case_id, "final_review")["due"] == "2027-04-12"
    assert h.call("replay", case_id, verify=True)["ok"]
