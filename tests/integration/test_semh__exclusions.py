"""The SEMH service level agreement: "Permanent exclusion of another pupil will cause the withdrawal of one of the
school's Core Offer Inclusion Placements", at any stage of the placement before the young person's return, recorded
only by the school's own authority; with no place to withdraw, the term's allowance is one lower. The SEMH report
counts every place lost."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from engine.access import add_user
from engine.errors import Forbidden, InvalidData
from schooling.core_places import ledger, withdraw_for_exclusion
from schooling.exclusions import PermanentExclusion
from schooling.reports import semh_kpis
from schooling.reports.periods import ReportFilter
from tests.integration.test_semh__paths import AGREED, FEEDBACK, PLAN, PROGRESS, RETURN, SLA, TRANSITION, allocated, do
from tests.integration.timetable_cases import SEMH, add_staff, deploy, mail, verified

pytestmark = pytest.mark.workflow_cache_too
SCHOOL, SPRING = "Hollybrook High School", "2025/26 spring"


@pytest.fixture
def h(harness):
    add_staff(harness)
    with harness.sessions() as ses:
        add_user(ses, "hugh.la", "la_admissions", "Herefordshire Council", harness.clock.now())
        ses.commit()
    deploy(harness, SEMH)
    return harness


def exclude(h, on: date, actor: str = "lee.la", school: str = SCHOOL) -> dict:
    with h.transaction() as eng:
        return withdraw_for_exclusion(eng, school, on, actor)


def row(h, term: str = SPRING) -> tuple[int, int, int, int]:
    with h.transaction() as eng:
        r = ledger(eng.session, eng.policy, term)[SCHOOL]
    return r["allowance"], r["allocated"], r["withdrawn"], r["left"]


def test_an_exclusion_withdraws_a_placement_under_way_and_its_timers_stop(h):
    case_id = allocated(h)  # allocated Monday 2 March 2026, placement from Monday 9 March
    for element, data in (("complete_sla", SLA), ("plan_transition", TRANSITION), ("review_placement_progress", PROGRESS)):
        do(h, case_id, element, data)
    before = h.call("show_case", case_id)
    assert [t["task"] for t in before["waiting_timers"]] == ["placement_reminder", "placement_overdue"]
    exclude(h, date(2026, 3, 25))  # the placement's third week
    case = h.call("show_case", case_id)
    assert (case["status"], case["data"]["outcome"], case["data"]["withdrawn_after_exclusion_on"]) == (
        "completed", "core_place_withdrawn", "2026-03-25")
    assert case["ready_tasks"] == [] and case["waiting_timers"] == []
    withdrawn = [m for m in mail(h, case_id) if m.kind == "semh_place_withdrawn"]
    assert sorted(m.recipient for m in withdrawn) == ["head.home-school@schools.example", "semh.outreach@provider.example"]
    words = " ".join(withdrawn[0].body.split())
    assert "excluded a pupil on 25 March 2026" in words
    assert "started on 9 March 2026 and ends now, before the return to the home school" in words
    assert row(h) == (2, 1, 1, 1)  # the withdrawn place stays used: one of the two is left
    with h.transaction() as eng:
        [spring] = [r for r in semh_kpis.build(eng.session, eng.policy, ReportFilter(year="2025/26"),
                                               date(2026, 3, 26)).section("take_up").rows]
    assert (spring["term"], spring["places_used"], spring["withdrawn"]) == (SPRING, 1, 1)
    assert verified(h, case_id)


@pytest.mark.parametrize("stage", ["plan_reintegration", "review_return"])
def test_an_exclusion_withdraws_the_place_up_to_the_return(h, stage):
    case_id = allocated(h)
    steps = [("complete_sla", SLA), ("plan_transition", TRANSITION), ("review_placement_progress", AGREED),
             ("plan_reintegration", PLAN)]
    for element, data in steps[:steps.index((stage, PLAN)) if stage == "plan_reintegration" else len(steps)]:
        do(h, case_id, element, data)
    assert [t["task"] for t in h.call("show_case", case_id)["ready_tasks"]] == [stage]
    exclude(h, date(2026, 5, 11))  # summer term: the place is of spring, so it is the summer allowance that falls
    assert h.call("show_case", case_id)["status"] == "running"
    assert row(h, "2025/26 summer") == (1, 0, 0, 1)
    exclude(h, date(2026, 3, 27))  # in the place's own term: withdrawn
    case = h.call("show_case", case_id)
    assert (case["status"], case["data"]["outcome"]) == ("completed", "core_place_withdrawn")
    assert row(h) == (2, 1, 1, 1)
    assert verified(h, case_id)


def test_after_the_return_the_place_is_spent_and_the_allowance_falls_instead(h):
    case_id = allocated(h)
    for element, data in (("complete_sla", SLA), ("plan_transition", TRANSITION), ("review_placement_progress", AGREED),
                          ("plan_reintegration", PLAN), ("review_return", RETURN)):
        do(h, case_id, element, data)
    result = exclude(h, date(2026, 3, 27))
    assert (result["withdrawn_case"], result["allowance"], result["reduced_by_exclusions"], result["left"]) == (
        None, 1, 1, 0)
    case = do(h, case_id, "collect_feedback", FEEDBACK)  # the young person's follow-up goes on
    assert case["status"] == "running" and case["data"]["outcome"] == "returned"
    assert verified(h, case_id)


def test_only_the_schools_own_authority_records_its_exclusions_and_only_of_a_school_in_the_register(h):
    case_id = allocated(h)
    with pytest.raises(Forbidden, match="hugh.la acts for Herefordshire Council, and Hollybrook High School belongs to "
                                        "Worcestershire County Council"):
        exclude(h, date(2026, 3, 4), actor="hugh.la")
    with pytest.raises(Forbidden, match="may not record a permanent exclusion"):
        exclude(h, date(2026, 3, 4), actor="omar.home")
    with pytest.raises(InvalidData) as err:
        exclude(h, date(2026, 3, 4), school="Holybrook High")
    assert "did you mean 'Hollybrook High School'" in err.value.errors["school"]
    assert h.query(lambda ses: ses.scalar(select(func.count()).select_from(PermanentExclusion))) == 0
    assert h.call("show_case", case_id)["ready_tasks"][0]["task"] == "complete_sla"
    exclude(h, date(2026, 3, 4), actor="ada.admin")  # an admin records any authority's
    assert h.call("show_case", case_id)["data"]["outcome"] == "core_place_withdrawn"


def test_the_command_line_refuses_another_authoritys_exclusion_with_the_reason(run_cli):
    assert run_cli("init-db")[0] == 0
    assert run_cli("user", "add", "hugh.la", "--role", "la_admissions", "--org", "Herefordshire Council")[0] == 0
    code, _, err = run_cli("semh", "exclusion", "Hollybrook High School", "--date", "2026-03-02", "--as", "hugh.la")
    assert code != 0 and "hugh.la acts for Herefordshire Council, and Hollybrook High School belongs to " \
                         "Worcestershire County Council" in err
    code, out, _ = run_cli("semh", "places", "2025/26 spring", "--json")
    assert code == 0 and out.strip() == "{}"  # nothing recorded


def test_the_command_line_refuses_an_exclusion_dated_in_the_future_or_on_no_day(run_cli):
    """An exclusion is recorded once it has happened: a date after today (the clock's, 2 March 2026) or a date
    that does not exist is refused in one line, and nothing is recorded."""
    assert run_cli("init-db")[0] == 0
    assert run_cli("user", "add", "lee.la", "--role", "la_admissions", "--org", "Worcestershire County Council")[0] == 0
    for day, words in (("2099-01-01", "--date 2099-01-01 is in the future (today is 2026-03-02)"),
                       ("2026-03-03", "--date 2026-03-03 is in the future"),
                       ("2026-02-30", "--date is not a date like 2026-03-02: '2026-02-30'")):
        code, out, err = run_cli("semh", "exclusion", SCHOOL, "--date", day, "--as", "lee.la")
        assert (code, out) == (2, ""), (day, code, out, err)
        assert err.startswith(f"reintegrate: {words}") and err.count("\n") == 1, err
    code, out, _ = run_cli("semh", "places", "2025/26 spring", "--json")
    assert code == 0 and out.strip() == "{}"  # nothing recorded (today itself is accepted: test_cli__reports.py)
