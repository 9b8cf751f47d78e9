"""Server-side sessions: the cookie holds a random id only; signing out, idling past the policy's limit
or outliving the session's lifetime ends it on the server, so the same cookie afterwards gets the
sign-in page (pages and CSV downloads alike)."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from cli.demo_data import DEMO_PASSWORD
from engine.auth_models import WebSession
from tests.web_helpers import csrf, post

CSV = "/reports/weightings/export.csv?year=2026/27"


def _cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(web_app, cookie: str):
    """A fresh browser presenting a copied cookie."""
    client = web_app.test_client()
    client.set_cookie("session", cookie)
    return client


def _rows(web_world) -> list[WebSession]:
    with web_world.runtime.sessions() as s:
        return list(s.scalars(select(WebSession)))


def test_the_cookie_is_a_random_id_and_the_database_keeps_only_its_digest(signed_in, web_world):
    client = signed_in("lee.la")
    cookie = _cookie(client)
    assert len(cookie) >= 43 and "." not in cookie and "lee" not in cookie
    rows = [r for r in _rows(web_world) if r.user_id is not None]
    assert [r.id_hash for r in rows] == [hashlib.sha256(cookie.encode()).hexdigest()]
    assert cookie not in str([(r.id_hash, r.data) for r in _rows(web_world)])


def test_signing_in_starts_a_new_session(web_app, web_world):
    client = web_app.test_client()
    client.get("/sign-in")
    before = _cookie(client)  # a session before sign-in, holding the form's CSRF token
    response = client.post("/sign-in", data={"name": "lee.la", "password": DEMO_PASSWORD,
                                             "csrf_token": csrf(client, "/sign-in")})
    assert response.status_code == 302
    assert _cookie(client) != before
    assert _replay(web_app, before).get("/").status_code == 302  # the old id opens nothing


def test_after_sign_out_the_old_cookie_gets_the_sign_in_page(web_app, signed_in):
    client = signed_in("lee.la")
    cookie = _cookie(client)
    assert _replay(web_app, cookie).get(CSV).status_code == 200
    response = post(client, "/sign-out")
    assert response.status_code == 302 and response.location == "/signed-out"
    assert "You have signed out" in client.get("/signed-out").get_data(as_text=True)
    for path in ("/", CSV, "/reports"):
        stale = _replay(web_app, cookie).get(path)
        assert stale.status_code == 302 and stale.location.startswith("/sign-in"), path


def test_a_session_idle_past_the_policy_limit_ends(web_app, signed_in, web_world):
    clock, idle = web_world.runtime.clock, web_world.runtime.policy.session_idle_minutes
    assert idle == 30
    client = signed_in("lee.la")
    for _ in range(3):  # used every 29 minutes: stays
        clock.advance(minutes=idle - 1)
        assert client.get("/").status_code == 200
    clock.advance(minutes=idle)
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_a_busy_session_still_ends_at_its_lifetime(web_app, signed_in, web_world):
    clock, hours = web_world.runtime.clock, web_world.runtime.policy.session_lifetime_hours
    client = signed_in("lee.la")
    for _ in range(hours * 3 - 1):
        clock.advance(minutes=20)
        assert client.get("/").status_code == 200
    clock.advance(minutes=20)
    assert client.get("/").status_code == 302


def test_pages_for_signed_in_people_are_not_stored(signed_in):
    client = signed_in("lee.la")
    for path in ("/", "/reports", CSV, "/signed-out"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_expired_sessions_are_deleted_when_a_new_one_starts(web_app, signed_in, web_world):
    signed_in("lee.la")
    signed_in("hana.host")
    assert len([r for r in _rows(web_world) if r.user_id]) == 2
    web_world.runtime.clock.advance(minutes=web_world.runtime.policy.session_idle_minutes)
    web_app.test_client().get("/sign-in")  # a new visitor's session
    assert [r.user_id for r in _rows(web_world)] == [None]
