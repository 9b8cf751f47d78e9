"""Part-time reintegration timetables now, from real timetable cases: who is on one, for how many school
weeks (the Easter holidays do not count), their hours in education this week against a full week, who
is past the 6-week limit; and how the year's timetables went."""
from __future__ import annotations

from datetime import date

import pytest

from tests.integration.report_cases import headline, report, rows
from tests.integration.timetable_cases import (
    AGREEMENT,
    MEETING,
    PLAN,
    PROPOSE,
    RISK,
    SENT,
    START,
    TIMETABLE,
    add_staff,
    deploy,
    review,
)

LATER = {**PLAN, "start_date": "2026-03-16"}


@pytest.fixture
def h(harness):
    add_staff(harness)
    deploy(harness, TIMETABLE)
    return harness


def timetable(h, plan: dict = PLAN, agreed: bool = True, pupil: str = "Jordan Ellis") -> str:
    case_id = h.call("start_case", "reintegration_timetable", {**START, "pupil_name": pupil}, "omar.home")["case_id"]
    for element, data in (("propose_timetable", PROPOSE), ("hold_planning_meeting", MEETING), ("agree_plan", plan),
                          ("assess_risk", RISK)):
        h.complete(case_id, element, data, "omar.home")
    h.complete(case_id, "record_parental_agreement", AGREEMENT if agreed else {"parent_agrees": False}, "omar.home")
    if agreed:
        h.complete(case_id, "send_plan_to_la", SENT, "omar.home")
    return case_id


@pytest.fixture
def cases(h):
    first = timetable(h, pupil="Amy Able")
    later = timetable(h, LATER, pupil="Ben Best")
    timetable(h, agreed=False, pupil="Cal Cole")
    done = timetable(h, pupil="Dee Dunn")
    h.complete(done, "review_timetable", review("2026-03-20", 2, 21, False), "omar.home")
    h.complete(done, "review_timetable", review("2026-04-17", 4, 29, True), "omar.home")
    return h, first, later


def test_pupils_on_a_timetable_now(cases):
    h, first, later = cases
    r = report(h, "timetables", "2025/26", today=date(2026, 3, 18))
    now = {x["case_id"]: (x["pupil"], x["weeks"], x["hours"], x["full_week"], x["percent_of_full"], x["limit"],
                          x["past_limit"]) for x in r.section("now").rows}
    assert now == {first: ("AA", 2, 21.25, 28.75, 73.9, "2026-05-01", False),
                   later: ("BB", 1, 16.25, 28.75, 56.5, "2026-05-08", False)}
    assert headline(r) == {"On a part-time timetable now": 2, "Past 6 weeks": 0,
                           "Average hours in education this week": 18.75}
    r = report(h, "timetables", "2025/26", today=date(2026, 5, 5))
    now = {x["case_id"]: (x["weeks"], x["hours"], x["past_limit"]) for x in r.section("now").rows}
    assert now == {first: (7, 28.75, True), later: (6, 28.75, False)}  # 7 school weeks: Easter is not counted
    assert headline(r)["Past 6 weeks"] == 1
    year = {k: v["count"] for k, v in rows(r, "year", "stage").items()}
    assert year == {"Timetables considered": 4, "Agreed in writing": 3, "Not agreed (no timetable)": 1,
                    "Back to full time within the limit": 1, "Back to full time after the limit": 0,
                    "Still on a timetable": 2}
    assert report(h, "timetables", "2025/26", school="Kingsmead High School", today=date(2026, 3, 18)).section(
        "now").rows == []
    ours = report(h, "timetables", "2025/26", school=START["home_school"], today=date(2026, 5, 5))
    assert {x["case_id"] for x in ours.section("now").rows} == {first, later}  # the home school's own pupils
    assert report(h, "timetables", "2025/26", today=date(2026, 3, 6)).section("now").rows == []  # not started yet
