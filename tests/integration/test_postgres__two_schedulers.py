"""Two `reintegrate timers fire` processes on one PostgreSQL database share the due timers through
`FOR UPDATE SKIP LOCKED` leases: every case's timer fires exactly once, and both did some of the work."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.models import Case, HistoryEvent
from tests.conftest import FIXTURES, ROOT

CASES = 1000
BATCH = 100  # cases started per transaction: the set-up is not what this test measures


def _reintegrate() -> list[str]:
    script = Path(sys.executable).with_name("reintegrate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]


@pytest.mark.postgresql_only(reason="several schedulers on one database need row locks (SKIP LOCKED); "
                                    "on SQLite only one scheduler may run")
def test_two_schedulers_fire_each_timer_exactly_once(harness, db_url):
    harness.deploy(FIXTURES / "timer_only.bpmn")
    case_ids = []
    for first in range(0, CASES, BATCH):
        with harness.transaction() as eng:
            case_ids += [eng.start_case("timer_only", {"pupil_name": f"Pupil {i}"}, "ava.ap")["case_id"]
                         for i in range(first, first + BATCH)]
    assert len(set(case_ids)) == CASES

    env = {**os.environ, "REINTEGRATE_DATABASE_URL": db_url, "REINTEGRATE_ENV": "test",
           "REINTEGRATE_FAKE_NOW": (harness.clock.now() + timedelta(days=3, minutes=1)).isoformat()}
    workers = [subprocess.Popen([*_reintegrate(), "timers", "fire", "--json"], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [w.communicate(timeout=120) for w in workers]
    for worker, (_, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
    reports = [json.loads(out) for out, _ in results]

    fired_by = [[f["case_id"] for f in r["fired"]] for r in reports]
    assert all(r["failed"] == [] for r in reports)
    assert all(fired for fired in fired_by), f"one scheduler did nothing: {[len(f) for f in fired_by]}"
    assert not set(fired_by[0]) & set(fired_by[1]), "a case was fired by both schedulers"
    assert sorted(fired_by[0] + fired_by[1]) == sorted(case_ids)
    assert {f["task"] for r in reports for f in r["fired"]} == {"too_slow"}

    def counts(session):
        fired = dict(session.execute(select(HistoryEvent.case_id, func.count())
                                     .where(HistoryEvent.kind == "timer_fired").group_by(HistoryEvent.case_id)).all())
        statuses = dict(session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
        return fired, statuses

    fired, statuses = harness.query(counts)
    assert fired == dict.fromkeys(case_ids, 1)
    assert statuses == {"completed": CASES}
