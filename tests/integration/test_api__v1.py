"""The REST API under /api/v1: bearer tokens, the web app's access rules, JSON errors, OpenAPI."""
from __future__ import annotations

import pytest

from cli.scenarios import EMERGENCY_REVIEW_END, START_DATA

ENDED_TODAY = {**EMERGENCY_REVIEW_END, "meeting_date": "2026-11-23"}  # the web tests' today: held, not planned


@pytest.fixture
def api(web_app, web_world):
    client = web_app.test_client()

    def call(method: str, path: str, user: str | None, json=None):
        headers = {"Authorization": f"Bearer {web_world.tokens[user]}"} if user else {}
        return client.open(f"/api/v1{path}", method=method, json=json, headers=headers)

    return call


def test_no_token_or_a_wrong_one_is_401_in_json(api, web_app):
    assert api("GET", "/tasks", None).status_code == 401
    wrong = web_app.test_client().get("/api/v1/tasks", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json["message"] == "this API token is not valid, has expired or was revoked"
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")


def test_openapi_document_lists_every_route(api):
    doc = api("GET", "/openapi.json", None).json
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/cases", "/cases/{case_id}", "/cases/{case_id}/messages/{name}",
                                 "/cases/{case_id}/history", "/tasks", "/tasks/{task_id}",
                                 "/tasks/{task_id}/complete", "/organisations", "/incidents",
                                 "/incidents/{incident_id}/retry"}
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_task_list_is_the_users_lane_and_organisation(api, web_world):
    host = api("GET", "/tasks", "hana.host").json
    with web_world.runtime.engine() as eng:
        expected = {t["task_id"] for t in eng.list_tasks(lane="host_school")}  # every host case is Kingsmead's
    assert host["total"] == len(expected) >= 1 and {t["task_id"] for t in host["items"]} == expected
    assert api("GET", "/tasks", "wes.wrong").json["total"] == 0
    assert api("GET", "/tasks?per_page=2&page=2", "ada.admin").json["items"].__len__() == 2


def test_complete_a_task_invalid_then_valid_then_stale(api, web_world):
    case_id = web_world.case_with("interim_review_1")
    task = web_world.task_id(case_id, "interim_review_1")
    shown = api("GET", f"/tasks/{task}", "hana.host").json
    assert shown["form"][0]["id"] == "meeting_date"
    bad = api("POST", f"/tasks/{task}/complete", "hana.host", {"data": {"meeting_date": "2026-02-31"}})
    assert bad.status_code == 422 and "meeting_date" in bad.json["errors"]
    assert api("POST", f"/tasks/{task}/complete", "aud.auditor", {"data": {}}).status_code == 403
    assert api("POST", f"/tasks/{task}/complete", "wes.wrong", {"data": {}}).status_code == 404
    assert api("POST", f"/tasks/{task}/complete", "ava.ap", {"data": {}}).status_code == 403
    ok = api("POST", f"/tasks/{task}/complete", "hana.host", {"data": {"meeting_date": "2026-11-20"}})
    assert ok.status_code == 200 and "interim_review_2" in {t["task"] for t in ok.json["ready_tasks"]}
    stale = api("POST", f"/tasks/{task}/complete", "hana.host", {"data": {"meeting_date": "2026-11-20"}})
    assert stale.status_code == 409 and "hana.host completed it" in stale.json["message"]
    assert api("POST", f"/tasks/{task}/complete", "wes.wrong", {"data": {}}).status_code == 404
    assert api("POST", "/tasks/nope/complete", "hana.host", {"data": {}}).status_code == 404


def test_a_task_withdrawn_when_the_case_moved_on_is_a_conflict_that_says_so(api, web_world):
    case_id = web_world.case_with("interim_review_1")
    review = web_world.task_id(case_id, "interim_review_1")
    sent = api("POST", f"/cases/{case_id}/messages/emergency_review_requested", "hana.host",
               {"data": {"reason": "A fight"}})
    assert sent.status_code == 200
    emergency = web_world.task_id(case_id, "hold_emergency_review")
    ended = api("POST", f"/tasks/{emergency}/complete", "hana.host", {"data": ENDED_TODAY})
    assert ended.status_code == 200 and "interim_review_1" not in {t["task"] for t in ended.json["ready_tasks"]}
    late = api("POST", f"/tasks/{review}/complete", "hana.host", {"data": {"meeting_date": "2026-11-20"}})
    assert late.status_code == 409 and late.json["error"] == "conflict"
    assert "withdrawn" in late.json["message"] and case_id in late.json["message"]
    again = api("POST", f"/tasks/{emergency}/complete", "hana.host", {"data": ENDED_TODAY})
    assert again.status_code == 409 and "hana.host completed it" in again.json["message"]
    assert api("POST", f"/tasks/{review}/complete", "wes.wrong", {"data": {}}).status_code == 404  # not even that


def test_cases_show_history_message_and_start(api, web_world):
    case_id = web_world.case_with("interim_review_1")
    assert api("GET", f"/cases/{case_id}", "lee.la").json["status"] == "running"
    assert api("GET", f"/cases/{case_id}", "una.ap").status_code == 404
    events = api("GET", f"/cases/{case_id}/history", "aud.auditor").json
    assert events[0]["kind"] == "case_started"
    assert api("GET", f"/cases/{case_id}/history", "wes.wrong").status_code == 404
    assert api("POST", f"/cases/{case_id}/messages/emergency_review_requested", "aud.auditor", {}).status_code == 403
    sent = api("POST", f"/cases/{case_id}/messages/emergency_review_requested", "hana.host",
               {"data": {"reason": "A fight"}})
    assert sent.status_code == 200 and "hold_emergency_review" in {t["task"] for t in sent.json["ready_tasks"]}
    other = api("POST", f"/cases/{web_world.other_case}/messages/emergency_review_requested", "una.ap", {})
    assert other.status_code == 409 and other.json["error"] == "conflict"
    started = api("POST", "/cases", "ava.ap", {"process": "reintegration", "data": {**START_DATA, "pupil_name": "New Pupil"}})
    assert started.status_code == 201 and started.json["ready_tasks"][0]["task"] == "record_parental_consent"
    assert api("POST", "/cases", "ava.ap", {"process": "reintegration", "data": {}}).status_code == 422
    assert api("POST", "/cases", "una.ap", {"process": "reintegration", "data": START_DATA}).status_code == 403
    assert api("POST", "/cases", "aud.auditor", {"process": "reintegration", "data": START_DATA}).status_code == 403
    assert api("POST", "/cases", "ava.ap", ["not", "an object"]).status_code == 422
