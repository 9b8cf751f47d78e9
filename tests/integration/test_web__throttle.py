"""Sign-in throttling in the database: every worker counts the same failures; an address that fails on
one name, or on many names, is held back, but nobody else is: a stranger cannot lock a real user out,
even when both come through the same proxy (REINTEGRATE_TRUSTED_PROXIES)."""
from __future__ import annotations

import pytest

from cli.demo_data import DEMO_PASSWORD
from tests.web_helpers import csrf
from web import create_app


def _try(app, name: str, password: str, address: str = "192.0.2.10", forwarded: str | None = None):
    client = app.test_client()
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    base = {"REMOTE_ADDR": address}
    token = csrf(client, "/sign-in")
    return client.post("/sign-in", data={"name": name, "password": password, "csrf_token": token},
                       headers=headers, environ_base=base)


def test_failures_are_counted_across_workers(web_world):
    workers = [create_app(web_world.runtime, {"TESTING": True}) for _ in range(2)]
    for attempt in range(5):
        assert _try(workers[attempt % 2], "hana.host", "wrong password!!").status_code == 400
    for worker in workers:
        assert _try(worker, "hana.host", DEMO_PASSWORD).status_code == 429


def test_a_stranger_behind_the_same_proxy_cannot_lock_a_user_out(web_world):
    app = create_app(web_world.runtime, {"TESTING": True, "TRUSTED_PROXIES": 1})
    for _ in range(5):
        assert _try(app, "hana.host", "wrong password!!", "127.0.0.1", "203.0.113.9").status_code == 400
    assert _try(app, "hana.host", DEMO_PASSWORD, "127.0.0.1", "203.0.113.9").status_code == 429
    assert _try(app, "hana.host", DEMO_PASSWORD, "127.0.0.1", "198.51.100.4").status_code == 302


def test_an_address_trying_many_names_is_held_back_and_nobody_else(web_app, web_world):
    for n in range(20):
        assert _try(web_app, f"someone.{n}", "a guessed password", "203.0.113.50").status_code == 400
    refused = _try(web_app, "lee.la", DEMO_PASSWORD, "203.0.113.50")
    assert refused.status_code == 429 and "Too many failed sign-in attempts" in refused.get_data(as_text=True)
    assert _try(web_app, "lee.la", DEMO_PASSWORD, "203.0.113.51").status_code == 302
    web_world.runtime.clock.advance(minutes=15)
    assert _try(web_app, "lee.la", DEMO_PASSWORD, "203.0.113.50").status_code == 302


def test_a_correct_password_clears_that_names_failures_from_that_address(web_app):
    for _ in range(4):
        _try(web_app, "lee.la", "wrong password!!")
    assert _try(web_app, "lee.la", DEMO_PASSWORD).status_code == 302
    for _ in range(4):
        assert _try(web_app, "lee.la", "wrong password!!").status_code == 400


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(web_app):
    for n in range(5):
        _try(web_app, "hana.host", "wrong password!!", "192.0.2.77", f"198.51.100.{n}")
    assert _try(web_app, "hana.host", DEMO_PASSWORD, "192.0.2.77", "198.51.100.200").status_code == 429


def test_the_proxy_setting_comes_from_the_environment(web_world, monkeypatch):
    monkeypatch.setenv("REINTEGRATE_TRUSTED_PROXIES", "1")
    assert create_app(web_world.runtime).config["TRUSTED_PROXIES"] == 1
    monkeypatch.setenv("REINTEGRATE_TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="REINTEGRATE_TRUSTED_PROXIES must be a number"):
        create_app(web_world.runtime)
