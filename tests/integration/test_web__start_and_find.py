"""Starting a case on the web (start page, form, errors, check answers) and the Cases page."""
from __future__ import annotations

import re

from tests.web_helpers import post

START_ANSWERS = {"pupil_name": "Nia Web", "pupil_dob-day": "4", "pupil_dob-month": "9", "pupil_dob-year": "2012",
                 "ap_setting": "Severn Vale Learning Centre", "home_school": "Kingsmead High School",
                 "parent_name": "Pat Web", "parent_email": "pat@example.org"}


def _ids(html: str) -> list[str]:
    return re.findall(r'href="/cases/([A-Z0-9-]+)"', html)


def test_an_ap_account_starts_a_reintegration_after_checking_its_answers(web_world, signed_in):
    client = signed_in("ava.ap")
    index = client.get("/start").get_data(as_text=True)
    assert "Reintegration from alternative provision" in index and "Start a case" in index
    start = client.get("/start/reintegration").get_data(as_text=True)
    assert "Start now" in start and "/start/reintegration/form" in start
    form = client.get("/start/reintegration/form").get_data(as_text=True)
    assert 'data-module="organisation-autocomplete"' in form  # the parties are choices from the register
    assert re.search(r'<option value="[^"]+" selected>Severn Vale Learning Centre</option>', form)  # its own AP
    empty = post(client, "/start/reintegration/form", {})
    assert empty.status_code == 400 and "There is a problem" in empty.get_data(as_text=True)
    checked = post(client, "/start/reintegration/form", START_ANSWERS)
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "Check your answers" in html
    assert "4 September 2012" in html and "Kingsmead High School" in html
    with web_world.runtime.engine() as eng:
        before = len(eng.case_ids())
    assert before == len(_case_ids(web_world))  # nothing created by checking
    created = post(client, "/start/reintegration", START_ANSWERS)
    assert created.status_code == 302 and "/cases/" in created.location
    page = client.get(created.location).get_data(as_text=True)
    assert "Nia Web" in page and "started" in page
    assert "In progress" in page and ">running<" not in page  # the status in words
    assert 'Back to cases' in page
    assert "Reintegration from alternative provision, version" in page  # the process by its name
    assert len(_case_ids(web_world)) == before + 1


def _case_ids(web_world) -> list[str]:
    with web_world.runtime.engine() as eng:
        return eng.case_ids()


def test_change_on_the_check_page_brings_the_form_back_filled_in(signed_in):
    client = signed_in("ava.ap")
    back = post(client, "/start/reintegration/form", {**START_ANSWERS, "change": "pupil_name"})
    html = back.get_data(as_text=True)
    assert back.status_code == 200 and 'value="Nia Web"' in html and "There is a problem" not in html


def test_naming_another_ap_setting_is_refused_on_the_form_not_after_checking(web_world, signed_in):
    client = signed_in("ava.ap")
    before = len(_case_ids(web_world))
    other_ap = {**START_ANSWERS, "ap_setting": "Riverside Learning Centre"}
    refused = post(client, "/start/reintegration/form", other_ap)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Check your answers" not in html
    assert "Severn Vale Learning Centre" in html and 'href="#ap_setting"' in html
    assert post(client, "/start/reintegration", other_ap).status_code in (400, 403)
    assert len(_case_ids(web_world)) == before  # nothing started


def test_a_school_account_cannot_start_a_reintegration(signed_in):
    client = signed_in("omar.home")
    assert "/start/reintegration" not in client.get("/start").get_data(as_text=True)
    assert client.get("/start/reintegration/form").status_code == 403
    assert post(client, "/start/reintegration", START_ANSWERS).status_code == 403
    assert signed_in("ava.ap").get("/start/no_such_process").status_code == 404


def test_the_cases_page_lists_only_the_cases_the_account_may_see(web_world, signed_in):
    home = signed_in("omar.home").get("/cases").get_data(as_text=True)
    assert web_world.placement in _ids(home) and web_world.other_case not in _ids(home)
    assert 'href="/cases"' in home  # in the header's navigation
    other = signed_in("una.ap").get("/cases").get_data(as_text=True)
    assert _ids(other) == [web_world.other_case]


def test_the_cases_page_searches_by_reference_and_initials_and_filters(web_world, signed_in):
    client = signed_in("ada.admin")
    everything = _ids(client.get("/cases").get_data(as_text=True))
    assert web_world.other_case in everything and web_world.placement in everything
    by_ref = _ids(client.get(f"/cases?q={web_world.other_case.lower()}").get_data(as_text=True))
    assert by_ref == [web_world.other_case]
    assert _ids(client.get("/cases?q=Z.O.").get_data(as_text=True)) == [web_world.other_case]  # Zoe Other
    school = _ids(client.get("/cases?school=Westfield+School").get_data(as_text=True))
    assert school == [web_world.other_case]
    assert _ids(client.get("/cases?status=completed").get_data(as_text=True)) == []
    assert web_world.other_case in _ids(client.get("/cases?status=running&process=reintegration").get_data(as_text=True))
    assert _ids(client.get("/cases?q=%25").get_data(as_text=True)) == []  # a wildcard is a character


def test_the_cases_page_pages(web_world, signed_in):
    from engine import queries

    client = signed_in("ada.admin")
    total = len(_case_ids(web_world))
    if total <= queries.PAGE_SIZE:
        with web_world.runtime.engine() as eng:
            from tests.conftest import OTHER_CASE

            for n in range(queries.PAGE_SIZE + 1 - total):
                eng.start_case("reintegration", {**OTHER_CASE, "pupil_name": f"Pupil {n}"}, "una.ap")
    first = client.get("/cases").get_data(as_text=True)
    assert "page 1 of 2" in first and len(_ids(first)) == queries.PAGE_SIZE
    second = client.get("/cases?page=2").get_data(as_text=True)
    assert set(_ids(second)).isdisjoint(_ids(first))
    assert client.get("/cases?page=99999999999999999999").status_code == 400


def test_a_school_starts_the_processes_whose_start_event_stands_in_its_lane(web_world, signed_in):
    from pathlib import Path

    from engine.dmn import documents_beside

    processes = Path(__file__).resolve().parents[2] / "processes"
    with web_world.runtime.engine() as eng:
        for name in ("reintegration_timetable", "semh_placement", "outreach_support"):
            path = processes / f"{name}.bpmn"
            eng.deploy(path.read_bytes(), str(path), "system", documents_beside(path, path.read_bytes()))
    school = signed_in("omar.home").get("/start").get_data(as_text=True)
    for key in ("reintegration_timetable", "semh_placement", "outreach_support"):
        assert f'href="/start/{key}"' in school, key
    assert 'href="/start/reintegration"' not in school
    ap = signed_in("ava.ap").get("/start").get_data(as_text=True)
    assert 'href="/start/reintegration"' in ap and 'href="/start/semh_placement"' not in ap
    assert "Start a case" not in signed_in("aud.auditor").get("/").get_data(as_text=True)  # no link for readers
    form = signed_in("omar.home").get("/start/reintegration_timetable/form").get_data(as_text=True)
    assert re.search(r'<option value="[^"]+" selected>Hollybrook High School</option>', form)


def _school_options(html: str) -> set[str]:
    select = html.split('id="school"', 1)[1].split("</select>", 1)[0]
    return set(re.findall(r'<option value="([^"]+)"', select))


def test_the_school_filter_offers_only_the_schools_of_cases_the_account_may_read(web_world, signed_in):
    home = _school_options(signed_in("omar.home").get("/cases").get_data(as_text=True))
    assert {"Kingsmead High School", "Severn Vale Learning Centre"} <= home  # its own cases' parties
    assert "Westfield School" not in home and "Riverside Learning Centre" not in home  # another AP's case
    with web_world.runtime.engine() as eng:
        from engine.case_list import SEARCHED_PARTIES
        from tests.conftest import TEST_READ

        named = {eng.show_case(c, viewer=TEST_READ)["data"].get(f) for c in eng.case_ids() for f in SEARCHED_PARTIES}
    register = _school_options(signed_in("aud.auditor").get("/cases").get_data(as_text=True))
    assert home <= named and home < register  # nothing beyond what its cases name
    assert {"Westfield School", "Riverside Learning Centre"} <= register  # an auditor reads every case
    assert "Westfield School" in _school_options(signed_in("ada.admin").get("/cases").get_data(as_text=True))
    assert _school_options(signed_in("una.ap").get("/cases").get_data(as_text=True)) >= {"Westfield School"}


def test_a_pupil_on_the_ap_roll_only_is_started_with_no_home_school(signed_in):
    """The Worcestershire protocol's forms are for pupils "not already also on the roll of a mainstream school": the
    home school may be left blank, and the case page says what that means."""
    client = signed_in("ava.ap")
    form = client.get("/start/reintegration/form").get_data(as_text=True)
    assert "leave blank when the pupil is on the AP setting&#39;s roll only" in form
    answers = {**START_ANSWERS, "home_school": ""}
    assert post(client, "/start/reintegration/form", answers).status_code == 200  # to the check page
    created = post(client, "/start/reintegration", answers)
    assert created.status_code == 302 and "/cases/" in created.location
    page = client.get(created.location).get_data(as_text=True)
    assert "None: the pupil is on the AP setting&#39;s roll only" in page
    assert signed_in("omar.home").get(created.location).status_code == 404  # no home school: no party


def test_an_organisation_left_out_of_a_start_form_is_asked_for_with_select(signed_in):
    """A party is chosen from the organisations register (an autocomplete over a list): GOV.UK words the error for a
    choice left out "Select ...", as for radios and lists; a typed field's stays "Enter ..."."""
    response = post(signed_in("ada.admin"), "/start/reintegration/form", {})  # an admin's own organisation is none
    html = " ".join(response.get_data(as_text=True).split())
    assert response.status_code == 400
    assert 'href="#ap_setting">Select alternative provision setting</a>' in html, html
    assert "Enter alternative provision setting" not in html
    assert 'href="#pupil_name">Enter child/young person&#39;s name</a>' in html
