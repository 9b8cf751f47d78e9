"""The process owners' pages: versions, diff, migration of running cases (dry run, then confirm) and the
modeller's validate and deploy endpoints; every other role is refused."""
from __future__ import annotations

import re

import pytest

from tests.conftest import REINTEGRATION, TEST_READ
from tests.integration.test_versions__migration import NOTES_FIELD
from tests.web_helpers import csrf, post

OWNERS = ("pia.owner", "ada.admin")
OTHERS = ("aud.auditor", "ava.ap", "lee.la", "hana.host", "omar.home", "olu.attendance", "otto.outreach", "wes.wrong",
          "una.ap")
V1 = REINTEGRATION.read_text()
V2 = V1.replace(*NOTES_FIELD, 1)
XML = {"Content-Type": "application/xml"}


def _send(client, action: str, body: str, process: str = "reintegration"):
    headers = {**XML, "X-CSRFToken": csrf(client, "/processes")}
    return client.post(f"/processes/{process}/{action}", data=body.encode(), headers=headers)


def _versions(web_world) -> list[tuple[str, int, str]]:
    with web_world.runtime.engine() as eng:
        return [(v["process"], v["version"], v["deployed_by"]) for v in eng.versions()]


def _running_on(web_world, version: int) -> list[str]:
    with web_world.runtime.engine() as eng:
        return [c for c in eng.case_ids()
                if (case := eng.show_case(c, viewer=TEST_READ))["status"] == "running" and case["version"] == version]


def test_every_other_role_is_refused(web_world, signed_in):
    for name in OTHERS:
        client = signed_in(name)
        for path in ("/processes", "/processes/reintegration/diff", "/processes/reintegration/modeller",
                     "/processes/reintegration/versions/1/diagram.bpmn", "/processes/reintegration/versions/1/migrate"):
            assert client.get(path).status_code == 403, (name, path)
        token = csrf(client)
        for path in ("/processes/reintegration/validate", "/processes/reintegration/deploy"):
            response = client.post(path, data=V2.encode(), headers={**XML, "X-CSRFToken": token})
            assert response.status_code == 403, (name, path)
        assert post(client, "/processes/reintegration/versions/1/migrate", {"scope": "all", "to": "1"}).status_code == 403
        assert "Processes" not in client.get("/").get_data(as_text=True)
    assert _versions(web_world) == [("reintegration", 1, "system")]


@pytest.mark.parametrize("name", OWNERS)
def test_owners_see_versions_and_the_nav_link(web_world, signed_in, name):
    client = signed_in(name)
    assert 'href="/processes"' in client.get("/").get_data(as_text=True)
    page = client.get("/processes").get_data(as_text=True)
    running = len(_running_on(web_world, 1))
    row = re.search(r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\"[^>]*>1 .*?</tr>", page, re.S).group(0)
    cells = re.findall(r'<td class="govuk-table__cell[^"]*"[^>]*>(.*?)</td>', row, re.S)
    assert cells[1].strip() == "system" and int(cells[3]) == running and int(cells[2]) >= running
    assert client.get("/processes/reintegration/modeller").status_code == 200
    diagram = client.get("/processes/reintegration/versions/1/diagram.bpmn")
    assert diagram.status_code == 200 and diagram.get_data(as_text=True) == V1
    assert client.get("/processes/nope/modeller").status_code == 404
    assert client.get("/processes/reintegration/versions/9/diagram.bpmn").status_code == 404


def test_validate_reports_problems_by_element_and_deploy_refuses_them(web_world, signed_in):
    client = signed_in("pia.owner")
    broken = V2.replace('camunda:topic="notify_la_referral"', 'camunda:topic="no_such_handler"', 1)
    reply = _send(client, "validate", broken).get_json()
    assert reply["ok"] is False
    [problem] = reply["problems"]
    assert problem["element"] and problem["line"] > 0
    assert "no handler is registered for topic 'no_such_handler'" in problem["message"]
    assert problem["text"] == f"reintegration.bpmn:{problem['line']}: {problem['element']}: {problem['message']}"
    response = _send(client, "deploy", broken)
    assert response.status_code == 422 and response.get_json()["problems"] == reply["problems"]
    assert _send(client, "validate", "<definitions>").get_json()["problems"][0]["message"].startswith("not well-formed XML")
    renamed = V2.replace('<bpmn:process id="reintegration"', '<bpmn:process id="reintegration_copy"', 1)
    assert "keep the process id" in _send(client, "validate", renamed).get_json()["problems"][-1]["message"]
    assert _send(client, "deploy", renamed).status_code == 422
    # without the CSRF token the modeller's requests are refused too
    assert client.post("/processes/reintegration/deploy", data=V2.encode(), headers=XML).status_code == 400
    assert _versions(web_world) == [("reintegration", 1, "system")]
    assert _send(client, "validate", V2).get_json() == {"ok": True, "problems": []}


def test_deploy_creates_a_version_listed_with_its_diff(web_world, signed_in):
    client = signed_in("pia.owner")
    reply = _send(client, "deploy", V2).get_json()
    assert reply == {"ok": True, "process": "reintegration", "version": 2, "created": True, "versions_url": "/processes",
                     "active": 2, "message": "reintegration v2 deployed: new cases start on it"}
    page = client.get("/processes").get_data(as_text=True)
    assert "reintegration version 2 deployed" in page and "Changes from version 1" in page
    assert _send(client, "deploy", V2).get_json()["created"] is False
    assert _versions(web_world) == [("reintegration", 1, "system"), ("reintegration", 2, "pia.owner")]
    diff = client.get("/processes/reintegration/diff").get_data(as_text=True)
    # the step by its name in the diagram, not its id
    assert "Changes from version 1 to version 2" in diff and "Find a host school and offer the place" in diff
    assert "allocate_place" not in re.sub(r"<[^>]+>", "", diff)
    assert re.search(r"Steps changed</dt><dd[^>]*>1</dd>", diff)
    same = client.get("/processes/reintegration/diff?from=2&to=2").get_data(as_text=True)
    assert "No differences" in same
    assert client.get("/processes/reintegration/diff?from=1&to=7").status_code == 404
    # the modeller opens the latest version
    assert "from version 2" in client.get("/processes/reintegration/modeller").get_data(as_text=True)


def test_migration_dry_run_then_confirm_with_refusals_and_reasons(web_world, signed_in):
    client = signed_in("ada.admin")
    assert _send(client, "deploy", V2).get_json()["version"] == 2
    on_v1 = _running_on(web_world, 1)
    form = client.get("/processes/reintegration/versions/1/migrate").get_data(as_text=True)
    assert all(case_id in form for case_id in on_v1)
    path = "/processes/reintegration/versions/1/migrate"
    token_page = path
    bad = post(client, path, {"step": "check", "scope": "one", "case": "", "to": "2"}, token_page)
    assert bad.status_code == 400 and "Choose the case to move" in bad.get_data(as_text=True)
    dry = post(client, path, {"step": "check", "scope": "all", "to": "2"}, token_page)
    page = dry.get_data(as_text=True)
    assert dry.status_code == 200 and "Dry run: nothing has moved yet" in page
    assert _running_on(web_world, 1) == on_v1  # nothing moved
    refused = re.findall(r'href="/cases/([^"]+)">[^<]+</a></td>\s*<td[^>]*><strong class="govuk-tag govuk-tag--red', page)
    movable = [c for c in re.findall(r'name="case" value="([^"]+)"', page)]
    assert refused and movable and set(refused) | set(movable) == set(on_v1), page
    assert "allocate_place was done in this case and is changed in the new version" in page
    done = post(client, path, {"step": "confirm", "scope": "one", "case": movable, "to": "2"}, token_page)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and f"{len(movable)} of {len(movable)} case(s) moved from version 1 to version 2" in text
    assert sorted(_running_on(web_world, 2)) == sorted(movable) and sorted(_running_on(web_world, 1)) == sorted(refused)
    with web_world.runtime.engine() as eng:
        assert eng.history(movable[0], viewer=TEST_READ)[-1]["kind"] == "version_migrated"
        assert eng.history(movable[0], viewer=TEST_READ)[-1]["actor"] == "ada.admin"
