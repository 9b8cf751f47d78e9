"""The Fair Access weightings grid from real reintegrations: each successful one counts +3 to its host
school and -3 to the setting the pupil left (these pupils are on their AP setting's roll only), in the term
its outcome was recorded; a failed one counts nothing; another year's are not in this year's grid. Each case
runs from its own morning with its dates that happened recorded on their day (`dated_today`): on the
scenario's own dates every outcome would be recorded on 19 April 2027, all in 2026/27's summer term."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cli import scenarios as s
from tests.conftest import REINTEGRATION
from tests.integration.report_cases import headline, reintegration, report, rows

SEVERN = s.START_DATA["ap_setting"]
RIVERSIDE = "Riverside Learning Centre"


def moved(h, when: datetime, ap: str = SEVERN, host: str = "Kingsmead High School", path=s.HAPPY_PATH) -> str:
    h.clock.set(when)
    today = when.date().isoformat()  # the Fair Access dates may not be in the future: they are today
    on_ap_roll_only = {k: v for k, v in s.START_DATA.items() if k != "home_school"}  # as the protocol's forms are for
    return reintegration(h, {**on_ap_roll_only, "ap_setting": ap},
                         {**path, "record_child_views": {**path["record_child_views"], "views_date": today},
                          "record_fair_access_decision": {**path["record_fair_access_decision"],
                                                          "agreed_to_consider_date": today},
                          "allocate_place": {**path["allocate_place"], "host_school": host,
                                             "place_offered_date": today}},
                         dated_today=True)  # the outcome is recorded in `when`'s term, not on the scenario's dates


@pytest.fixture
def h(harness):
    harness.deploy(REINTEGRATION)
    moved(harness, datetime(2026, 3, 2, 9, tzinfo=UTC))  # 2025/26: not in 2026/27's grid
    moved(harness, datetime(2026, 9, 21, 9, tzinfo=UTC))  # autumn
    moved(harness, datetime(2026, 11, 23, 9, tzinfo=UTC), ap=RIVERSIDE)  # autumn
    moved(harness, datetime(2027, 1, 11, 9, tzinfo=UTC), host="Hollybrook High School")  # spring
    moved(harness, datetime(2027, 1, 11, 9, tzinfo=UTC), path=s.UNSUCCESSFUL_PATH)  # no move, no points
    return harness


def test_grid_by_school_and_term(h):
    r = report(h, "weightings", "2026/27")
    grid = {k: (v["autumn"], v["spring"], v["summer"], v["transfers_in"], v["transfers_out"], v["points"])
            for k, v in rows(r, "grid", "school").items()}
    assert grid == {"Hollybrook High School": (0, 3, 0, 1, 0, 3), "Kingsmead High School": (6, 0, 0, 2, 0, 6),
                    RIVERSIDE: (-3, 0, 0, 0, 1, -3), SEVERN: (-3, -3, 0, 0, 2, -6)}
    assert headline(r) == {"Schools and settings": 4, "Transfers in": 3, "Transfers out": 3}
    assert [c for c, _ in r.section("grid").columns][1:4] == ["autumn", "spring", "summer"]
    spring = report(h, "weightings", "2026/27", term="spring")
    assert {k: v["points"] for k, v in rows(spring, "grid", "school").items()} == {
        "Hollybrook High School": 3, SEVERN: -3}
    assert [c for c, _ in spring.section("grid").columns][1:2] == ["spring"]
    kingsmead = report(h, "weightings", "2026/27", school="Kingsmead High School")
    assert list(rows(kingsmead, "grid", "school")) == ["Kingsmead High School"]
    earlier = report(h, "weightings", "2025/26")
    assert {k: v["spring"] for k, v in rows(earlier, "grid", "school").items()} == {
        "Kingsmead High School": 3, SEVERN: -3}
    assert rows(report(h, "weightings", "2026/27", process="semh_placement"), "grid", "school") == {}
