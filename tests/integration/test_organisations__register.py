"""The organisations register: the shipped CSV, import and export, accounts linked to entries, and
every party of a case a choice from it, its authority derived when the case does not name one."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from cli import demo_data
from cli import scenarios as s
from engine import organisations as orgs
from engine.errors import InvalidData
from engine.models import Case, User
from engine.organisations_csv import RegisterFileError, export_csv, import_csv
from engine.queries import can_see_case
from schooling.parties import TABLE
from tests.conftest import FIXTURES, OTHER_CASE, OTHER_PEOPLE, PEOPLE, REINTEGRATION

#: The register the service ships (`processes/organisations.csv`).
SHIPPED = TABLE.register_file
#: Organisations the tests name outside conftest and the scenarios.
TEST_ORGANISATIONS = {"Herefordshire Council", "Riverside Learning Centre", "Burton", "Apricot", "OnTrack",
                      "The Bridge School"}


def _names(session) -> set[str]:
    return set(session.scalars(select(orgs.Organisation.name)))


def test_the_shipped_register_has_every_organisation_the_demo_scenarios_and_tests_name(harness):
    named = {org for _, org in (*PEOPLE.values(), *OTHER_PEOPLE.values(), *demo_data.DEMO_USERS.values()) if org}
    for data in (s.START_DATA, OTHER_CASE, s.OUTREACH_REQUEST, s.HAPPY_PATH["allocate_place"]):
        named |= {data[f] for f in orgs.PARTY_FIELDS if data.get(f)}
    named |= TEST_ORGANISATIONS
    register = harness.query(_names)
    assert named - register == set()
    assert len(register) >= 20  # and others, in Worcestershire and two more authorities


def test_every_party_of_every_demo_case_and_every_demo_account_points_at_an_entry(web_world):
    with web_world.runtime.engine() as eng:
        by_name = {o.name: o for o in eng.session.scalars(select(orgs.Organisation))}
        cases = eng.session.scalars(select(Case)).all()
        users = eng.session.scalars(select(User)).all()
    assert len(cases) >= 7
    for case in cases:
        parties = {f: case.data.get(f) for f in orgs.PARTY_FIELDS if case.data.get(f)}
        assert {"ap_setting", "home_school", "local_authority"} <= set(parties), case.id
        for field, name in parties.items():
            assert by_name[name].kind in orgs.PARTY_FIELDS[field], (case.id, field, name)
    for user in users:
        if user.role in orgs.ROLE_KINDS and user.name != "olu.attendance":
            assert user.org_id is not None, user.name
        if user.org is not None:
            assert by_name[user.org].id == user.org_id, user.name


def test_import_adds_updates_and_refuses_a_bad_file_whole(harness):
    good = ("id,name,kind,authority,urn\n"
            "droitwich-spa-high-school,Droitwich  Spa High School,school,worcestershire-county-council,123456\n"
            "kingsmead-high-school,Kingsmead High School,school,Herefordshire Council,\n"
            "hollybrook-high-school,Hollybrook High School,school,worcestershire-county-council,\n")
    with harness.sessions() as session:
        assert import_csv(session, good, harness.clock.now()) == {"added": 1, "updated": 1, "unchanged": 1}
        session.commit()
        assert session.get(orgs.Organisation, "droitwich-spa-high-school").name == "Droitwich Spa High School"
        assert session.get(orgs.Organisation, "kingsmead-high-school").authority_id == "herefordshire-council"
    bad = ("id,name,kind,authority,urn\n"
           "new-school,New School,school,worcestershire-county-council,\n"
           "kingsmead-high-school,Kingsmead Academy,school,worcestershire-county-council,\n"
           ",Lonely School,school,,\n"
           ",Far School,school,Worcestershire council,\n"
           ",Odd Place,castle,,\n"
           ",KINGSMEAD  high school,school,worcestershire-county-council,\n"
           ",Twin School,school,worcestershire-county-council,123456\n")
    with harness.sessions() as session:
        with pytest.raises(RegisterFileError) as caught:
            import_csv(session, bad, harness.clock.now(), "bad.csv")
        session.rollback()
        assert session.get(orgs.Organisation, "new-school") is None
    lines = str(caught.value).splitlines()
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5", "6", "7", "8"]
    assert "does not rename" in lines[0] and "which belongs to a local authority" in lines[1]
    assert "did you mean 'Worcestershire County Council'" in lines[2] and "unknown kind 'castle'" in lines[3]
    assert "'Kingsmead High School' (kingsmead-high-school) is already" in lines[4] and "URN 123456" in lines[5]


def test_org_commands_add_list_import_and_export(run_cli, tmp_path):
    assert run_cli("init-db")[0] == 0
    code, out, _ = run_cli("org", "add", "Droitwich Spa High School", "--kind", "school", "--authority",
                           "Worcestershire County Council", "--urn", "123456", "--json")
    assert code == 0 and json.loads(out) == {"id": "droitwich-spa-high-school", "name": "Droitwich Spa High School",
                                             "kind": "school", "authority": "worcestershire-county-council",
                                             "urn": "123456"}
    code, _, err = run_cli("org", "add", "Kingsmead high school", "--kind", "school", "--authority",
                           "worcestershire-county-council")
    assert code == 2 and "'Kingsmead High School' (kingsmead-high-school) is already in the register" in err
    code, _, err = run_cli("org", "add", "Nowhere School", "--kind", "school")
    assert code == 2 and "belongs to a local authority" in err
    code, out, _ = run_cli("org", "list", "--kind", "local_authority", "--json")
    assert [o["name"] for o in json.loads(out)] == ["Herefordshire Council", "Oxfordshire County Council",
                                                    "Worcestershire County Council"]
    code, exported, _ = run_cli("org", "export")
    assert "droitwich-spa-high-school,Droitwich Spa High School,school,worcestershire-county-council,123456" in exported
    path = tmp_path / "more.csv"
    path.write_text(exported + ",Pershore Learning Hub,ap_setting,worcestershire-county-council,\n")
    assert run_cli("org", "import", str(path)) == (0, f"{path}: 1 added, 0 updated, 26 unchanged\n", "")
    path.write_text("id,name,kind,authority,urn\n,Pershore Learning Hub 2,ap_setting,,\n")
    code, _, err = run_cli("org", "import", str(path))
    assert code == 1 and err == (f"{path}:2: 'Pershore Learning Hub 2' is an AP setting, which belongs to a local "
                          "authority: give its id or name\n")
    assert run_cli("init-db")[1].splitlines()[1] == ("organisations register: 0 added, 25 already there; "
                                                      "0 case(s) and 0 account(s) relinked")


def test_accounts_take_an_id_or_an_exact_name_and_nothing_else(run_cli):
    assert run_cli("init-db")[0] == 0
    assert run_cli("user", "add", "kit.k", "--role", "host_school", "--org", "kingsmead-high-school")[0] == 0
    code, out, _ = run_cli("user", "add", "kim.k", "--role", "host_school", "--org", "Kingsmead High School", "--json")
    assert code == 0 and json.loads(out)["org"] == "Kingsmead High School"
    code, _, err = run_cli("user", "add", "kat.k", "--role", "host_school", "--org", "Kingsmead high school")
    assert code == 2 and "did you mean 'Kingsmead High School'?" in err
    code, _, err = run_cli("user", "add", "kay.k", "--role", "la_admissions", "--org", "Kingsmead High School")
    assert code == 2 and "'Kingsmead High School' is a school, not a local authority" in err


def test_a_misspelt_school_is_refused_on_the_command_line_with_suggestions(run_cli):
    assert run_cli("init-db")[0] == 0
    assert run_cli("user", "add", "ava.ap", "--role", "ap_setting", "--org", "Severn Vale Learning Centre")[0] == 0
    data = {**s.START_DATA, "home_school": "Hollybrok high school"}
    code, out, err = run_cli("case", "start", "reintegration", "--as", "ava.ap", "--data", json.dumps(data))
    assert code == 2 and out == ""
    assert err == ("reintegrate: cannot start reintegration: home_school: Home school 'Hollybrok high school' is not "
                   "in the organisations register; did you mean 'Hollybrook High School'?\n")
    code, out, _ = run_cli("task", "list", "--json")
    assert json.loads(out) == []  # nothing was started


def test_the_readme_start_without_an_authority_gets_its_authoritys(harness):
    harness.deploy(REINTEGRATION)
    start = {"pupil_name": "Jordan Ellis", "pupil_dob": "2012-05-14", "ap_setting": "Severn Vale Learning Centre",
             "home_school": "hollybrook-high-school"}
    case = harness.call("start_case", "reintegration", start, "ava.ap")
    assert {k: case["data"][k] for k in ("ap_setting", "home_school", "local_authority")} == {
        "ap_setting": "Severn Vale Learning Centre", "home_school": "Hollybrook High School",
        "local_authority": "Worcestershire County Council"}

    def visible(session):
        user = session.scalar(select(User).where(User.name == "lee.la"))
        return can_see_case(session, user, case["case_id"])

    assert harness.query(visible)


def test_parties_of_no_authority_and_of_the_wrong_kind_are_refused(harness):
    harness.deploy(FIXTURES / "stress.bpmn")
    with harness.sessions() as session:
        orgs.add_organisation(session, "Open Road Tutors", "provider", harness.clock.now())
        session.commit()
    with pytest.raises(InvalidData) as caught:
        harness.call("start_case", "stress", {"pupil_name": "P Q", "ap_setting": "Open Road Tutors"}, "ava.ap")
    assert caught.value.errors == {"local_authority": "Open Road Tutors belongs to no local authority in the "
                                                      "register; name the local authority"}
    with pytest.raises(InvalidData) as caught:
        harness.call("start_case", "stress", {"pupil_name": "P Q", "ap_setting": "Kingsmead High School"}, "ava.ap")
    assert caught.value.errors["ap_setting"].startswith(
        "Ap setting 'Kingsmead High School' is a school, not an AP setting or provider")


def test_a_misspelt_host_school_is_refused_on_the_fair_access_form(harness):
    harness.deploy(REINTEGRATION)
    case_id = harness.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    for element, data in s.HAPPY_PATH.items():
        if element == "allocate_place":
            break
        harness.complete(case_id, element, data, demo_data.ACTOR_BY_LANE[harness.task(case_id, element)["lane"]])
    offer = {**s.HAPPY_PATH["allocate_place"], "host_school": "Kingsmead high school"}
    with pytest.raises(InvalidData) as caught:
        harness.complete(case_id, "allocate_place", offer, "lee.la")
    assert caught.value.errors == {"host_school": "Host school 'Kingsmead high school' is not in the organisations "
                                                  "register; did you mean 'Kingsmead High School'?"}
    done = harness.complete(case_id, "allocate_place", {**offer, "host_school": "kingsmead-high-school"}, "lee.la")
    assert done["data"]["host_school"] == "Kingsmead High School"


def test_a_misspelt_school_is_refused_by_the_api_with_suggestions(web_app, web_world):
    client = web_app.test_client()
    headers = {"Authorization": f"Bearer {web_world.tokens['ava.ap']}"}
    with web_world.runtime.engine() as eng:
        before = eng.session.query(Case).count()
    sent = client.post("/api/v1/cases", headers=headers, json={
        "process": "reintegration", "data": {**s.START_DATA, "pupil_name": "New Pupil", "home_school": "Holybrook"}})
    assert sent.status_code == 422
    assert sent.json["errors"] == {"home_school": "Home school 'Holybrook' is not in the organisations register; "
                                                  "did you mean 'Hollybrook High School'?"}
    with web_world.runtime.engine() as eng:
        assert eng.session.query(Case).count() == before


def test_the_api_lists_the_register_for_clients_to_choose_from(web_app, web_world):
    client = web_app.test_client()
    headers = {"Authorization": f"Bearer {web_world.tokens['hana.host']}"}
    schools = client.get("/api/v1/organisations?kind=school", headers=headers)
    assert schools.status_code == 200
    kingsmead = next(o for o in schools.json if o["id"] == "kingsmead-high-school")
    assert kingsmead == {"id": "kingsmead-high-school", "name": "Kingsmead High School", "kind": "school",
                         "authority": "worcestershire-county-council",
                         "authority_name": "Worcestershire County Council", "urn": None}
    assert {o["kind"] for o in schools.json} == {"school"}
    assert len(client.get("/api/v1/organisations", headers=headers).json) >= 22
    wrong = client.get("/api/v1/organisations?kind=castle", headers=headers)
    assert wrong.status_code == 422 and "must be one of" in wrong.json["errors"]["kind"]
    assert client.get("/api/v1/organisations").status_code == 401


def test_the_shipped_file_imports_cleanly_and_exports_as_it_is(harness):
    with harness.sessions() as session:
        assert import_csv(session, SHIPPED.read_text(), harness.clock.now()) == {"added": 0, "updated": 0,
                                                                                 "unchanged": 25}
        exported = export_csv(session).splitlines()
    assert sorted(exported[1:]) == sorted(SHIPPED.read_text().splitlines()[1:])


def test_a_site_keeps_its_own_register_beside_its_processes(run_cli, monkeypatch, tmp_path, db_url):
    (tmp_path / "organisations.csv").write_text(
        "id,name,kind,authority,urn\n"
        "warwickshire,Warwickshire County Council,local_authority,,\n"
        ",Avon Valley School,school,warwickshire,\n")
    monkeypatch.setenv("REINTEGRATE_PROCESSES_DIR", str(tmp_path))
    code, out, _ = run_cli("init-db")
    assert code == 0 and "organisations register: 2 added, 0 already there" in out
    code, out, _ = run_cli("org", "list", "--json")
    assert [o["name"] for o in json.loads(out)] == ["Warwickshire County Council", "Avon Valley School"]
    assert run_cli("org", "add", "Nuneaton Academy", "--kind", "school", "--authority", "warwickshire")[0] == 0
    (tmp_path / "organisations.csv").write_text(  # the file moves the school: init-db leaves it where it is
        "id,name,kind,authority,urn\n"
        "warwickshire,Warwickshire County Council,local_authority,,\n"
        "other,Other Council,local_authority,,\n"
        "avon-valley-school,Avon Valley School,school,other,\n")
    assert "organisations register: 1 added, 2 already there" in run_cli("init-db")[1]
    code, out, _ = run_cli("org", "list", "--json")
    assert {o["name"]: o["authority"] for o in json.loads(out)} == {
        "Other Council": None, "Warwickshire County Council": None, "Avon Valley School": "warwickshire",
        "Nuneaton Academy": "warwickshire"}
