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


def test_an_emergency_review_without_a_reason_is_422_naming_the_field_and_changes_nothing(web_app, web_world,
                                                                                           run_cli):
    """The web form asks why an emergency review is needed; the API and the command line refuse a request without
    a reason as it does: no body, empty data, a blank reason."""
    client = web_app.test_client()
    path = f"/api/v1/cases/{web_world.placement}/messages/emergency_review_requested"
    before = _snapshot(client, web_world, web_world.placement)
    for body in (None, {}, {"data": {}}, {"data": {"reason": "   "}}):
        sent = {} if body is None else {"json": body}
        response = client.post(path, headers=_headers(web_world, "omar.home", content_type=None), **sent)
        assert response.status_code == 422, (body, response.get_data(as_text=True)[:300])
        error = response.get_json()
        assert error["errors"] == {"reason": "Enter why an emergency review is needed"}, (body, error)
        assert "reason: Enter why an emergency review is needed" in error["message"]
    code, _, err = run_cli("case", "message", web_world.placement, "emergency_review_requested", "--as", "omar.home")
    assert code == 2 and "reason: Enter why an emergency review is needed" in err
    assert _snapshot(client, web_world, web_world.placement) == before
    sent = client.post(path, json={"data": {"reason": "Two fights this week"}},
                       headers=_headers(web_world, "omar.home", content_type=None))
    assert sent.status_code == 200, sent.get_data(as_text=True)
    assert sent.get_json()["data"]["emergency_review_requested"] == {"reason": "Two fights this week"}


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


def _complete_body(field: str, value) -> bytes:
    from cli.scenarios import HAPPY_PATH

    data = {**HAPPY_PATH["record_fair_access_decision"], field: "PLACEHOLDER"}
    return json.dumps({"data": data}).replace('"PLACEHOLDER"', value).encode()


def test_a_lone_surrogate_anywhere_in_the_json_is_422_and_changes_nothing(web_app, web_world):
    # "\ud800" is valid JSON but no text a database or a mail header takes: it was a 500 on storing it
    client = web_app.test_client()
    case_id = web_world.case_with("record_fair_access_decision")
    task_id = web_world.task_id(case_id, "record_fair_access_decision")
    before = _snapshot(client, web_world, case_id), _snapshot(client, web_world, web_world.placement)
    from cli.scenarios import START_DATA

    start = json.dumps({"process": "reintegration", "data": {**START_DATA, "pupil_name": "PLACEHOLDER"}})
    for path, body in ((f"/api/v1/tasks/{task_id}/complete", _complete_body("host_school", '"Host \\ud800"')),
                       (f"/api/v1/tasks/{task_id}/complete", b'{"data": {"\\udfff": 1}}'),
                       ("/api/v1/cases", start.replace('"PLACEHOLDER"', '"Jo \\ud800"').encode()),
                       (f"/api/v1/cases/{web_world.placement}/messages/emergency_review_requested",
                        b'{"data": {"reason": "\\ud800"}}')):
        response = client.post(path, data=body, headers=_headers(web_world, "ada.admin"))
        assert response.status_code == 422, (path, response.status_code, response.get_data(as_text=True)[:300])
        error = response.get_json()
        assert error["error"] == "invalid_data" and "lone surrogate" in error["message"], error
    assert (_snapshot(client, web_world, case_id), _snapshot(client, web_world, web_world.placement)) == before


def test_json_nested_thousands_deep_is_422_not_a_500(web_app, web_world):
    client = web_app.test_client()
    case_id = web_world.case_with("record_fair_access_decision")
    task_id = web_world.task_id(case_id, "record_fair_access_decision")
    before = _snapshot(client, web_world, case_id)
    for body in (b'{"data": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                 b'{"data": {"x": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}}",
                 b'{"data": {"x": ' + b"[" * 40 + b"]" * 40 + b"}}"):
        response = client.post(f"/api/v1/tasks/{task_id}/complete", data=body, headers=_headers(web_world))
        assert response.status_code == 422, response.get_data(as_text=True)[:300]
        assert "nested" in response.get_json()["message"]
    assert _snapshot(client, web_world, case_id) == before


def test_a_page_number_past_any_database_on_the_web_task_list_is_400(signed_in):
    client = signed_in("lee.la")
    response = client.get("/?page=99999999999999999999999")  # was a 500: SQLite's integer overflowed
    assert response.status_code == 400 and "There is no page" in response.get_data(as_text=True)
    assert client.get("/?page=2").status_code == 200


def test_a_line_break_in_next_on_sign_in_is_no_500(web_app):
    import re

    from cli.demo_data import DEMO_PASSWORD

    client = web_app.test_client()
    assert client.get("/sign-in?next=/%0d%0aSet-Cookie:%20x=1").status_code == 200
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"name": "lee.la", "password": DEMO_PASSWORD, "csrf_token": token,
                                             "next": "/\r\nSet-Cookie: x=1"})
    assert response.status_code == 302 and "\n" not in response.headers["Location"]
    assert "x=1" not in response.headers.get("Set-Cookie", "")
