"""The case page (facts, parties, deadlines, timeline, diagram, emergency review), admin and the statement."""
from __future__ import annotations

import re

from tests.conftest import TEST_READ
from tests.web_helpers import post


def test_case_page_shows_facts_parties_deadlines_and_timeline(web_world, signed_in):
    case_id = web_world.case_with("interim_review_1")
    html = signed_in("omar.home").get(f"/cases/{case_id}").get_data(as_text=True)
    for text in ("Kim Placement", "Kingsmead High School", "Hollybrook High School", "Severn Vale Learning Centre",
                 "Worcestershire County Council", "Hold first interim review", "Next step", "Stages",
                 "Host school: Kingsmead High School", "Due 14 December 2026", "Case started",
                 "Task completed: Record parental consent", "Automatic step: Notify LA admissions of the referral"):
        assert text in html, text
    assert 'data-current="[&#34;interim_review_1&#34;]"' in html
    assert "Request emergency review" in html
    assert "record parental consent" not in html and "notify la referral" not in html  # ids are not words


def test_emergency_review_button_only_while_the_placement_waits_for_it(web_world, signed_in):
    in_placement = web_world.case_with("interim_review_1")
    before = web_world.case_with("record_parental_consent")
    client = signed_in("hana.host")
    assert "Request emergency review" not in signed_in("ava.ap").get(f"/cases/{before}").get_data(as_text=True)
    assert "Request emergency review" not in signed_in("aud.auditor").get(f"/cases/{in_placement}").get_data(as_text=True)
    response = post(client, f"/cases/{in_placement}/emergency-review", {"reason": "A fight at lunchtime"})
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "Emergency review requested" in html and "Hold emergency review" in html
    assert "Request emergency review" not in html  # it waits for the review now
    refused = post(signed_in("ava.ap"), f"/cases/{before}/emergency-review", {"reason": "Too soon"})
    assert refused.status_code == 409 and "cannot be requested on this case now" in refused.get_data(as_text=True)


def test_diagram_is_the_pinned_bpmn_with_lanes_named_for_people(web_world, signed_in):
    case_id = web_world.case_with("interim_review_1")
    response = signed_in("lee.la").get(f"/cases/{case_id}/diagram.bpmn")
    assert response.mimetype == "application/xml"
    assert b'<bpmn:userTask id="interim_review_1"' in response.data
    assert b'<bpmn:lane id="Lane_host_school" name="Host school">' in response.data
    assert b'name="Local authority admissions team"' in response.data and b'name="la_admissions"' not in response.data


def test_admin_adds_an_account_that_can_sign_in(web_app, signed_in):
    admin = signed_in("ada.admin")
    assert "hana.host" in admin.get("/admin/users").get_data(as_text=True)
    short = post(admin, "/admin/users", {"name": "kit.kingsmead", "role": "host_school", "password": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    assert 'value="kit.kingsmead"' in short.get_data(as_text=True)
    bad_role = post(admin, "/admin/users", {"name": "kit.kingsmead", "role": "wizard", "password": "long enough pw"})
    assert bad_role.status_code == 400 and "unknown role" in bad_role.get_data(as_text=True)
    added = post(admin, "/admin/users", {"name": "kit.kingsmead", "role": "host_school",
                                         "org": "Kingsmead High School", "password": "long enough pw"})
    assert added.status_code == 302 and "kit.kingsmead" in admin.get("/admin/users").get_data(as_text=True)
    again = post(admin, "/admin/users", {"name": "kit.kingsmead", "role": "host_school", "password": "long enough pw"})
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)
    client = web_app.test_client()
    from tests.web_helpers import csrf

    signed = client.post("/sign-in", data={"name": "kit.kingsmead", "password": "long enough pw",
                                           "csrf_token": csrf(client, "/sign-in")})
    assert signed.status_code == 302
    assert "Hold first interim review" in client.get("/").get_data(as_text=True)


def test_accessibility_statement_and_assets_are_public(web_app):
    client = web_app.test_client()
    assert "Accessibility statement" in client.get("/accessibility").get_data(as_text=True)
    css = client.get("/assets/govuk-frontend.min.css")
    assert css.status_code == 200 and b".govuk-" in css.data
    assert client.get("/assets/fonts/light-94a07e06a1-v2.woff2").status_code == 200
    assert client.get("/vendor/bpmn-js/bpmn-viewer.production.min.js").status_code == 200
    assert client.get("/vendor/left-pad/index.js").status_code == 404
    assert client.get("/assets/../package.json").status_code == 404


def test_a_case_waiting_for_a_message_says_so_and_lists_only_its_process_parties(web_world, signed_in):
    from pathlib import Path

    from engine.dmn import documents_beside
    from tests.integration.timetable_cases import START

    path = Path(__file__).resolve().parents[2] / "processes" / "semh_placement.bpmn"
    with web_world.runtime.engine() as eng:
        eng.deploy(path.read_bytes(), str(path), "system", documents_beside(path, path.read_bytes()))
        case_id = eng.start_case("semh_placement", {**START, "provider": "The Bridge School",
                                                    "reasons_for_nomination": "Repeated suspensions"}, "ada.admin")["case_id"]
    html = signed_in("ada.admin").get(f"/cases/{case_id}").get_data(as_text=True)
    assert ("Nobody has a task now. Waiting for: Place allocated at the inclusion planning meeting (from the local "
            "authority admissions team).") in html
    assert re.search(r'govuk-task-list__hint">\s*Waiting for: Place allocated at the inclusion planning meeting', html)
    assert "Alternative provision" not in html and "Host school" not in html  # no such party in an SEMH placement
    assert "Home school" in html and "Local authority" in html
    assert _parties(html)["SEMH provider"] == "The Bridge School"


def _parties(html: str) -> dict[str, str]:
    """The case page's Parties panel, label -> what a person reads."""
    panel = re.search(r'<h2 class="govuk-heading-m">Parties</h2>(.*?)</dl>', html, re.S).group(1)
    rows = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>',
                      panel, re.S)
    return {re.sub(r"\s+", " ", k).strip(): re.sub(r"<[^>]+>|\s+", " ", v).strip() for k, v in rows}


def test_the_parties_name_the_advocacy_provider_once_the_case_names_one(web_world, signed_in):
    from cli.demo_data import ACTOR_BY_LANE
    from cli.scenarios import ADVOCACY_RISK

    case_id = web_world.case_with("gather_information")
    before = _parties(signed_in("ada.admin").get(f"/cases/{case_id}").get_data(as_text=True))
    assert "Advocacy provider" not in before and before["Local authority"] == "Worcestershire County Council"
    with web_world.runtime.engine() as eng:
        task = next(t for t in eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"] if t["task"] == "gather_information")
        eng.complete_task(task["task_id"], ADVOCACY_RISK, ACTOR_BY_LANE[task["lane"]])
    after = _parties(signed_in("ada.admin").get(f"/cases/{case_id}").get_data(as_text=True))
    assert after["Advocacy provider"] == "Pathways Advocacy"
