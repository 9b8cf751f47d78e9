"""`/healthz` answers while the process runs; `/readyz` says whether it can serve: the database
reachable and its schema at the code's migration head (503 with the reason otherwise). No sign-in."""
from __future__ import annotations

from datetime import timedelta

from engine.clock import FixedClock
from engine.db import make_engine, session_factory, upgrade
from engine.heartbeat import beat
from engine.operations import head_revision
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy
from tests.conftest import WEB_NOW
from web import create_app


def _client(url: str):
    rt = Runtime(url=url, clock=FixedClock(WEB_NOW), policy=load_policy(), registry=default_registry())
    return create_app(rt, {"TESTING": True}).test_client()


def test_healthz_and_readyz_on_a_current_schema_with_a_scheduler(db_url):
    upgrade(make_engine(db_url))
    client = _client(db_url)
    assert client.get("/healthz").get_json() == {"status": "ok"}
    waiting = client.get("/readyz")
    assert waiting.status_code == 503
    assert waiting.get_json()["checks"]["scheduler"]["error"] == "no scheduler has ever run: start `reintegrate scheduler`"
    with session_factory(make_engine(db_url))() as s:
        beat(s, "host-a:1", WEB_NOW - timedelta(seconds=40))
        s.commit()
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    checks = ready.get_json()["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["schema"] == {"ok": True, "revision": head_revision(), "expected": head_revision()}
    assert checks["scheduler"] == {"ok": True, "alive": 1, "last_beat": (WEB_NOW - timedelta(seconds=40)).isoformat()}


def test_readyz_is_503_before_init_db_and_on_an_old_schema(db_url):
    client = _client(db_url)
    assert client.get("/healthz").status_code == 200
    empty = client.get("/readyz")
    assert empty.status_code == 503
    assert empty.get_json()["checks"]["schema"]["error"] == "no schema: run `reintegrate init-db`"
    upgrade(make_engine(db_url), "0005")
    old = client.get("/readyz").get_json()["checks"]["schema"]
    assert old["ok"] is False and old["error"] == f"schema at 0005, code expects {head_revision()}: run `reintegrate init-db`"


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path):
    client = _client(f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["ok"] is False
    assert "unable to open database file" in response.get_json()["checks"]["database"]["error"]
