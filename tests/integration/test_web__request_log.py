"""One JSON log line per request with a request id, the same id in the response header and on the
error page; nothing personal in any log line (no query string, no user name, no address, no exception
message), case ids only."""
from __future__ import annotations

import io
import json
import logging
import re

import pytest

from cli.demo_data import DEMO_PASSWORD
from engine import logs


@pytest.fixture
def log_lines():
    """The JSON lines the root logger writes while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_each_request_is_one_json_line_with_its_id_route_and_case(web_world, signed_in, log_lines):
    client = signed_in("ada.admin")
    case_id = web_world.placement
    response = client.get(f"/cases/{case_id}?q=Kim+Placement", headers={"X-Request-ID": "proxy-id-12345"})
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "proxy-id-12345"
    (line,) = [entry for entry in log_lines() if entry.get("request_id") == "proxy-id-12345"]
    assert line["event"] == "request" and line["logger"] == "reintegrate.request" and line["level"] == "info"
    assert (line["method"], line["route"], line["status"], line["case_id"]) == ("GET", "/cases/<case_id>", 200, case_id)
    assert isinstance(line["duration_ms"], float)
    text = json.dumps(log_lines())
    assert "Kim" not in text and "ada.admin" not in text and "127.0.0.1" not in text


def test_a_request_id_that_is_not_a_plain_token_is_replaced(web_app):
    response = web_app.test_client().get("/healthz", headers={"X-Request-ID": "<script>x</script>"})
    assert len(response.headers["X-Request-ID"]) == 16 and "<" not in response.headers["X-Request-ID"]


def test_an_error_page_shows_the_request_id_of_its_log_line(web_world, log_lines):
    from web import create_app

    app = create_app(web_world.runtime, {"TESTING": False})

    form = {"pupil": "Jordan Ellis", "parent": "parent@example.org"}

    @app.get("/boom/<case_id>")
    def boom(case_id):
        raise RuntimeError(f"{form['pupil']}'s form broke it; write to {form['parent']}")

    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").get_data(as_text=True)).group(1)
    assert client.post("/sign-in", data={"name": "ada.admin", "password": DEMO_PASSWORD, "csrf_token": token}).status_code == 302
    response = client.get("/boom/R-1234ABCD", headers={"X-Request-ID": "error-id-12345"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Sorry, there is a problem with the service" in page
    assert 'id="request-reference">Reference: <code>error-id-12345</code>' in page
    lines = [entry for entry in log_lines() if entry.get("request_id") == "error-id-12345"]
    assert [entry["event"] for entry in lines] == ["error", "request"]
    assert lines[0]["exception"].endswith("builtins.RuntimeError") and "in boom" in lines[0]["exception"]
    assert lines[1]["status"] == 500 and lines[1]["case_id"] == "R-1234ABCD"
    assert "Jordan" not in json.dumps(lines) and "parent@" not in json.dumps(lines)
    api = app.test_client().get("/api/v1/nothing-here")
    assert api.status_code in (401, 404)  # the API answers in JSON, as before


def test_addresses_are_scrubbed_from_any_log_line():
    record = logging.LogRecord("engine.scheduler", logging.WARNING, __file__, 1,
                               "outbox: message 3 refused: %s", ("kim.parent@example.org: 550 no such user",), None)
    assert json.loads(logs.JsonFormatter().format(record))["message"] == "outbox: message 3 refused: <address>: 550 no such user"
    assert logs.TextFormatter().format(record).endswith("outbox: message 3 refused: <address>: 550 no such user")
