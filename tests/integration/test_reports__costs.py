"""The HNRG advocacy pilot's pilot table from real reintegration cases with advocacy: per pupil the current setting's
cost, the transition's and the mainstream funding, the cohort's totals (GBP 211,500, 21,870, 25,000)
and the saving, planned and, for the pupils whose reintegration succeeded, realised."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cli import scenarios as s
from tests.conftest import REINTEGRATION
from tests.integration.report_cases import headline, reintegration, report

#: The HNRG advocacy pilot's six students: year group, current setting, its annual cost, transition type.
PILOT = ((11, "Burton", 19500, "one_to_one"), (9, "Burton", 19500, "two_to_two"), (9, "Burton", 19500, "two_to_two"),
         (9, "Apricot", 51000, "one_to_one"), (6, "OnTrack", 51000, "one_to_one"), (4, "OnTrack", 51000, "one_to_one"))


@pytest.fixture
def pilot(harness):
    harness.deploy(REINTEGRATION)
    start_at = datetime(2027, 1, 18, 9, tzinfo=UTC)
    cases = []
    for n, (year, setting, cost, transition) in enumerate(PILOT):
        # The pupils' cases run side by side on the scenario's dates, started a day apart (the table's order): a
        # form's date that happened moves the clock on, so the next case starts again from its own morning.
        harness.clock.set(start_at + timedelta(days=n))
        gather = {**s.ADVOCACY_RISK, "year_group": year, "current_setting_funding": cost, "transition_type": transition}
        start = {**s.START_DATA, "ap_setting": setting, "pupil_name": f"Student {n + 1}"}
        # Student 1 reintegrates; student 2's reintegration fails; the others are in their advocacy still.
        path = s.UNSUCCESSFUL_PATH if n == 1 else s.HAPPY_PATH
        cases.append(reintegration(harness, start, path, None if n < 2 else "record_child_views", gather))
    harness.clock.set(start_at + timedelta(days=len(PILOT)))
    not_at_risk = reintegration(harness, s.START_DATA, s.HAPPY_PATH, "record_child_views")
    return harness, cases, not_at_risk


def test_seed_001_pilot_costs_and_savings(pilot):
    h, cases, not_at_risk = pilot
    r = report(h, "costs", "2026/27")
    assert headline(r) == {"Pupils": 6, "Current settings' costs (£)": 211500, "Transition support (£)": 21870,
                           "Mainstream funding (£)": 25000, "Planned saving if all reintegrate (£)": 164630,
                           "Reintegrated so far": 1, "Realised saving (£)": 11255}
    table = [(x["case_id"], x["pupil"], x["setting"], x["year_group"], x["transition_type"], x["current_funding"],
              x["transition_cost"], x["mainstream_funding"], x["net_saving"], x["outcome"])
             for x in r.section("pupils").rows]
    assert table == [
        (cases[0], "S1", "Burton", 11, "1:1", 19500, 3645, 4600, 11255, "successful"),
        (cases[1], "S2", "Burton", 9, "2:2", 19500, 3645, 4600, 11255, "unsuccessful"),
        (cases[2], "S3", "Burton", 9, "2:2", 19500, 3645, 4600, 11255, None),
        (cases[3], "S4", "Apricot", 9, "1:1", 51000, 3645, 4600, 42755, None),
        (cases[4], "S5", "OnTrack", 6, "1:1", 51000, 3645, 3300, 44055, None),
        (cases[5], "S6", "OnTrack", 4, "1:1", 51000, 3645, 3300, 44055, None),
        ("Total", None, None, None, None, 211500, 21870, 25000, 164630, None)]
    assert not_at_risk not in {x["case_id"] for x in r.section("pupils").rows}  # no advocacy, no costs
    assert [(x["setting"], x["pupils"], x["current_funding"], x["net_saving"]) for x in r.section("by_setting").rows] == [
        ("Apricot", 1, 51000, 42755), ("Burton", 3, 58500, 33765), ("OnTrack", 2, 102000, 88110)]
    burton = report(h, "costs", "2026/27", school="Burton")
    assert headline(burton)["Current settings' costs (£)"] == 58500
    assert headline(report(h, "costs", "2025/26"))["Pupils"] == 0
    assert headline(report(h, "costs", "2026/27", term="spring"))["Pupils"] == 6
    assert headline(report(h, "costs", "2026/27", term="autumn"))["Pupils"] == 0
    assert date.fromisoformat("2027-01-18")  # the advocacy's start decides the year and the term
