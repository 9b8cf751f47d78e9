"""The SEMH service level agreement, SEMH engagement placements: every path through processes/semh_placement.bpmn, the core
offer places counted across cases, the 12-week limit and the follow-up KPIs on a fake clock."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import select

from engine.db import upgrade
from engine.errors import Conflict, Forbidden, InvalidData
from schooling.core_places import allocate, ledger, withdraw_for_exclusion
from schooling.models import CorePlace
from schooling.reports import semh_kpis
from schooling.reports.periods import ReportFilter
from tests.integration.test_reports__facts_backfill import _migrate
from tests.integration.timetable_cases import SEMH, START, add_staff, deploy, mail, verified

#: Every path runs restoring each step from storage, and again with the workflow cache on.
pytestmark = pytest.mark.workflow_cache_too

NOMINATION = {**START, "provider": "The Bridge School",
              "reasons_for_nomination": "Repeated suspensions for dysregulated behaviour in Year 9"}
SLA = {"sla_date": "2026-03-03", "signed_for_home_school": "Ms A Khan, inclusion lead",
       "signed_for_provider": "Mr D Ross, lead teacher", "home_school_agrees": True, "provider_agrees": True}
TRANSITION = {"observations_in_school": "Three lesson observations", "behaviour_profile": "Escalates when corrected",
              "barriers": "Large classes", "strategies": "Take-up time, key adult", "placement_start_date": "2026-03-09"}
PROGRESS = {"review_date": "2026-03-27", "attendance_percent": 88, "behaviour_profile_update": "Fewer incidents",
            "reintegration_date_agreed": False}
AGREED = {**PROGRESS, "review_date": "2026-05-08", "reintegration_date_agreed": True, "reintegration_date": "2026-05-18"}
PLAN = {"reintegration_plan": "Phased return over a week", "reviewed_with_young_person": True,
        "reviewed_with_parent_carer": True, "reviewed_with_home_school": True,
        "support_during_return": "Learning mentor in lessons twice a week"}
RETURN = {"returned_on": "2026-05-18", "returned_to_home_school": True, "plan_followed_by_home_school": True}
FEEDBACK = {"young_person_feedback": "positive", "parent_carer_feedback": "positive", "school_feedback": "neutral"}
TWO_TERMS = {"sessions_possible": 300, "sessions_missed": 12, "suspensions": 0, "behaviour_improved": True,
             "progress_improved": True}
ONE_YEAR = {"permanently_excluded": False, "other_provision": False}
ACTOR = {"home_school": "omar.home", "semh_provider": "sam.semh", "la_admissions": "lee.la"}


@pytest.fixture
def h(harness):
    add_staff(harness)
    deploy(harness, SEMH)
    return harness


def nominate(h, school: str | None = None) -> str:
    data = {**NOMINATION, "home_school": school} if school else NOMINATION
    case = h.call("start_case", "semh_placement", data, "ada.admin" if school else "omar.home")
    assert case["ready_tasks"] == [] and case["status"] == "running"  # waiting for the inclusion meeting
    return case["case_id"]


def allocated(h, offer: str = "core", when: date = date(2026, 3, 2), school: str | None = None) -> str:
    case_id = nominate(h, school)
    with h.transaction() as eng:
        allocate(eng, case_id, offer, when, "lee.la")
    return case_id


def do(h, case_id: str, element: str, data: dict) -> dict:
    return h.complete(case_id, element, data, ACTOR[h.task(case_id, element)["lane"]])


def to_return(h, case_id: str, returned: dict = RETURN) -> dict:
    for element, data in (("complete_sla", SLA), ("plan_transition", TRANSITION),
                          ("review_placement_progress", PROGRESS), ("review_placement_progress", AGREED),
                          ("plan_reintegration", PLAN)):
        do(h, case_id, element, data)
    return do(h, case_id, "review_return", returned)


def test_core_placement_to_return_and_a_year_of_follow_up(h):
    case_id = allocated(h)
    case = h.call("show_case", case_id)
    assert case["data"]["offer"] == "core" and case["data"]["placement_term"] == "2025/26 spring"
    assert case["data"]["core_place_number"] == 1
    assert [(t["task"], t["lane"]) for t in case["ready_tasks"]] == [("complete_sla", "semh_provider")]
    with pytest.raises(InvalidData, match="the provider's agreement"):
        do(h, case_id, "complete_sla", {**SLA, "provider_agrees": False})
    do(h, case_id, "complete_sla", SLA)
    case = do(h, case_id, "plan_transition", TRANSITION)
    assert case["data"]["placement_end_by"] == "2026-05-31"  # 12 weeks from Monday 9 March
    with pytest.raises(InvalidData, match="by the 12-week point"):
        do(h, case_id, "review_placement_progress", {**AGREED, "reintegration_date": "2026-06-02"})
    do(h, case_id, "review_placement_progress", PROGRESS)
    do(h, case_id, "review_placement_progress", AGREED)
    with pytest.raises(InvalidData, match="with the parent/carer"):
        do(h, case_id, "plan_reintegration", {**PLAN, "reviewed_with_parent_carer": False})
    do(h, case_id, "plan_reintegration", PLAN)
    case = do(h, case_id, "review_return", RETURN)
    data = case["data"]
    assert data["outcome"] == "returned" and data["kpi_within_12_weeks_met"] is True and data["placement_weeks"] == 10
    assert len(data["progress_reviews"]) == 2
    case = do(h, case_id, "collect_feedback", FEEDBACK)
    assert case["data"]["feedback_positive"] == 2
    # returned in the summer term 2026: the 2 terms after are autumn 2026 and spring 2027; checked when summer
    # 2027 starts (12 April 2027, 09:00 London), and a year after the return (Tuesday 18 May 2027)
    assert case["waiting_timers"] == [{"task": "wait_two_terms", "due": "2027-04-12T08:00:00+00:00"}]
    h.clock.set(datetime(2027, 4, 12, 8, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "wait_two_terms"}]
    case = do(h, case_id, "record_two_term_kpis", TWO_TERMS)
    assert case["data"]["kpi_attendance_met"] is True and case["data"]["kpi_absence_percent"] == 4.0
    assert case["waiting_timers"] == [{"task": "wait_one_year", "due": "2027-05-18T08:00:00+00:00"}]
    h.clock.set(datetime(2027, 5, 18, 8, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "wait_one_year"}]
    case = do(h, case_id, "record_one_year_kpis", ONE_YEAR)
    assert case["status"] == "completed" and case["data"]["outcome"] == "followed_up"
    assert not [m for m in mail(h, case_id) if m.kind == "semh_kpi_missed"]
    assert verified(h, case_id)


def test_two_core_places_per_school_per_term_then_additional_offers_need_funding(h):
    first, second = allocated(h), allocated(h)
    third = nominate(h)
    with h.transaction() as eng, pytest.raises(InvalidData, match="used its 2 Core Offer Inclusion Placements"):
        allocate(eng, third, "core", date(2026, 3, 2), "lee.la")
    other_school = allocated(h, school="Kingsmead High School")  # another school's places are its own
    with h.transaction() as eng:
        assert ledger(eng.session, eng.policy, "2025/26 spring")["Hollybrook High School"]["left"] == 0
        allocate(eng, third, "additional", date(2026, 3, 2), "lee.la")
    case = h.call("show_case", third)
    assert [t["task"] for t in case["ready_tasks"]] == ["record_additional_funding"]
    case = do(h, third, "record_additional_funding", {"funding_source": "School budget", "funding_agreed": False})
    assert case["status"] == "completed" and case["data"]["outcome"] == "not_funded"
    next_term = allocated(h, when=date(2026, 4, 13))  # summer term: two new places
    assert h.call("show_case", next_term)["data"]["placement_term"] == "2025/26 summer"
    funded = nominate(h)
    with h.transaction() as eng:
        allocate(eng, funded, "additional", date(2026, 3, 2), "lee.la")
    with pytest.raises(InvalidData, match="needs the funding"):
        do(h, funded, "record_additional_funding", {"funding_source": "School budget", "funding_agreed": True})
    case = do(h, funded, "record_additional_funding", {"funding_source": "School", "funding_amount": 4000,
                                                       "funding_agreed": True})
    assert [t["task"] for t in case["ready_tasks"]] == ["complete_sla"]
    for case_id in (first, second, third, other_school, next_term, funded):
        assert verified(h, case_id)


def test_a_permanent_exclusion_withdraws_a_core_place_that_has_not_started(h):
    started, waiting = allocated(h), allocated(h)
    do(h, started, "complete_sla", SLA)
    do(h, started, "plan_transition", TRANSITION)
    with h.transaction() as eng:
        withdraw_for_exclusion(eng, "Hollybrook High School", date(2026, 3, 4), "lee.la")
    case = h.call("show_case", waiting)
    assert case["status"] == "completed" and case["data"]["outcome"] == "core_place_withdrawn"
    assert {m.recipient for m in mail(h, waiting) if m.kind == "semh_place_withdrawn"} == {
        "head.home-school@schools.example", "semh.outreach@provider.example"}
    assert h.call("show_case", started)["ready_tasks"][0]["task"] == "review_placement_progress"
    with h.transaction() as eng:
        row = ledger(eng.session, eng.policy, "2025/26 spring")["Hollybrook High School"]
        assert (row["allocated"], row["withdrawn"], row["left"]) == (2, 1, 0)  # the withdrawn place is gone
    with h.transaction() as eng, pytest.raises(InvalidData, match="1 withdrawn after a permanent exclusion"):
        allocate(eng, nominate(h), "core", date(2026, 3, 5), "lee.la")
    with h.transaction() as eng:  # the next one withdraws the placement under way (see test_semh__exclusions.py)
        withdraw_for_exclusion(eng, "Hollybrook High School", date(2026, 3, 5), "lee.la")
    assert h.call("show_case", started)["data"]["outcome"] == "core_place_withdrawn"
    with h.transaction() as eng:  # nothing left to withdraw: the term's allowance is one lower instead
        row = withdraw_for_exclusion(eng, "Hollybrook High School", date(2026, 3, 6), "lee.la")
    assert (row["withdrawn_case"], row["allowance"], row["reduced_by_exclusions"], row["left"]) == (None, 1, 1, 0)
    assert verified(h, waiting) and verified(h, started)


def test_an_exclusion_with_no_place_to_withdraw_lowers_the_terms_allowance_and_the_report_shows_it(h):
    with h.transaction() as eng, pytest.raises(Forbidden):
        withdraw_for_exclusion(eng, "Hollybrook High School", date(2026, 3, 4), "omar.home")
    with h.transaction() as eng:
        row = withdraw_for_exclusion(eng, "Hollybrook High School", date(2026, 3, 4), "lee.la")
    assert (row["term"], row["allowance"], row["allocated"], row["left"]) == ("2025/26 spring", 1, 0, 1)
    first = allocated(h)
    with h.transaction() as eng, pytest.raises(InvalidData, match=r"used its 1 Core Offer Inclusion Placements for "
                                                              r"2025/26 spring \(1 withdrawn after a permanent"):
        allocate(eng, nominate(h), "core", date(2026, 3, 5), "lee.la")
    with h.transaction() as eng:  # another term is not touched
        assert ledger(eng.session, eng.policy, "2025/26 summer") == {}
        take_up = {r["term"]: r for r in semh_kpis.build(eng.session, eng.policy, ReportFilter(year="2025/26"),
                                                          date(2026, 3, 6))
                   .section("take_up").rows}
    assert (take_up["2025/26 spring"]["withdrawn"], take_up["2025/26 spring"]["places_used"]) == (1, 1)
    assert take_up["2025/26 spring"]["places_available"] == 1  # one school in the scheme, 2 places, 1 lost
    assert verified(h, first)


def test_twelve_weeks_reminded_then_escalated_weekly(h):
    case_id = allocated(h)
    do(h, case_id, "complete_sla", SLA)
    case = do(h, case_id, "plan_transition", TRANSITION)
    assert {t["task"]: t["due"] for t in case["waiting_timers"]} == {
        "placement_reminder": "2026-05-21T08:00:00+00:00",  # 2 school days before Sunday 31 May: half-term
        "placement_overdue": "2026-06-01T08:00:00+00:00"}
    h.clock.set(datetime(2026, 6, 1, 8, 0, 1, tzinfo=UTC))
    assert {f["task"] for f in h.fire()} == {"placement_reminder", "placement_overdue"}
    escalations = [m for m in mail(h, case_id) if m.kind == "deadline_escalation"]
    assert [m.recipient for m in escalations] == ["admissions@authority.example"]
    assert "more than 12 weeks" in escalations[0].body
    h.clock.set(datetime(2026, 6, 8, 8, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "placement_overdue"}]
    do(h, case_id, "review_placement_progress", {**AGREED, "review_date": "2026-06-08",
                                                 "reintegration_date": "2026-06-09"})
    case = h.call("show_case", case_id)
    assert case["waiting_timers"] == [] and [t["task"] for t in case["ready_tasks"]] == ["plan_reintegration"]
    do(h, case_id, "plan_reintegration", PLAN)
    case = do(h, case_id, "review_return", {**RETURN, "returned_on": "2026-06-09"})
    assert case["data"]["kpi_within_12_weeks_met"] is False
    assert verified(h, case_id)


def test_kpi_failures_are_recorded_and_reported(h):
    case_id = allocated(h)
    to_return(h, case_id, {**RETURN, "plan_followed_by_home_school": False, "concerns": "No key adult"})
    challenge = [m for m in mail(h, case_id) if m.kind == "semh_challenge_home_school"]
    assert [m.recipient for m in challenge] == ["head.home-school@schools.example"]
    do(h, case_id, "collect_feedback", FEEDBACK)
    h.clock.set(datetime(2027, 4, 12, 8, 0, 1, tzinfo=UTC))
    h.fire()
    with pytest.raises(InvalidData, match="More sessions missed"):
        do(h, case_id, "record_two_term_kpis", {**TWO_TERMS, "sessions_missed": 301})
    case = do(h, case_id, "record_two_term_kpis", {**TWO_TERMS, "sessions_missed": 36, "suspensions": 2})
    data = case["data"]
    assert data["kpi_absence_percent"] == 12.0
    assert (data["kpi_attendance_met"], data["kpi_no_suspensions_met"]) == (False, False)
    h.clock.set(datetime(2027, 5, 18, 8, 0, 1, tzinfo=UTC))
    h.fire()
    case = do(h, case_id, "record_one_year_kpis", {"permanently_excluded": True, "other_provision": True})
    assert (case["data"]["kpi_no_permanent_exclusion_met"], case["data"]["kpi_home_school_only_met"]) == (False, False)
    missed = [m for m in mail(h, case_id) if m.kind == "semh_kpi_missed"]
    assert len(missed) == 2 and all(m.recipient == "admissions@authority.example" for m in missed)
    assert "12.0% of sessions missed" in missed[0].body and "no permanent exclusion" in missed[1].body
    assert "Jordan" not in missed[0].body + missed[1].body
    assert verified(h, case_id)


def test_not_returned_to_the_home_school_ends_for_the_panel(h):
    case_id = allocated(h)
    case = to_return(h, case_id, {**RETURN, "returned_to_home_school": False})
    assert case["status"] == "completed" and case["data"]["outcome"] == "not_returned"
    assert [m.kind for m in mail(h, case_id)][-1] == "semh_kpi_missed"
    assert verified(h, case_id)


def test_allocation_only_reaches_a_case_waiting_for_it(h):
    case_id = allocated(h)
    with h.transaction() as eng, pytest.raises(Conflict, match="not waiting for message"):
        allocate(eng, case_id, "core", date(2026, 3, 2), "lee.la")


def test_allocations_at_the_same_moment_never_take_more_core_places_than_the_allowance(h):
    """Six inclusion meetings allocate a core place to six young people of one school at once: a
    meeting that loses a race gets a clean conflict and tries again, and in the end the school has
    exactly its allowance, each place number once, and the others a clear "none left"."""
    cases = [nominate(h) for _ in range(6)]
    barrier = threading.Barrier(len(cases))
    outcomes: dict[str, str] = {}

    conflicts: list[str] = []

    def meeting(case_id: str) -> None:
        """Allocate; on a conflict do what the message says: look again and retry."""
        barrier.wait()
        while case_id not in outcomes:
            try:
                with h.transaction() as eng:
                    allocate(eng, case_id, "core", date(2026, 3, 2), "lee.la")
                outcomes[case_id] = "allocated"
            except InvalidData:
                outcomes[case_id] = "none left"
            except Conflict as exc:
                assert "allocated to another young person at the same moment" in str(exc)
                conflicts.append(case_id)

    threads = [threading.Thread(target=meeting, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == len(cases)
    allowance = h.policy.core_places_per_school_per_term
    assert list(outcomes.values()).count("allocated") == allowance
    with h.transaction() as eng:
        row = ledger(eng.session, eng.policy, "2025/26 spring")["Hollybrook High School"]
        places = eng.session.execute(select(CorePlace.place_number, CorePlace.case_id)).all()
    assert row["allocated"] == allowance and row["left"] == 0
    assert sorted(n for n, _ in places) == list(range(1, allowance + 1))
    assert {c for _, c in places} == {c for c, o in outcomes.items() if o == "allocated"}
    for case_id, outcome in outcomes.items():  # the refused ones are still waiting for an allocation
        assert h.call("show_case", case_id)["data"].get("offer") == ("core" if outcome == "allocated" else None)


def test_places_allocated_before_the_numbering_table_are_numbered_by_migration(h):
    first, second = allocated(h), allocated(h)
    _migrate(h, command.downgrade, "0005")
    upgrade(h.db)  # as init-db does: the schema, then the organisations register (dropped with 0010)
    with h.transaction() as eng:
        places = eng.session.execute(select(CorePlace.school, CorePlace.term, CorePlace.place_number, CorePlace.case_id)
                                     .order_by(CorePlace.place_number)).all()
    school, term = "Hollybrook High School", "2025/26 spring"
    assert [tuple(p) for p in places] == [(school, term, 1, first), (school, term, 2, second)]
    with h.transaction() as eng, pytest.raises(InvalidData, match="used its 2 Core Offer"):
        allocate(eng, nominate(h), "core", date(2026, 3, 2), "lee.la")
