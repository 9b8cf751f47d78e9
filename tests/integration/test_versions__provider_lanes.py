"""The diagrams' versions before the provider lanes (advocacy and SEMH tasks in the `outreach` lane), deployed under
the shipped ones: cases already running keep working on their version with the outreach accounts that did that
work; new cases start on the shipped version, in the providers' lanes; a reintegration still before the advocacy
decision moves to the shipped version; an SEMH case under way on the old version, which could withdraw a place
only before it started, does not block a permanent exclusion (the allowance falls instead)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cli import scenarios as s
from engine.access import add_user
from engine.errors import Forbidden, NotFound
from engine.versions import MigrationRefused
from schooling.core_places import allocate, ledger, withdraw_for_exclusion
from tests.conftest import REINTEGRATION
from tests.integration.test_semh__paths import NOMINATION, PROGRESS, SLA, TRANSITION
from tests.integration.timetable_cases import SEMH, add_staff, deploy, verified

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OLD_SEMH = FIXTURES / "semh_placement_v_outreach_lane.bpmn"
OLD_REINTEGRATION = FIXTURES / "reintegration_v_outreach_lane.bpmn"
ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}


@pytest.fixture
def h(harness):
    add_staff(harness)  # oli.outreach (outreach), sam.semh (The Bridge School)
    with harness.sessions() as ses:
        add_user(ses, "abe.advocate", "advocacy_provider", s.ADVOCACY_RISK["advocacy_provider"], harness.clock.now())
        ses.commit()
    return harness


def test_semh_cases_on_the_outreach_lane_version_keep_working_and_new_ones_use_the_provider_lane(h):
    deploy(h, OLD_SEMH)
    old = h.call("start_case", "semh_placement", NOMINATION, "omar.home")["case_id"]
    with h.transaction() as eng:
        allocate(eng, old, "core", date(2026, 3, 2), "lee.la")
    assert h.task(old, "complete_sla")["lane"] == "outreach"
    assert deploy(h, SEMH)["version"] == 2
    with pytest.raises(Forbidden, match="sam.semh \\(semh_provider\\) cannot do a task for outreach"):
        h.complete(old, "complete_sla", SLA, "sam.semh")
    for element, data in (("complete_sla", SLA), ("plan_transition", TRANSITION), ("review_placement_progress", PROGRESS)):
        h.complete(old, element, data, "oli.outreach")
    new = h.call("start_case", "semh_placement", NOMINATION, "omar.home")["case_id"]
    with h.transaction() as eng:
        allocate(eng, new, "core", date(2026, 3, 2), "lee.la")
    assert (h.call("show_case", new)["version"], h.task(new, "complete_sla")["lane"]) == (2, "semh_provider")
    h.complete(new, "complete_sla", SLA, "sam.semh")
    h.complete(new, "plan_transition", TRANSITION, "sam.semh")
    with h.transaction() as eng:  # the new case's placement under way is withdrawn; the old one's cannot be
        withdraw_for_exclusion(eng, "Hollybrook High School", date(2026, 3, 10), "lee.la")
    assert h.call("show_case", new)["data"]["outcome"] == "core_place_withdrawn"
    with h.transaction() as eng:
        row = withdraw_for_exclusion(eng, "Hollybrook High School", date(2026, 3, 11), "lee.la")
    assert (row["withdrawn_case"], row["allowance"]) == (None, 1)
    old_case = h.call("show_case", old)
    assert (old_case["version"], old_case["status"], old_case["ready_tasks"][0]["task"]) == (
        1, "running", "review_placement_progress")
    with h.transaction() as eng:
        assert ledger(eng.session, eng.policy, "2025/26 spring")["Hollybrook High School"]["allocated"] == 2
    assert verified(h, old) and verified(h, new)


def _run(h, case_id: str, upto: str, at_risk: bool) -> None:
    for element, data in s.HAPPY_PATH.items():
        if element == upto:
            return
        data = s.ADVOCACY_RISK if at_risk and element == "gather_information" else data
        h.complete(case_id, element, data, ACTORS[h.task(case_id, element)["lane"]])


def test_advocacy_on_the_outreach_lane_version_goes_on_with_outreach_and_a_case_before_it_moves(h):
    h.clock.set(datetime(2027, 1, 18, 9, tzinfo=UTC))
    h.deploy(OLD_REINTEGRATION)
    at_risk = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    old_risk = {k: v for k, v in s.ADVOCACY_RISK.items() if k != "advocacy_provider"}  # the old form has no such field
    h.complete(at_risk, "record_parental_consent", s.HAPPY_PATH["record_parental_consent"], "ava.ap")
    h.complete(at_risk, "gather_information", old_risk, "ava.ap")
    h.complete(at_risk, "record_child_views", s.HAPPY_PATH["record_child_views"], "ava.ap")
    early = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    assert h.deploy(REINTEGRATION)["version"] == 2
    assert h.task(at_risk, "engage_student_and_family")["lane"] == "outreach"
    with pytest.raises(MigrationRefused, match="gather_information was done in this case and is changed"):
        h.call("migrate_case", at_risk, 2, "ada.admin")
    with pytest.raises(NotFound):  # the old case names no advocacy provider: to a provider it is no case
        h.complete(at_risk, "engage_student_and_family", s.ADVOCACY_PATH["engage_student_and_family"], "abe.advocate")
    h.complete(at_risk, "engage_student_and_family", s.ADVOCACY_PATH["engage_student_and_family"], "oli.outreach")
    assert h.call("migrate_case", early, 2, "ada.admin")["to"] == 2
    _run(h, early, "record_fair_access_decision", at_risk=True)
    assert h.task(early, "engage_student_and_family")["lane"] == "advocacy_provider"
    h.complete(early, "engage_student_and_family", s.ADVOCACY_PATH["engage_student_and_family"], "abe.advocate")
    assert h.call("replay", at_risk, verify=True)["ok"] and h.call("replay", early, verify=True)["ok"]
