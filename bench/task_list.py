"""The first page of the task list (`engine.queries.task_list`, the page the web app and the API show)
at 1,000 against 100,000 open cases, on SQLite and on PostgreSQL, for a school user and for an LA
admissions officer, who sees the whole authority: median and p95 of one call, each in its own
session as a request makes it.

Running 100,000 workflows would take hours and measure the engine, not the query, so the rows are
bulk-inserted straight into `cases` and `ready_tasks` (documented here, not hidden): running cases of
the reintegration process, 1 to 3 ready tasks each in the lanes of the protocol, due dates over a
year, the parties spread over 400 schools. The measured user's school is a party of the same 40 cases
at both sizes, as a school's own caseload does not grow with the authority's: a flat time is the goal.
The LA officer's lane holds a quarter of all tasks (about 250 and 50,000): the page is read in index
order and the count stops at `queries.COUNT_CAP`, so that a flat time is the goal there too.
`ANALYZE` runs after loading on both databases, as it would after any bulk load. Both sizes are
loaded first and then timed call by call in turn, so that drift during the run weighs on both alike.

    python -m bench.task_list [--sizes 1000 100000] [--runs 200] [--databases sqlite postgresql]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from engine.access import add_user
from engine.clock import FixedClock
from engine.models import Case, ReadyTask, User
from engine.queries import TaskFilter, task_list
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy

ROOT = Path(__file__).resolve().parent.parent
BPMN = ROOT / "processes" / "reintegration.bpmn"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
SCHOOLS = [f"School {n:03d}" for n in range(400)]
MY_SCHOOL = "Hollybrook High School"
MY_CASES = 40
AUTHORITY = "Worcestershire County Council"  # every bulk case's local authority
LANES = ("host_school", "home_school", "la_admissions", "ap_setting")
BATCH = 5000


def _rows(first: int, count: int, version_id: int, rng: random.Random, mine: set[int]):
    cases, tasks = [], []
    for n in range(first, first + count):
        case_id = f"B-{n:08d}"
        host = MY_SCHOOL if n in mine else rng.choice(SCHOOLS)
        cases.append({"id": case_id, "process_version_id": version_id, "process_key": "reintegration",
                      "status": "running", "revision": 1, "state": "", "pupil_initials": "AB",
                      "data": {"host_school": host, "home_school": rng.choice(SCHOOLS),
                               "ap_setting": f"AP {n % 9}", "local_authority": AUTHORITY},
                      "history_seq": 0, "history_hash": "0" * 64, "started_by": "bench",
                      "created_at": NOW, "updated_at": NOW})
        for _ in range(rng.randint(1, 3)):
            due = date(2026, 6, 1) + timedelta(days=rng.randrange(365))
            tasks.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "case_id": case_id,
                          "element": "interim_review_1", "title": "Hold the interim review", "lane": rng.choice(LANES),
                          "due": due.isoformat() if rng.random() < 0.9 else None, "created_at": NOW})
    return cases, tasks


def insert_cases(rt: Runtime, size: int, version_id: int, seed: int = 1, first: int = 0) -> None:
    """`size` running reintegration cases (ids B-<first> on) of process version `version_id` with their
    ready tasks, by bulk insert; MY_SCHOOL is the host school of MY_CASES of them (all, if fewer)."""
    rng = random.Random(seed)
    mine = set(rng.sample(range(first, first + size), min(MY_CASES, size)))
    for start in range(first, first + size, BATCH):
        cases, tasks = _rows(start, min(BATCH, first + size - start), version_id, rng, mine)
        with rt.sessions() as s:
            s.execute(insert(Case), cases)
            s.execute(insert(ReadyTask), tasks)
            s.commit()


def load(rt: Runtime, size: int, seed: int = 1) -> None:
    """`size` running cases with their ready tasks, MY_SCHOOL a party of MY_CASES of them, by bulk insert."""
    with rt.engine() as eng:
        eng.deploy(BPMN.read_bytes(), str(BPMN), "system")
        add_user(eng.session, "hana.host", "host_school", MY_SCHOOL, NOW)
        add_user(eng.session, "lee.la", "la_admissions", AUTHORITY, NOW)
    with rt.engine() as eng:
        version_id = eng.session.execute(text("select id from process_versions")).scalar()
    insert_cases(rt, size, version_id, seed)
    with rt.db.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def _call(rt: Runtime, user_id: int, today: date):
    """One first page as a request reads it, in its own session: (seconds, the page)."""
    t0 = time.perf_counter()
    with rt.sessions() as s:
        page = task_list(s, s.get(User, user_id), TaskFilter(), today)
    return time.perf_counter() - t0, page


def time_task_lists(runtimes: dict[int, Runtime], runs: int, users: tuple[str, ...]) -> dict[str, dict[int, list[float]]]:
    """`runs` calls for each user at each size, interleaved call by call (each user at each size in
    turn, then again), so that whatever the machine does meanwhile weighs on every size alike."""
    today = NOW.date()
    ids = {}
    for size, rt in runtimes.items():
        with rt.sessions() as s:
            ids[size] = {u: s.execute(text("select id from users where name = :n"), {"n": u}).scalar() for u in users}
    times: dict[str, dict[int, list[float]]] = {u: {size: [] for size in runtimes} for u in users}
    for i in range(runs + 5):
        for size, rt in runtimes.items():
            for user in users:
                elapsed, page = _call(rt, ids[size][user], today)
                if i >= 5:  # warm-up: caches, the first connection
                    times[user][size].append(elapsed)
                elif user == "hana.host":
                    assert 0 < page.total <= 3 * MY_CASES, page.total  # the school's own tasks, at any size
                else:
                    assert page.total > 0 and len(page.items) == min(page.total, page.per_page), page.total
    return times


def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def _database(kind: str, tmp: str, size: int, server):
    if kind == "sqlite":
        return f"sqlite:///{tmp}/tasks-{size}.sqlite3"
    return server.create_database(f"bench_tasks_{size}")


def measure(sizes: tuple[int, ...] = (1000, 100000), runs: int = 200,
            databases: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    server = None
    if "postgresql" in databases:
        from tests.postgres_server import PostgresServer  # a throwaway cluster, as the tests use

        server = PostgresServer().start()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for kind in databases:
                runtimes = {}
                for size in sizes:
                    rt = runtimes[size] = Runtime(url=_database(kind, tmp, size, server), clock=FixedClock(NOW),
                                                  policy=load_policy(), registry=default_registry())
                    rt.upgrade()
                    t0 = time.perf_counter()
                    load(rt, size)
                    print(f"  {kind}: {size} cases loaded in {time.perf_counter() - t0:.1f} s", flush=True)
                timed = time_task_lists(runtimes, runs, ("hana.host", "lee.la"))
                results = {user: {size: _stats(t) for size, t in by_size.items()} for user, by_size in timed.items()}
                for rt in runtimes.values():
                    rt.db.dispose()
                for user, who in (("hana.host", "a school user (its own 40 cases)"),
                                  ("lee.la", "an LA admissions officer (the whole authority)")):
                    small, large = results[user][min(sizes)], results[user][max(sizes)]
                    rows.append({
                        "name": f"task list of {who} ({kind}): {max(sizes)} / {min(sizes)} open cases, median",
                        "runs": runs, "ours_ms": round(large[0], 2), "base_ms": round(small[0], 2),
                        "ratio": round(large[0] / small[0], 2), "goal_ratio": 1.0,
                        "p95_ms": {str(size): round(r[1], 2) for size, r in results[user].items()},
                        "median_ms": {str(size): round(r[0], 2) for size, r in results[user].items()}})
    finally:
        if server is not None:
            server.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    for row in measure(tuple(args.sizes), args.runs, tuple(args.databases)):
        print(row)


if __name__ == "__main__":
    main()
