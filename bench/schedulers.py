"""Timer firing on PostgreSQL with one scheduler process against two at once, over the same number of
due cases: the wall time from launch until every process has exited, and the speed-up.

A scheduler process here is `python -m bench.schedulers --worker`: what `reintegrate timers fire` does
(one `fire_due` pass), repeated until a pass finds nothing due, because one pass claims at most 500
cases (`engine.timers.fire_due(limit=500)`) and so `reintegrate timers fire` alone leaves the rest
of a larger backlog for the next poll.

Cases of `tests/fixtures/timer_mail.bpmn` (a timer, then a service task that queues a reminder) are
started through the engine, in four batches with different due dates, all on the same database, and
fired in the order one scheduler, two, two, one: whatever drifts during the run (the database's
caches, its tables growing, the machine's load) weighs on both sides alike. Each process pays its
start-up (imports, parsing the diagram) once; the speed-up is also given net of it, measured as a
`timers fire` with nothing due. Every run checks that every case fired exactly once.

    python -m bench.schedulers [--cases 2000]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from engine.clock import FixedClock
from engine.models import HistoryEvent
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy

ROOT = Path(__file__).resolve().parent.parent
BPMN = ROOT / "tests" / "fixtures" / "timer_mail.bpmn"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
BATCH = 100
ORDER = (1, 2, 2, 1)  # schedulers per batch: ABBA, so that drift during the run cancels


def _start(rt: Runtime, cases: int, due: str) -> None:
    for first in range(0, cases, BATCH):
        with rt.engine() as eng:
            for i in range(first, min(first + BATCH, cases)):
                eng.start_case("timer_mail", {"pupil_name": f"Pupil {i}", "due_date": due}, "system")


def _fire(url: str, now: datetime, processes: int) -> tuple[float, int]:
    """Wall time of `processes` concurrent `timers fire`, and the number of timers they fired."""
    env = {**os.environ, "REINTEGRATE_DATABASE_URL": url, "REINTEGRATE_ENV": "test",
           "REINTEGRATE_FAKE_NOW": now.isoformat()}
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "bench.schedulers", "--worker"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(processes)]
    outputs = [p.communicate(timeout=3600) for p in procs]
    elapsed = time.perf_counter() - t0
    fired = 0
    for p, (out, err) in zip(procs, outputs, strict=True):
        if p.returncode != 0:
            raise RuntimeError(f"timers fire failed: {err[-2000:]}")
        report = json.loads(out)
        assert report["failed"] == [], report["failed"][:1]
        fired += len(report["fired"])
    return elapsed, fired


def worker() -> None:
    """`reintegrate timers fire` passes (the same Runtime.fire_due) until one fires nothing; JSON out."""
    from engine.timers import FireReport

    rt = Runtime.from_env(default_registry())
    total = FireReport()
    while True:
        report = rt.fire_due("bench")
        total.fired += report.fired
        total.failed += report.failed
        if not report.fired and not report.failed:
            break
    print(json.dumps(total.to_json()))


def measure(cases: int = 2000) -> list[dict]:
    from tests.postgres_server import PostgresServer  # a throwaway cluster, as the tests use

    server = PostgresServer().start()
    try:
        url = server.create_database("bench_schedulers")
        rt = Runtime(url=url, clock=FixedClock(T0), policy=load_policy(), registry=default_registry())
        rt.upgrade()
        with rt.engine() as eng:
            eng.deploy(BPMN.read_bytes(), str(BPMN), "system")
        for batch in range(len(ORDER)):  # batch b is due on day 10 b + 1 (P1D after its start)
            rt.clock.set(T0 + timedelta(days=10 * batch))
            _start(rt, cases, (T0 + timedelta(days=10 * batch + 2)).date().isoformat())
        startup, nothing = _fire(url, T0 + timedelta(hours=1), 1)
        assert nothing == 0
        walls: dict[int, list[float]] = {1: [], 2: []}
        for batch, processes in enumerate(ORDER):
            wall, fired = _fire(url, T0 + timedelta(days=10 * batch + 2), processes)
            assert fired == cases, (batch, processes, fired)
            walls[processes].append(wall)
        with rt.sessions() as s:
            per_case = s.execute(select(HistoryEvent.case_id, func.count()).where(HistoryEvent.kind == "timer_fired")
                                 .group_by(HistoryEvent.case_id)).all()
        assert len(per_case) == len(ORDER) * cases and {n for _, n in per_case} == {1}
    finally:
        server.stop()
    one, two = (sum(walls[n]) / len(walls[n]) for n in (1, 2))
    return [{"name": f"timers on PostgreSQL, {cases} due cases: one `timers fire` / two at once (wall time, speed-up)",
             "ours_ms": round(two * 1000), "base_ms": round(one * 1000), "ratio": round(one / two, 2),
             "goal_ratio": 1.7, "startup_ms": round(startup * 1000),
             "speedup_net_of_startup": round((one - startup) / (two - startup), 2),
             "per_s": {"one": round(cases / one), "two": round(cases / two)}, "cpus": os.cpu_count()}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker()
    for row in measure(args.cases):
        print(row)


if __name__ == "__main__":
    main()
