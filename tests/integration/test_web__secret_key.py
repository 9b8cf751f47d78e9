"""REINTEGRATE_SECRET_KEY: production refuses to start without it (each worker would otherwise sign
cookies and forms its own way); development makes one up and says so; with it, every worker accepts
the others' sessions and forms."""
from __future__ import annotations

import importlib
import logging
import sys

import pytest

from cli.demo_data import DEMO_PASSWORD
from tests.web_helpers import csrf
from web import MissingSecretKey, create_app, secret_key


def test_production_refuses_to_start_without_a_key(web_world, monkeypatch, db_url):
    monkeypatch.delenv("REINTEGRATE_SECRET_KEY")
    monkeypatch.setenv("REINTEGRATE_ENV", "production")
    with pytest.raises(MissingSecretKey, match="REINTEGRATE_SECRET_KEY is not set"):
        create_app(web_world.runtime)
    monkeypatch.delenv("REINTEGRATE_ENV")  # unset is production too
    monkeypatch.setenv("REINTEGRATE_DATABASE_URL", db_url)
    sys.modules.pop("web.wsgi", None)
    with pytest.raises(MissingSecretKey):
        importlib.import_module("web.wsgi")  # gunicorn's workers fail to boot, with the reason


def test_serve_says_why_in_one_line(run_cli, monkeypatch):
    monkeypatch.delenv("REINTEGRATE_SECRET_KEY")
    monkeypatch.delenv("REINTEGRATE_FAKE_NOW")
    monkeypatch.setenv("REINTEGRATE_ENV", "production")
    code, out, err = run_cli("serve", "--no-scheduler", "--port", "1")
    assert code == 2 and out == "" and "REINTEGRATE_SECRET_KEY is not set" in err and len(err.strip().splitlines()) == 1


def test_development_makes_one_up_and_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="web"):
        first = secret_key({"REINTEGRATE_ENV": "dev"})
    assert len(first) == 64 and first != secret_key({"REINTEGRATE_ENV": "test"})
    assert "REINTEGRATE_SECRET_KEY is not set: made up a key for this process" in caplog.text
    assert secret_key({"REINTEGRATE_SECRET_KEY": " shared ", "REINTEGRATE_ENV": "production"}) == "shared"


def test_workers_with_the_key_share_sessions_and_forms(web_world):
    one, two = (create_app(web_world.runtime, {"TESTING": True}).test_client() for _ in range(2))
    token = csrf(one, "/sign-in")
    two.set_cookie("session", one.get_cookie("session").value)
    signed_in = two.post("/sign-in", data={"name": "lee.la", "password": DEMO_PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302  # a form from worker one, accepted by worker two
    one.set_cookie("session", two.get_cookie("session").value)
    assert one.get("/").status_code == 200 and two.get("/").status_code == 200
