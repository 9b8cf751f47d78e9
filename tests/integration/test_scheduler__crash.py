"""The scheduler killed (kill -9) in the middle of firing: after a restart every due timer has fired
exactly once and no email is duplicated."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from engine.clock import FixedClock
from engine.models import Case, HistoryEvent, OutboxMessage
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy
from tests.conftest import FIXTURES, ROOT

CASES = 400
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _cli(url: str, now: datetime, *args: str) -> subprocess.Popen:
    env = {**os.environ, "REINTEGRATE_DATABASE_URL": url, "REINTEGRATE_ENV": "test",
           "REINTEGRATE_FAKE_NOW": now.isoformat()}
    return subprocess.Popen([sys.executable, "-m", "cli.main", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _count(rt: Runtime, query) -> int:
    with rt.sessions() as s:
        return s.scalar(query)


def test_kill_9_mid_firing_then_restart_fires_each_timer_once(db_url):
    url = db_url
    rt = Runtime(url=url, clock=FixedClock(T0), policy=load_policy(), registry=default_registry())
    rt.upgrade()
    bpmn = FIXTURES / "timer_mail.bpmn"
    with rt.engine() as eng:
        eng.deploy(bpmn.read_bytes(), str(bpmn), "system")
    for i in range(CASES):
        with rt.engine() as eng:
            eng.start_case("timer_mail", {"pupil_name": f"Pupil {i}", "due_date": "2026-03-04"}, "system")
    fired = select(func.count()).select_from(HistoryEvent).where(HistoryEvent.kind == "timer_fired")

    first = _cli(url, T0 + timedelta(days=2), "timers", "fire")
    deadline = time.monotonic() + 60
    while _count(rt, fired) < 20 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    done_at_kill = _count(rt, fired)
    assert 0 < done_at_kill < CASES, f"the kill should land mid-run, but {done_at_kill} of {CASES} had fired"

    # The dead worker's claims hold until their lease expires; then a new scheduler takes over.
    second = _cli(url, T0 + timedelta(days=2, minutes=6), "timers", "fire", "--json")
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err

    assert _count(rt, fired) == CASES
    per_case = (select(HistoryEvent.case_id).where(HistoryEvent.kind == "timer_fired")
                .group_by(HistoryEvent.case_id).having(func.count() > 1))
    assert _count(rt, select(func.count()).select_from(per_case.subquery())) == 0
    assert _count(rt, select(func.count()).select_from(Case).where(Case.status == "completed")) == CASES
    assert _count(rt, select(func.count()).select_from(OutboxMessage)) == CASES
    assert _count(rt, select(func.count(func.distinct(OutboxMessage.case_id)))) == CASES
