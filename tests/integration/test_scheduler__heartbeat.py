"""Scheduler heartbeats: a running `reintegrate scheduler` records a beat on every poll; once it stops
and no beat is newer than REINTEGRATE_SCHEDULER_STALE_SECONDS (5 minutes), admins see a banner on
every page, `/readyz` answers 503 and `reintegrate status` exits 1 saying so."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from engine.heartbeat import SchedulerHeartbeat
from tests.conftest import WEB_NOW

BIN = Path(sys.executable).parent


def _beats(rt) -> list[SchedulerHeartbeat]:
    with rt.sessions() as s:
        return s.scalars(select(SchedulerHeartbeat)).all()


def _start_scheduler(db_url: str, tmp_path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REINTEGRATE_")}
    env |= {"REINTEGRATE_DATABASE_URL": db_url, "REINTEGRATE_ENV": "test", "REINTEGRATE_FAKE_NOW": WEB_NOW.isoformat()}
    return subprocess.Popen([str(BIN / "reintegrate"), "scheduler", "--interval", "1"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_stopped_scheduler_shows_as_a_banner_to_admins_and_fails_readyz(web_world, web_app, signed_in, tmp_path,
                                                                          run_cli, monkeypatch):
    rt = web_world.runtime
    admin, school = signed_in("ada.admin"), signed_in("hana.host")
    never = admin.get("/").get_data(as_text=True)
    assert 'id="scheduler-warning"' in never and "No scheduler has run yet." in never
    proc = _start_scheduler(rt.url, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not any(b.passes >= 2 for b in _beats(rt)) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read()
            time.sleep(0.2)
        (running,) = _beats(rt)
        assert running.passes >= 2 and running.beat_at == WEB_NOW and running.stopped_at is None
        assert 'id="scheduler-warning"' not in admin.get("/").get_data(as_text=True)
        assert web_app.test_client().get("/readyz").status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, output
    (stopped,) = _beats(rt)
    assert stopped.stopped_at == WEB_NOW and f"scheduler {stopped.name} stopped" in output

    rt.clock.set(WEB_NOW + timedelta(minutes=5))  # the last beat is exactly 5 minutes old: still counted
    assert 'id="scheduler-warning"' not in admin.get("/").get_data(as_text=True)
    rt.clock.set(WEB_NOW + timedelta(minutes=5, seconds=1))
    page = admin.get("/").get_data(as_text=True)
    assert 'id="scheduler-warning"' in page and "No scheduler is running" in page
    assert f"The last scheduler ({stopped.name}) ran at 23 November 2026, 09:00," in page  # England's time (GMT in November)
    assert "more than 5 minutes ago." in page and "Deadlines, reminders and escalations are not being processed" in page
    assert 'id="scheduler-warning"' not in school.get("/").get_data(as_text=True)  # admins only
    ready = web_app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["scheduler"]["ok"] is False

    monkeypatch.setenv("REINTEGRATE_DATABASE_URL", rt.url)
    monkeypatch.setenv("REINTEGRATE_FAKE_NOW", (WEB_NOW + timedelta(minutes=6)).isoformat())
    code, out, _ = run_cli("status")
    assert code == 1 and f"{stopped.name}: stopped at" in out
    assert out.rstrip().splitlines()[-1].startswith("ATTENTION: no scheduler has run for more than 5 minutes")
