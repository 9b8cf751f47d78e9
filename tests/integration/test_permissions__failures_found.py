"""The permission failures found by trying the product as an attacker with valid accounts would, one
test each: messages that skipped the lanes, starts that named other organisations, accounts with no
organisation, reports that were not scoped, and rules that differed between the doors."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, insert, select

from cli import scenarios as s
from engine import accounts
from engine.models import Case, User
from engine.reads import SystemRead
from schooling.models import CorePlace, WeightingEntry
from schooling.report_facts import insert_facts
from schooling.reports import REPORTS
from tests.integration.timetable_cases import SEMH, START
from tests.web_helpers import post

NOMINATION = {**START, "provider": "The Bridge School", "reasons_for_nomination": "Repeated suspensions in Year 9"}
MEETING = {"offer": "core", "meeting_date": "2026-11-23"}
TERM = "2026/27 autumn"
OTHER_LA = "Herefordshire Council"


def _api(web_app, token: str):
    client = web_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def call(method: str, path: str, body: dict | None = None):
        return client.open(f"/api/v1{path}", method=method, json=body, headers=headers)

    return call


@pytest.fixture
def semh(web_world):
    """Three young people nominated by Hollybrook (the demo's home school) for SEMH places."""
    rt = web_world.runtime
    with rt.engine() as eng:
        eng.deploy(SEMH.read_bytes(), str(SEMH), "system")
    cases = []
    for i in range(3):
        with rt.engine() as eng:
            cases.append(eng.start_case("semh_placement", {**NOMINATION, "pupil_name": f"Young Person {i}"},
                                        "omar.home")["case_id"])
    return cases


def _places(web_world) -> list[tuple]:
    with web_world.runtime.engine() as eng:
        return [tuple(r) for r in eng.session.execute(select(CorePlace.case_id, CorePlace.place_number)
                                                      .order_by(CorePlace.place_number))]


def test_1_a_home_school_cannot_allocate_core_places_by_message(web_world, web_app, semh, run_cli):
    school = _api(web_app, web_world.tokens["omar.home"])
    for case_id in semh:  # the home school's own nominations: it may read them, not allocate
        response = school("POST", f"/cases/{case_id}/messages/inclusion_allocation", {"data": MEETING})
        assert response.status_code == 403 and "LA admissions sends it" in response.json["message"]
    response = school("POST", f"/cases/{semh[0]}/messages/core_place_withdrawn", {"data": {"excluded_on": "2026-11-23"}})
    assert response.status_code in (403, 409)  # never delivered by a school (and not waiting before a place)
    assert _places(web_world) == []
    code, out, _ = run_cli("semh", "places", TERM)
    assert code == 0 and out.strip() == f"no core places allocated in {TERM}"

    la = _api(web_app, web_world.tokens["lee.la"])  # the authority's admissions team, the catching event's lane
    answers = [la("POST", f"/cases/{case_id}/messages/inclusion_allocation", {"data": MEETING}) for case_id in semh]
    assert [a.status_code for a in answers] == [200, 200, 422]
    assert "used its 2 Core Offer Inclusion Placements" in answers[2].json["message"]
    assert _places(web_world) == [(semh[0], 1), (semh[1], 2)]
    again = la("POST", f"/cases/{semh[0]}/messages/inclusion_allocation", {"data": MEETING})
    assert again.status_code == 409 and "not waiting for message" in again.json["message"]
    code, out, _ = run_cli("semh", "places", TERM)
    assert "Hollybrook High School: 2 of 2 allocated (0 withdrawn), 0 left" in out
    assert _places(web_world) == [(semh[0], 1), (semh[1], 2)]


def test_1_message_data_has_the_shape_its_event_declares(web_world, web_app, semh):
    la = _api(web_app, web_world.tokens["lee.la"])
    for data in ({"offer": "core"}, {**MEETING, "place_number": 1}, {**MEETING, "offer": "three"},
                 {**MEETING, "meeting_date": "2026-02-30"}):
        response = la("POST", f"/cases/{semh[2]}/messages/inclusion_allocation", {"data": data})
        assert response.status_code == 422, data
    with web_world.runtime.engine() as eng:
        case = eng.show_case(semh[2], viewer=SystemRead("test"))
        assert "inclusion_allocation" not in case["data"] and case["data"].get("offer") is None
    assert _places(web_world) == []
    host = _api(web_app, web_world.tokens["hana.host"])
    review = host("POST", f"/cases/{web_world.placement}/messages/emergency_review_requested",
                  {"data": {"reason": "x" * 2001}})
    assert review.status_code == 422 and "must be 2,000 characters or less" in review.json["message"]


def test_2_a_start_naming_organisations_the_starter_is_not_is_refused(web_world, web_app):
    def count() -> int:
        with web_world.runtime.engine() as eng:
            return eng.session.scalar(select(func.count()).select_from(Case))

    before = count()
    host = _api(web_app, web_world.tokens["hana.host"])
    other = {**s.START_DATA, "pupil_name": "Not Mine", "ap_setting": "Riverside Learning Centre",
             "home_school": "Westfield School", "local_authority": OTHER_LA}
    response = host("POST", "/cases", {"process": "reintegration", "data": other})
    assert response.status_code == 403 and "started by the AP setting" in response.json["message"]
    ap = _api(web_app, web_world.tokens["ava.ap"])
    response = ap("POST", "/cases", {"process": "reintegration", "data": other})
    assert response.status_code == 403
    assert "acts for Severn Vale Learning Centre and cannot start a case whose AP setting is Riverside" in \
        response.json["message"]
    assert count() == before
    mine = ap("POST", "/cases", {"process": "reintegration", "data": {**s.START_DATA, "pupil_name": "Mine"}})
    assert mine.status_code == 201 and ap("GET", f"/cases/{mine.json['case_id']}").status_code == 200


def test_3_an_account_in_a_lane_role_needs_an_organisation(web_world, web_app, signed_in, run_cli):
    code, _, err = run_cli("user", "add", "nora.none", "--role", "home_school")
    assert code == 2 and "must belong to an organisation" in err
    response = post(signed_in("ada.admin"), "/admin/users", {"name": "nora.none", "role": "la_attendance",
                                                            "password": "long enough pw"})
    assert response.status_code == 400 and "must belong to an organisation" in response.get_data(as_text=True)
    code, _, err = run_cli("user", "role", "aud.auditor", "la_attendance")
    assert code == 2 and "must belong to an organisation" in err
    with web_world.runtime.engine() as eng:  # an account from before the rule: it is refused everything
        user = User(name="old.attendance", role="la_attendance", org=None, created_at=eng.clock.now())
        eng.session.add(user)
        token = accounts.issue_token(user)
    old = _api(web_app, token)
    assert old("GET", f"/cases/{web_world.placement}").status_code == 404
    assert old("GET", "/tasks").json["total"] == 0
    # the demo's attendance account belongs to its authority, and reads that authority's cases only
    with web_world.runtime.engine() as eng:
        assert eng.session.scalar(select(User.org).where(User.name == "olu.attendance")) == s.START_DATA["local_authority"]
        elsewhere = eng.start_case("reintegration", {**s.START_DATA, "pupil_name": "Far Away",
                                                     "local_authority": OTHER_LA}, "ava.ap")["case_id"]
    attendance = _api(web_app, web_world.tokens["olu.attendance"])
    assert attendance("GET", f"/cases/{web_world.placement}").status_code == 200
    assert attendance("GET", f"/cases/{elsewhere}").status_code == 404


# -- 4: reports ---------------------------------------------------------------------------------
AUTHORITIES = {
    s.START_DATA["local_authority"]: {"home_school": "Hollybrook High School", "host_school": "Kingsmead High School",
                                      "ap_setting": "Severn Vale Learning Centre"},
    OTHER_LA: {"home_school": "Lugg Meadow High School", "host_school": "Wye Bank Primary School",
               "ap_setting": "Golden Valley Learning Centre"},
}
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def _facts(case_id: str, process: str, authority: str, **columns) -> dict:
    row = {}
    row.update({"case_id": case_id, "process": process, "status": "running", "opened_on": date(2026, 10, 5),
                "started_on": date(2026, 10, 5), "academic_year": "2026/27", "local_authority": authority,
                **AUTHORITIES[authority], **columns})
    return row


def _report_cases(rt) -> None:
    """In each authority, a case that each of the five reports counts, written as report facts."""
    rows, weightings = [], []
    for n, authority in enumerate(AUTHORITIES):
        rows += [_facts(f"OS-{n}", "outreach_support", authority, decision="accept", request_type="individual",
                        pupils=1, gender="female", phase="secondary"),
                 _facts(f"SP-{n}", "semh_placement", authority, offer="core", placement_term="2026/27 autumn",
                        placement_start=date(2026, 10, 5)),
                 _facts(f"RA-{n}", "reintegration", authority, advocacy=True, current_setting_funding=18000,
                        transition_cost=2000, mainstream_funding=6000, net_saving=10000),
                 _facts(f"RT-{n}", "reintegration_timetable", authority, timetable_agreed=True,
                        timetable_start=date(2026, 11, 2), timetable_limit=date(2026, 12, 11), full_week_hours=25.0,
                        timetable_hours=[["2026-11-02", 12.5]])]
        weightings += [{"case_id": f"RA-{n}", "school": AUTHORITIES[authority]["host_school"], "points": 3,
                        "reason": "transfer in", "at": datetime(2026, 10, 12, 9, tzinfo=UTC)}]
    with rt.engine() as eng:
        version = eng.session.execute(select(func.min(Case.process_version_id))).scalar()
        eng.session.execute(insert(Case), [{"id": r["case_id"], "process_version_id": version, "process_key": r["process"],
                                            "status": "running", "revision": 1, "state": "", "data": {},
                                            "pupil_initials": r["case_id"][:2], "history_seq": 0,
                                            "history_hash": "0" * 64, "started_by": "system", "created_at": NOW,
                                            "updated_at": NOW} for r in rows])
        insert_facts(eng.session, rows)
        eng.session.execute(insert(WeightingEntry), weightings)


def _seen(client, report: str) -> str:
    page = client.get(f"/reports/{report}?year=2026/27")
    export = client.get(f"/reports/{report}/export.csv?year=2026/27")
    assert page.status_code == export.status_code == 200, report
    return page.get_data(as_text=True) + "\n" + export.get_data(as_text=True)


def _headline(text: str, label: str) -> str:
    """A headline figure from a report's CSV (its rows `label,value`)."""
    found = re.search(rf"^{re.escape(label)},([^,\r\n]*)\r?$", text, re.M)
    return found.group(1) if found else f"no {label!r}"


def test_4_reports_count_only_the_viewers_own_authority_or_pupils(web_world, signed_in, run_cli):
    _report_cases(web_world.runtime)
    with web_world.runtime.engine() as eng:
        accounts.create_account(eng.session, "hal.hereford", "la_admissions", eng.clock.now(), org=OTHER_LA,
                                password="reintegrate-demo")
    viewers = {"lee.la": s.START_DATA["local_authority"], "hal.hereford": OTHER_LA}
    for name, authority in viewers.items():
        client = signed_in(name)
        theirs = AUTHORITIES[authority]
        others = AUTHORITIES[next(a for a in AUTHORITIES if a != authority)]
        seen = {report: _seen(client, report) for report in REPORTS}
        for report, text in seen.items():
            for school in others.values():
                assert school not in text, (name, report, school)
        assert theirs["ap_setting"] in seen["costs"] and theirs["host_school"] in seen["weightings"]
        assert theirs["home_school"] in seen["timetables"]
        assert _headline(seen["service"], "Pupils supported") == "1", name
        assert _headline(seen["semh-kpis"], "Placements") == "1", name
    everyone = {report: _seen(signed_in("aud.auditor"), report) for report in REPORTS}
    assert _headline(everyone["service"], "Pupils supported") == "2"
    assert "Golden Valley Learning Centre" in everyone["costs"] and "Severn Vale Learning Centre" in everyone["costs"]
    school = signed_in("omar.home")  # Hollybrook sees its own pupils
    assert _headline(_seen(school, "service"), "Pupils supported") == "1"
    assert "Lugg Meadow High School" not in _seen(school, "timetables")
    code, out, _ = run_cli("report", "service", "--year", "2026/27", "--format", "csv", "--as", "hal.hereford")
    assert code == 0 and _headline(out, "Pupils supported") == "1"
    code, out, _ = run_cli("report", "costs", "--year", "2026/27", "--format", "csv", "--as", "hal.hereford")
    assert code == 0 and "Severn Vale" not in out and "Golden Valley Learning Centre" in out
    code, _, err = run_cli("report", "costs", "--as", "pia.owner")
    assert code == 3 and "may not run reports" in err


def test_5_the_command_line_asks_the_same_rules_as_the_web(web_world, run_cli):
    case_id = web_world.placement  # Westfield's staff see it nowhere, whichever door they use
    assert run_cli("case", "show", case_id, "--as", "wes.wrong")[0] == 4
    assert run_cli("history", case_id, "--as", "wes.wrong")[0] == 4
    assert run_cli("replay", case_id, "--as", "wes.wrong")[0] == 4
    assert run_cli("case", "show", case_id, "--as", "hana.host")[0] == 0
    code, _, err = run_cli("process", "deploy", "processes/reintegration.bpmn", "--as", "ava.ap")
    assert code == 3 and "may not deploy process versions" in err
    code, _, err = run_cli("case", "retry", case_id, "--as", "pia.owner")
    assert code == 3 and "may not retry a case in error" in err
    with web_world.runtime.engine() as eng:  # before the Fair Access decision the case has no host school
        fresh = eng.start_case("reintegration", {**s.START_DATA, "pupil_name": "No Host Yet"}, "ava.ap")["case_id"]
    assert run_cli("case", "show", fresh, "--as", "hana.host")[0] == 4
    code, _, err = run_cli("case", "message", fresh, "emergency_review_requested", "--as", "hana.host")
    assert code == 4
