"""GET /api/v1/incidents and POST /api/v1/incidents/{id}/retry: what `reintegrate incident list|retry` and the
Incidents page do, for the same accounts (admins and process owners), in the API's JSON."""
from __future__ import annotations

import pytest

from engine import incidents
from tests.integration.test_faults__incidents import FAILING, START, LateHandler


@pytest.fixture
def api(web_app, web_world):
    client = web_app.test_client()

    def call(method: str, path: str, user: str):
        return client.open(f"/api/v1{path}", method=method,
                           headers={"Authorization": f"Bearer {web_world.tokens[user]}"})

    return call


@pytest.fixture
def failed_step(web_world, api):
    """An incident: una.ap's answer fails at the gateway naming a variable nothing sets."""
    web_world.runtime.registry.add("late", LateHandler())
    with web_world.runtime.engine() as eng:
        eng.deploy(FAILING.read_bytes(), str(FAILING), "system")
        case = eng.start_case("failing_condition", {**START, "ap_setting": "Riverside Learning Centre"}, "una.ap")
    with pytest.raises(incidents.StepFailed) as failed:  # the transaction rolled back, the incident kept
        with web_world.runtime.engine() as eng:
            eng.complete_task(case["ready_tasks"][0]["task_id"], {"answer": 4}, "una.ap")
    return case["case_id"], failed.value.incident_id


def test_operators_list_incidents_and_nobody_else(api, web_world, failed_step):
    case_id, incident_id = failed_step
    listed = api("GET", "/incidents", "ada.admin")
    assert listed.status_code == 200
    [row] = listed.json
    assert (row["id"], row["case_id"], row["element"], row["action"], row["status"]) == (
        incident_id, case_id, "check", "complete", "open")
    assert "payload" not in row  # what was submitted stays in the database
    with web_world.runtime.engine() as eng:  # the command line's list, for the same account
        assert listed.json == incidents.list_incidents(eng.session, "ada.admin")
    assert api("GET", "/incidents", "pia.owner").json == listed.json
    for name in ("una.ap", "aud.auditor", "lee.la", "dee.dpo"):
        refused = api("GET", "/incidents", name)
        assert refused.status_code == 403 and refused.json["error"] == "forbidden", name
        assert api("POST", f"/incidents/{incident_id}/retry", name).status_code == 403
        assert api("POST", "/incidents/nope/retry", name).status_code == 403  # no hint of which ids exist
    bad = api("GET", "/incidents?all=maybe", "ada.admin")
    assert bad.status_code == 422 and bad.json["errors"] == {"all": "must be true or false"}


def test_a_retry_fails_again_then_goes_through_once_mended(api, web_world, failed_step, tmp_path):
    case_id, incident_id = failed_step
    again = api("POST", f"/incidents/{incident_id}/retry", "ada.admin")
    assert again.status_code == 500 and again.json["error"] == "expressionfailed"
    assert again.json["incident"] == incident_id and again.json["element"] == "check"
    assert api("GET", "/incidents", "ada.admin").json[0]["occurrences"] == 2
    for missing in ("0", "99999", "nope", "9" * 40):
        gone = api("POST", f"/incidents/{missing}/retry", "ada.admin")
        assert gone.status_code == 404 and gone.json["error"] == "notfound", missing
    fixed = tmp_path / "failing_condition.bpmn"  # a fixed version, and the case moved to it
    fixed.write_text(FAILING.read_text().replace("answer &gt; threshold", "answer &gt; 5"))
    with web_world.runtime.engine() as eng:
        eng.deploy(fixed.read_bytes(), str(fixed), "system")
    with web_world.runtime.engine() as eng:
        eng.migrate_case(case_id, 2, "ada.admin")
    done = api("POST", f"/incidents/{incident_id}/retry", "pia.owner")
    assert done.status_code == 200, done.json
    assert done.json["incident"]["status"] == "resolved" and done.json["incident"]["resolved_by"] == "pia.owner"
    assert done.json["case"]["case_id"] == case_id and done.json["case"]["status"] == "completed"
    assert api("GET", "/incidents", "ada.admin").json == []
    assert [i["status"] for i in api("GET", "/incidents?all=true", "ada.admin").json] == ["resolved"]
    twice = api("POST", f"/incidents/{incident_id}/retry", "ada.admin")
    assert twice.status_code == 409 and "already resolved" in twice.json["message"]
