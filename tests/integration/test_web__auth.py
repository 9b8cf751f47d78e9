"""Sign in and out: hashed passwords, rate limit, CSRF on every form, session cookie flags, headers."""
from __future__ import annotations

import re

from cli.demo_data import DEMO_PASSWORD
from engine.models import User
from tests.web_helpers import csrf, post
from web import create_app


def _sign_in(client, name: str, password: str, **extra):
    return client.post("/sign-in", data={"name": name, "password": password, "csrf_token": csrf(client, "/sign-in"),
                                         **extra})


def test_wrong_password_is_refused_with_an_error_and_no_session(web_app):
    client = web_app.test_client()
    response = _sign_in(client, "hana.host", "not the password")
    assert response.status_code == 400
    assert "The user name or password is not right" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_passwords_are_stored_as_salted_scrypt_hashes(web_world):
    with web_world.runtime.engine() as eng:
        hashes = [u.password_hash for u in eng.session.query(User).all()]
    assert all(h.startswith("scrypt$") and DEMO_PASSWORD not in h for h in hashes)
    assert len(set(hashes)) == len(hashes)  # same password, different salt


def test_sign_in_then_out(web_app):
    client = web_app.test_client()
    response = _sign_in(client, "hana.host", DEMO_PASSWORD, next="/accessibility")
    assert response.status_code == 302 and response.location == "/accessibility"
    assert "hana.host (host school, Kingsmead High School)" in client.get("/").get_data(as_text=True)
    assert post(client, "/sign-out").status_code == 302
    assert client.get("/").status_code == 302


def test_next_never_leaves_the_site(web_app):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = _sign_in(web_app.test_client(), "hana.host", DEMO_PASSWORD, next=target)
        assert response.location == "/", target


def test_sign_in_is_rate_limited_per_ip_and_name(web_app):
    client = web_app.test_client()
    for _ in range(5):
        assert _sign_in(client, "hana.host", "wrong password!").status_code == 400
    blocked = _sign_in(client, "hana.host", DEMO_PASSWORD)
    assert blocked.status_code == 429 and "Too many failed sign-in attempts" in blocked.get_data(as_text=True)
    assert _sign_in(client, "lee.la", DEMO_PASSWORD).status_code == 302  # another name is not blocked


def test_forms_without_the_csrf_token_are_refused(web_app, signed_in, web_world):
    assert web_app.test_client().post("/sign-in", data={"name": "hana.host", "password": DEMO_PASSWORD}).status_code == 400
    client = signed_in("hana.host")
    case_id = web_world.case_with("interim_review_1")
    task = web_world.task_id(case_id, "interim_review_1")
    for path in ("/sign-out", f"/tasks/{task}", f"/tasks/{task}/claim", f"/cases/{case_id}/emergency-review"):
        response = client.post(path, data={"meeting_date-day": "1"})
        assert response.status_code == 400 and "expired" in response.get_data(as_text=True), path
    assert client.get("/").status_code == 200  # still signed in: the sign-out was refused


def test_session_cookie_flags_and_security_headers(web_app, web_world):
    client = web_app.test_client()
    response = _sign_in(client, "hana.host", DEMO_PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'<script nonce="{nonce}">' in page.get_data(as_text=True)
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "unsafe-eval" not in csp
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Content-Security-Policy"] != csp  # a fresh nonce per response


def test_cookies_are_secure_off_this_machine(web_world):
    web_world.runtime.base_url = "https://reintegration.la.example"
    client = create_app(web_world.runtime, {"TESTING": True}).test_client()
    https = {"base_url": "https://reintegration.la.example"}
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in", **https).get_data(as_text=True)).group(1)
    response = client.post("/sign-in", data={"name": "hana.host", "password": DEMO_PASSWORD, "csrf_token": token},
                           headers={"Referer": "https://reintegration.la.example/sign-in"}, **https)
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]
    assert "max-age" in client.get("/", **https).headers["Strict-Transport-Security"]


def test_api_needs_no_csrf_but_a_token(web_app):
    response = web_app.test_client().get("/api/v1/tasks")
    assert response.status_code == 401 and response.json["error"] == "unauthorised"
