"""A process owner chooses which version new cases start on (`process activate`, a button on the
Processes page); every deploy and every choice is in the history of the process; re-deploying an
earlier version's file says which version it is and which one new cases start on."""
from __future__ import annotations

import json

import pytest

from cli.scenarios import START_DATA
from engine.errors import Conflict, Forbidden, NotFound
from tests.conftest import REINTEGRATION
from tests.integration.test_versions__migration import NOTES_FIELD
from tests.web_helpers import post


@pytest.fixture
def v2(tmp_path):
    path = tmp_path / "reintegration.bpmn"
    path.write_text(REINTEGRATION.read_text().replace(*NOTES_FIELD, 1))
    return path


def _start(h) -> int:
    return h.call("start_case", "reintegration", START_DATA, "ava.ap")["version"]


def test_an_owner_rolls_new_cases_back_to_an_earlier_version(harness, v2):
    harness.deploy(REINTEGRATION)
    assert harness.deploy(v2)["active"] == 2 and _start(harness) == 2
    assert harness.call("activate", "reintegration", 1, "ada.admin") == {"process": "reintegration", "active": 1,
                                                                        "previous": 2}
    assert _start(harness) == 1
    assert [(v["version"], v["active"]) for v in harness.call("versions")] == [(1, True), (2, False)]
    history = harness.call("process_history", "reintegration")
    assert [(e["version"], e["kind"], e["actor"], e["data"]["previous_active"]) for e in history] == [
        (1, "deployed", "system", None), (2, "deployed", "system", 1), (1, "activated", "ada.admin", 2)]


def test_re_deploying_an_earlier_file_says_which_version_new_cases_start_on(harness, v2):
    harness.deploy(REINTEGRATION)
    harness.deploy(v2)
    again = harness.deploy(REINTEGRATION)  # it answered "created: false, version 1" and kept starting v2
    assert (again["created"], again["version"], again["active"]) == (False, 1, 2)
    assert "already deployed as version 1, but new cases start on version 2" in again["message"]
    assert "reintegrate process activate reintegration 1" in again["message"]
    harness.call("activate", "reintegration", 1, "ada.admin")
    same = harness.deploy(REINTEGRATION)
    assert same["active"] == 1 and "unchanged, already deployed; new cases start on it" in same["message"]


def test_activation_is_for_owners_and_admins_and_checks_the_version(harness, v2):
    harness.deploy(REINTEGRATION)
    harness.deploy(v2)
    for name in ("ava.ap", "aud.auditor", "lee.la"):
        with pytest.raises(Forbidden):
            harness.call("activate", "reintegration", 1, name)
    with pytest.raises(NotFound, match="has no version 9"):
        harness.call("activate", "reintegration", 9, "ada.admin")
    with pytest.raises(Conflict, match="already the one new cases start on"):
        harness.call("activate", "reintegration", 2, "ada.admin")
    assert _start(harness) == 2


def test_the_command_line_activates_and_shows_the_history(run_cli, v2):
    assert run_cli("init-db")[0] == 0
    assert run_cli("user", "add", "pia.owner", "--role", "process_owner")[0] == 0  # --as names an account
    assert run_cli("process", "deploy", str(v2), "--as", "pia.owner")[0] == 0
    code, out, err = run_cli("process", "deploy", str(REINTEGRATION))
    assert code == 0 and "new cases start on version 2" in out
    code, out, err = run_cli("process", "activate", "reintegration", "1")
    assert code == 0 and out.strip() == "reintegration: new cases start on version 1 (was 2)"
    code, out, _ = run_cli("case", "start", "reintegration", "--data", json.dumps(START_DATA), "--json")
    assert json.loads(out)["version"] == 1
    code, out, _ = run_cli("process", "history", "reintegration", "--json")
    assert [e["kind"] for e in json.loads(out)] == ["deployed", "deployed", "activated"]
    code, _, err = run_cli("process", "activate", "reintegration", "1")
    assert code == 5 and "already the one new cases start on" in err


def test_the_processes_page_has_the_button_and_the_history(web_world, signed_in, v2):
    with web_world.runtime.engine() as eng:
        eng.deploy(v2.read_bytes(), str(v2), "pia.owner")
    owner = signed_in("pia.owner")
    page = owner.get("/processes").get_data(as_text=True)
    assert "Start new cases on version 1" in page and "Start new cases on version 2" not in page
    done = post(owner, "/processes/reintegration/versions/1/activate", token_from="/processes")
    assert done.status_code == 302
    page = owner.get(done.headers["Location"]).get_data(as_text=True)
    assert ("New cases of Reintegration from alternative provision now start on version 1 "
            "(they started on version 2)") in page
    assert "Start new cases on version 2" in page and "pia.owner had new cases start on version 1" in page
    with web_world.runtime.engine() as eng:
        assert eng.start_case("reintegration", START_DATA, "ava.ap")["version"] == 1
    assert post(signed_in("hana.host"), "/processes/reintegration/versions/2/activate").status_code == 403
