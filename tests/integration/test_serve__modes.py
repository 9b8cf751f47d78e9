"""`reintegrate serve` outside development mode runs gunicorn (never Werkzeug's development server),
with its scheduler as a child process; `demo` runs only in development mode."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect

from engine.db import make_engine, upgrade
from tests.postgres_server import free_port

BIN = Path(sys.executable).parent


def _env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REINTEGRATE_")}
    return {**env, "REINTEGRATE_DATABASE_URL": db_url, "REINTEGRATE_SECRET_KEY": "a-test-secret-of-enough-length",
            **extra}


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            return urllib.request.urlopen(url, timeout=5)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


@pytest.mark.sqlite_only(reason="the scheduler's lock file, which names its process, exists on SQLite only")
def test_production_serve_runs_gunicorn_workers_and_a_scheduler_child(db_url, tmp_path):
    upgrade(make_engine(db_url))
    port = free_port()
    proc = subprocess.Popen([str(BIN / "reintegrate"), "serve", "--port", str(port)], cwd=tmp_path,
                            env=_env(db_url, REINTEGRATE_ENV="production", REINTEGRATE_WEB_WORKERS="2",
                                     REINTEGRATE_WEB_THREADS="3"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        response = _wait_for(f"http://127.0.0.1:{port}/healthz", proc)
        assert response.headers["Server"].startswith("gunicorn")
        lock = Path(db_url.removeprefix("sqlite:///") + ".scheduler.lock")
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.2)
        scheduler_pid = int(lock.read_text())
        os.kill(scheduler_pid, 0)  # the scheduler runs ...
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=60)[0]
    assert f"with gunicorn: 2 worker(s) x 3 thread(s), scheduler pid {scheduler_pid}" in output
    assert "Using worker: gthread" in output and "Werkzeug" not in output
    assert "Control socket" not in output  # none opened in the home folder
    with pytest.raises(ProcessLookupError):  # ... and stops with the server
        os.kill(scheduler_pid, 0)


def test_production_serve_refuses_without_gunicorn_rather_than_fall_back(run_cli, monkeypatch):
    monkeypatch.setenv("REINTEGRATE_ENV", "production")
    monkeypatch.delenv("REINTEGRATE_FAKE_NOW")
    monkeypatch.setitem(sys.modules, "gunicorn", None)  # as if the `serve` extra were not installed
    code, out, err = run_cli("serve", "--no-scheduler")
    assert (code, out) == (2, "")
    assert err == ("reintegrate: gunicorn is not installed (pip install 'reintegrate[serve]'); the development "
                   "server runs only with REINTEGRATE_ENV=dev\n")


@pytest.mark.parametrize("value", ["production", "", "prod"])
def test_demo_refuses_outside_development_mode_and_changes_nothing(run_cli, monkeypatch, db_url, value):
    monkeypatch.setenv("REINTEGRATE_ENV", value)
    monkeypatch.delenv("REINTEGRATE_FAKE_NOW")
    code, out, err = run_cli("demo")
    assert (code, out) == (2, "")
    assert err.startswith("reintegrate: demo runs only in development mode (REINTEGRATE_ENV=dev)")
    assert inspect(make_engine(db_url)).get_table_names() == []


def test_worker_and_thread_settings_must_be_whole_numbers(run_cli, monkeypatch):
    monkeypatch.setenv("REINTEGRATE_ENV", "production")
    monkeypatch.delenv("REINTEGRATE_FAKE_NOW")
    monkeypatch.setenv("REINTEGRATE_WEB_WORKERS", "many")
    code, _, err = run_cli("serve")
    assert code == 2 and err == "reintegrate: REINTEGRATE_WEB_WORKERS must be a whole number, not 'many'\n"


def test_demo_refuses_a_database_with_anything_but_demo_data(run_cli, db_url):
    assert run_cli("init-db")[0] == 0
    assert run_cli("user", "add", "real.person", "--role", "la_admissions", "--org", "Worcestershire County Council")[0] == 0
    code, out, err = run_cli("demo")
    assert (code, out) == (2, "")
    assert err.startswith(f"reintegrate: demo refuses {db_url}: it has accounts that are not demo accounts (real.person)")
    with make_engine(db_url).connect() as conn:
        from sqlalchemy import text
        assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["real.person"]  # nothing added


def test_demo_data_alone_or_nothing_is_demo_data(db_url, web_world):
    from cli.demo_data import not_demo_data
    from engine import accounts

    rt = web_world.runtime
    with rt.engine() as eng:  # web_world adds two accounts of its own beside the demo's
        for name in ("wes.wrong", "una.ap"):
            eng.session.delete(accounts.get_user(eng.session, name))
    assert not_demo_data(rt) is None
    with rt.engine() as eng:
        accounts.set_password(eng.session, "ada.admin", "a real admin's own long password")
    assert not_demo_data(rt) == "demo account ada.admin does not have the demo password"


def test_an_empty_database_is_fit_for_the_demo(db_url):
    from cli.demo_data import not_demo_data
    from engine.clock import SystemClock
    from engine.wiring import Runtime
    from schooling.policy import Policy

    assert not_demo_data(Runtime(url=db_url, clock=SystemClock(), policy=Policy(), registry=None)) is None


def test_production_serve_without_a_secret_key_stops_before_starting_anything(run_cli, monkeypatch):
    monkeypatch.setenv("REINTEGRATE_ENV", "production")
    monkeypatch.delenv("REINTEGRATE_FAKE_NOW")
    monkeypatch.delenv("REINTEGRATE_SECRET_KEY", raising=False)
    code, out, err = run_cli("serve")
    assert (code, out) == (2, "") and err.startswith("reintegrate: REINTEGRATE_SECRET_KEY is not set.")


def test_the_readme_s_way_to_serve_on_another_port_works(db_url, tmp_path):
    """README: `REINTEGRATE_PORT=8080 ... make demo` (the variable reaches `reintegrate demo`/`serve`)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "REINTEGRATE_PORT=8080 REINTEGRATE_BASE_URL=http://127.0.0.1:8080 make demo" in readme
    upgrade(make_engine(db_url))
    port = free_port()
    proc = subprocess.Popen([str(BIN / "reintegrate"), "serve", "--no-scheduler"], cwd=tmp_path,
                            env=_env(db_url, REINTEGRATE_ENV="dev", REINTEGRATE_PORT=str(port)),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/healthz", proc).status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=60)[0]
    assert f"Serving on http://127.0.0.1:{port}/" in output
