"""The production entry point builds the app from the environment."""
from __future__ import annotations

import importlib
import sys


def test_wsgi_app_from_the_environment(db_url, monkeypatch):
    from engine.db import make_engine, upgrade

    upgrade(make_engine(db_url))
    monkeypatch.setenv("REINTEGRATE_DATABASE_URL", db_url)
    monkeypatch.setenv("REINTEGRATE_SECRET_KEY", "a-test-secret-of-enough-length")
    sys.modules.pop("web.wsgi", None)
    wsgi = importlib.import_module("web.wsgi")
    client = wsgi.app.test_client()
    assert client.get("/accessibility").status_code == 200
    assert client.get("/").status_code in (302, 303)  # to sign in
    assert wsgi.app.extensions["runtime"].url == db_url
