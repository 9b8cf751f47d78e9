"""The API refuses oversized payloads, wrong content types and broken JSON with a JSON error, and
changes nothing: the case and its history are exactly as they were."""
from __future__ import annotations

import json


def _headers(web_world, name: str = "lee.la", content_type: str | None = "application/json") -> dict:
    headers = {"Authorization": f"Bearer {web_world.tokens[name]}"}
    if content_type:
        headers["Content-Type"] = content_type
    return headers


def _snapshot(client, web_world, case_id: str):
    shown = client.get(f"/api/v1/cases/{case_id}", headers=_headers(web_world, "ada.admin")).get_json()
    history = client.get(f"/api/v1/cases/{case_id}/history", headers=_headers(web_world, "ada.admin")).get_json()
    return shown, len(history)


BAD_BODIES = {
    "broken JSON": ("application/json", b'{"data": {"x": '),
    "JSON that is not an object": ("application/json", b'[1, 2, 3]'),
    "a string": ("application/json", b'"data"'),
    "not UTF-8": ("application/json", b'{"data": "\xff\xfe"}'),
    "form-encoded": ("application/x-www-form-urlencoded", b"data=1"),
    "text/plain JSON": ("text/plain", json.dumps({"data": {}}).encode()),
    "no content type": (None, json.dumps({"data": {}}).encode()),
    "XML": ("application/xml", b"<data/>"),
}


def test_bad_bodies_are_422_in_json_and_change_nothing(web_app, web_world):
    client = web_app.test_client()
    case_id = web_world.case_with("record_fair_access_decision")
    task_id = web_world.task_id(case_id, "record_fair_access_decision")
    before = _snapshot(client, web_world, case_id), _snapshot(client, web_world, web_world.placement)
    for kind, (content_type, body) in BAD_BODIES.items():
        for path in (f"/api/v1/tasks/{task_id}/complete", "/api/v1/cases",
                     f"/api/v1/cases/{web_world.placement}/messages/emergency_review_requested"):
            response = client.post(path, data=body, headers=_headers(web_world, content_type=content_type))
            assert response.status_code == 422, (kind, path, response.status_code, response.get_data(as_text=True)[:300])
            error = response.get_json()
            assert error["error"] == "invalid_data" and "JSON object" in error["message"], (kind, error)
    assert (_snapshot(client, web_world, case_id), _snapshot(client, web_world, web_world.placement)) == before


def test_a_message_without_a_body_is_one_without_data(web_app, web_world):
    client = web_app.test_client()
    response = client.post(f"/api/v1/cases/{web_world.placement}/messages/emergency_review_requested",
                           headers=_headers(web_world, "hana.host", content_type=None))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["emergency_review_requested"] == {}


def test_an_oversized_payload_is_413_in_json_and_changes_nothing(web_app, web_world):
    client = web_app.test_client()
    case_id = web_world.case_with("record_fair_access_decision")
    task_id = web_world.task_id(case_id, "record_fair_access_decision")
    before = _snapshot(client, web_world, case_id)
    huge = json.dumps({"data": {"notes": "x" * (web_app.config["MAX_CONTENT_LENGTH"] + 1)}})
    response = client.post(f"/api/v1/tasks/{task_id}/complete", data=huge, headers=_headers(web_world))
    assert response.status_code == 413
    assert response.get_json()["status"] == 413
    assert _snapshot(client, web_world, case_id) == before
    # the web form too (the session's pages render Werkzeug's error page)
    assert web_app.test_client().post("/sign-in", data={"name": "x" * (3 * 1024 * 1024)}).status_code == 413


def test_bad_task_list_parameters_are_422_not_ignored(web_app, web_world):
    client = web_app.test_client()
    # "9" * 30 was a 500 before: an OFFSET too big for SQLite's integer
    for query in ("page=0", "page=-1", "page=1.5", "page=%EF%BC%91", "page=" + "9" * 30, "per_page=101",
                  "per_page=", "scope=everyone", "overdue=yes", "order=due;drop"):
        response = client.get(f"/api/v1/tasks?{query}", headers=_headers(web_world))
        assert response.status_code == 422, (query, response.get_data(as_text=True))
        assert response.get_json()["errors"], query
    assert client.get("/api/v1/tasks?page=2&per_page=100&overdue=false", headers=_headers(web_world)).status_code == 200


def test_a_large_but_allowed_text_is_stored_or_refused_by_the_form_not_the_server(web_app, web_world):
    client = web_app.test_client()
    case_id = web_world.case_with("record_fair_access_decision")
    task_id = web_world.task_id(case_id, "record_fair_access_decision")
    body = {"data": {"no_such_field": "y" * 500_000}}
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=_headers(web_world))
    assert response.status_code == 422 and "no_such_field" in response.get_json()["errors"]
