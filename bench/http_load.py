"""HTTP under load: task completions through the REST API by 20 concurrent clients against the app under
gunicorn (sync workers) on PostgreSQL, requests per second and p95 latency; then, for comparison, the
task list (`GET /api/v1/tasks`) read by as many clients.

Set-up: a throwaway PostgreSQL cluster (`tests.postgres_server`), the schema, `reintegration.bpmn`
deployed, an AP-setting account with an API token (as `reintegrate user add --token` makes one), and
`cases` reintegration cases started through the engine (`cli.scenarios.START_DATA`), each with its
first task, `record_parental_consent` (lane ap_setting), ready. Then `gunicorn -w WORKERS web.wsgi:app`
on 127.0.0.1, configured by the environment as in production (REINTEGRATE_DATABASE_URL,
REINTEGRATE_SECRET_KEY), with REINTEGRATE_ENV=test and REINTEGRATE_FAKE_NOW fixing the date that the
scenario's consent form carries.

Load: `wrk` (Debian's package; scripts/system-deps installs it) with `bench/wrk_complete.lua`, one
connection per wrk thread, so that the script times every request itself (wrk corrects its own
histogram for coordinated omission before a script sees it; its percentiles are kept as
`wrk_corrected`). Each completion is a POST of `HAPPY_PATH["record_parental_consent"]` to
`/api/v1/tasks/<id>/complete` with a different ready task id, the ids split between the threads. The
completions run for `seconds`, or until a thread has sent all its ids (then wrk is stopped and the row
says `ran_out_of_tasks`: raise `cases`); the task list then runs for `seconds`. Before either, a warm-up
(completions of separate cases, and task lists, `clients` at a time) makes every worker parse the
diagram and open its database connections.

Checks, after gunicorn has finished what it was doing: the tasks completed in the database are exactly
those answered 2xx, plus at most the one request per connection still in flight when wrk stopped
(which the server may have finished); no task is completed twice; the completed tasks are no longer
ready. Non-2xx answers are counted by status (a 409 would be acceptable, but none are expected: every
request is a different case); any 5xx or socket error fails the benchmark.

Sync workers close the connection after each answer, so every request opens its own TCP connection, as
it would behind a proxy; a connection opened but not yet read holds a sync worker, which is why no
connection is ever left idle during a run. wrk, gunicorn and PostgreSQL share the machine's cores.

    python -m bench.http_load [--cases 2000] [--clients 20] [--workers 4] [--seconds 10]
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text

from cli import scenarios as s
from engine import accounts
from engine.clock import FixedClock
from engine.models import HistoryEvent, ReadyTask
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy

ROOT = Path(__file__).resolve().parent.parent
BPMN = ROOT / "processes" / "reintegration.bpmn"
LUA = Path(__file__).resolve().parent / "wrk_complete.lua"
WRK = "/usr/bin/wrk"
NOW = datetime(2027, 1, 11, 9, tzinfo=UTC)  # the scenario's consent_date
USER = "ava.ap"
TASK = "record_parental_consent"
BODY = json.dumps({"data": s.HAPPY_PATH[TASK]})
BATCH = 100


# -- the database --------------------------------------------------------------------------------
def prepare(url: str, cases: int) -> tuple[Runtime, str, list[str]]:
    """Schema, the diagram, the AP account with a token, and `cases` started cases: (runtime, token, task ids)."""
    rt = Runtime(url=url, clock=FixedClock(NOW), policy=load_policy(), registry=default_registry())
    rt.upgrade()
    with rt.engine() as eng:
        eng.deploy(BPMN.read_bytes(), str(BPMN), "system")
        _, token = accounts.create_account(eng.session, USER, "ap_setting", NOW, org=s.START_DATA["ap_setting"],
                                           token=True)
    ids: list[str] = []
    for first in range(0, cases, BATCH):
        with rt.engine() as eng:
            for i in range(first, min(first + BATCH, cases)):
                case = eng.start_case("reintegration", {**s.START_DATA, "pupil_name": f"Pupil {i:05d}"}, USER)
                ids += [t["task_id"] for t in case["ready_tasks"] if t["task"] == TASK]
    assert len(ids) == len(set(ids)) == cases, (len(ids), cases)
    with rt.db.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return rt, token, ids


def completed(rt: Runtime) -> Counter:
    """How many times each task was completed by the benchmark's user, from the history."""
    with rt.sessions() as session:
        rows = session.execute(select(HistoryEvent.data["task_id"].as_string())
                               .where(HistoryEvent.kind == "task_completed", HistoryEvent.actor == USER)).scalars()
        return Counter(rows)


def still_ready(rt: Runtime, ids: list[str]) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).select_from(ReadyTask).where(ReadyTask.id.in_(ids)))


# -- gunicorn ------------------------------------------------------------------------------------
class Gunicorn:
    """`gunicorn -w N web.wsgi:app` on 127.0.0.1 and a free port, its log in `log`."""

    def __init__(self, url: str, workers: int, log: Path):
        from tests.postgres_server import free_port

        self.url, self.workers, self.log = url, workers, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Gunicorn:
        env = {**os.environ, "REINTEGRATE_DATABASE_URL": self.url, "REINTEGRATE_SECRET_KEY": secrets.token_hex(32),
               "REINTEGRATE_BASE_URL": self.base, "REINTEGRATE_ENV": "test", "REINTEGRATE_FAKE_NOW": NOW.isoformat()}
        env.pop("REINTEGRATE_SMTP_URL", None)
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
               "--timeout", "120", "--graceful-timeout", "10", "--log-level", "warning", "web.wsgi:app"]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/v1/openapi.json", timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.2)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # graceful: the master stops its workers
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group it leads (start_new_session): its workers
            self.proc.wait(timeout=10)


# -- load ----------------------------------------------------------------------------------------
def warm_up(base: str, token: str, ids: list[str], clients: int) -> list[int]:
    """Complete `ids` and read the task list, `clients` at a time, so that every worker has parsed the
    diagram and opened its connections before anything is timed; returns the completions' statuses."""
    def call(path: str, body: str | None = None) -> int:
        request = urllib.request.Request(base + path, data=body.encode() if body else None,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(clients) as pool:
        statuses = list(pool.map(lambda i: call(f"/api/v1/tasks/{i}/complete", BODY), ids))
        list(pool.map(lambda _: call("/api/v1/tasks"), range(2 * clients)))
    return statuses


def run_wrk(base: str, token: str, clients: int, seconds: float, tmp: Path, ids: list[str] | None = None) -> dict:
    """One wrk run of bench/wrk_complete.lua for `seconds`; the BENCH-RESULT line as a dict.

    With `ids`: complete them (thread k takes ids[k::clients]), stopping early if a thread runs out;
    without: GET the task list."""
    if not Path(WRK).exists():
        raise RuntimeError(f"{WRK} not found: run scripts/system-deps (installs Debian's wrk) or `apt-get install wrk`")
    env = {**os.environ, "BENCH_TOKEN": token, "BENCH_THREADS": str(clients), "BENCH_MODE": "list"}
    if ids is not None:
        ids_file = tmp / f"ids-{secrets.token_hex(4)}.txt"
        ids_file.write_text("".join(f"{i}\n" for i in ids))
        env.update(BENCH_MODE="complete", BENCH_IDS=str(ids_file), BENCH_BODY=BODY)
    cmd = [WRK, "-t", str(clients), "-c", str(clients), "-d", f"{max(1, round(seconds))}s", "--timeout", "60s",
           "--latency", "-s", str(LUA), base]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    watchdog = threading.Timer(seconds + 120, proc.kill)
    watchdog.start()
    stopper = None

    def stop() -> None:
        # wrk sleeps out -d whatever its threads do; SIGINT ends the sleep (repeated, should one arrive
        # before wrk has installed its handler)
        while proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            time.sleep(0.5)

    lines: list[str] = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("BENCH-EXHAUSTED") and stopper is None:
                stopper = threading.Thread(target=stop, daemon=True)
                stopper.start()
        err = proc.stderr.read()
        proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if stopper is not None:
            stopper.join()
    result = next((json.loads(line.split(" ", 1)[1]) for line in lines if line.startswith("BENCH-RESULT ")), None)
    if proc.returncode != 0 or result is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{''.join(lines)[-3000:]}\n{err[-3000:]}")
    result["statuses"] = {int(k): v for k, v in result["statuses"].items()}
    result["exhausted"] = stopper is not None
    return result


def _split(statuses: dict[int, int]) -> tuple[int, dict[int, int], int]:
    """(2xx answers, the others by status, 5xx answers)."""
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    others = {code: n for code, n in sorted(statuses.items()) if not 200 <= code < 300}
    return ok, others, sum(n for code, n in others.items() if code >= 500)


def answered_ids(ids: list[str], clients: int, result: dict) -> tuple[set[str], set[str], dict[str, str]]:
    """From wrk's per-thread counts: (ids answered 2xx, ids in flight when wrk stopped, failed id -> status).

    Thread k sent ids[k::clients] in order over one connection, so its first `answered` were answered."""
    assert len(result["threads"]) == clients, len(result["threads"])
    ok, inflight, failed = set(), set(), {}
    for k, thread in enumerate(result["threads"]):
        bad = dict(entry.split(" ", 1) for entry in thread["failed"])
        failed.update(bad)
        ok.update(i for i in ids[k::clients][:thread["answered"]] if i not in bad)
        if thread["inflight"]:
            inflight.add(thread["inflight"])
    return ok, inflight, failed


def _row(name: str, result: dict, workers: int, clients: int, **extra) -> dict:
    ok, errors, _ = _split(result["statuses"])
    return {"name": name, "ours_ms": round(result["p95_ms"], 1), "base_ms": None, "ratio": None,
            "rps": round(result["rps"], 1), "p50_ms": round(result["p50_ms"], 1), "p95_ms": round(result["p95_ms"], 1),
            "p99_ms": round(result["p99_ms"], 1), "max_ms": round(result["max_ms"], 1), "requests": result["answered"],
            "ok": ok, "errors": {str(code): n for code, n in errors.items()}, "socket_errors": result["socket_errors"],
            "duration_s": round(result["duration_ms"] / 1000, 2), "workers": workers, "clients": clients,
            "wrk_corrected": {k: round(result["wrk"][k], 1) for k in ("p50_ms", "p95_ms", "p99_ms")}, **extra}


def check(counts: Counter, ready_left: int, ids: list[str], warm_ids: list[str], warm_statuses: list[int],
          done: dict, listed: dict, clients: int) -> tuple[list[str], dict]:
    """Every way the run could have lost or doubled a completion, or failed a request: (problems, figures)."""
    ok_ids, inflight, failed = answered_ids(ids, clients, done)
    ok, errors, fives = _split(done["statuses"])
    _, list_errors, list_5xx = _split(listed["statuses"])
    in_db = {i for i in ids if counts[i]}
    problems = []
    if fives or list_5xx or any(code >= 500 for code in warm_statuses):
        problems.append(f"5xx answers: completions {errors}, task list {list_errors}, warm-up {Counter(warm_statuses)}")
    for label, result in (("completions", done), ("task list", listed)):
        if any(result["socket_errors"].values()):
            problems.append(f"socket errors in the {label}: {result['socket_errors']}")
    if len(ok_ids) != ok:
        problems.append(f"{ok} answers 2xx but {len(ok_ids)} ids answered 2xx by wrk's per-thread counts")
    if lost := ok_ids - in_db:
        problems.append(f"{len(lost)} completions answered 2xx but not in the database, e.g. {sorted(lost)[:3]}")
    if unexpected := in_db - ok_ids - inflight:
        problems.append(f"{len(unexpected)} tasks completed in the database without a 2xx answer, e.g. {sorted(unexpected)[:3]}")
    if doubled := [i for i, n in counts.items() if n > 1]:
        problems.append(f"{len(doubled)} tasks completed more than once, e.g. {doubled[:3]}")
    if set(warm_statuses) != {200} or any(counts[i] != 1 for i in warm_ids):
        problems.append(f"warm-up completions: {Counter(warm_statuses)}, {sum(counts[i] for i in warm_ids)} in the database")
    if sum(counts.values()) != len(in_db) + len(warm_ids):
        problems.append(f"{sum(counts.values())} completions in the database, {len(in_db)} + {len(warm_ids)} expected")
    if ready_left != len(ids) - len(in_db):
        problems.append(f"{ready_left} of {len(ids)} tasks still ready after {len(in_db)} completions")
    return problems, {"completed_in_db": len(in_db), "in_flight_at_stop": len(inflight),
                      "failed_ids": dict(list(failed.items())[:10])}


def measure(cases: int = 2000, clients: int = 20, workers: int = 4, seconds: float = 10) -> list[dict]:
    """Completions for `seconds` (or until the `cases` ready tasks run out), then the task list for `seconds`."""
    from tests.postgres_server import PostgresServer  # a throwaway cluster, as the tests use

    if cases < clients or clients < 1 or workers < 1:
        raise ValueError("clients and workers must be at least 1, and cases at least clients")
    warm_cases = 2 * clients
    server = PostgresServer().start()
    gunicorn = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp_dir:
            tmp = Path(tmp_dir)
            rt, token, all_ids = prepare(server.create_database("bench_http"), warm_cases + cases)
            warm_ids, ids = all_ids[:warm_cases], all_ids[warm_cases:]
            gunicorn = Gunicorn(rt.url, workers, tmp / "gunicorn.log")
            try:
                gunicorn.start()
                warm = warm_up(gunicorn.base, token, warm_ids, clients)
                done = run_wrk(gunicorn.base, token, clients, seconds, tmp, ids)
                listed = run_wrk(gunicorn.base, token, clients, seconds, tmp)
            finally:
                log = gunicorn.log_tail()
                gunicorn.stop()  # lets a request still in flight when wrk stopped finish, before counting
            problems, figures = check(completed(rt), still_ready(rt, ids), ids, warm_ids, warm, done, listed, clients)
            rt.db.dispose()
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        server.stop()
    if problems:
        raise AssertionError("HTTP benchmark failed its checks:\n  " + "\n  ".join(problems) + f"\ngunicorn log:\n{log}")
    if done["exhausted"]:
        print(f"  http_load: the {cases} ready tasks ran out before {seconds} s; raise --cases", file=sys.stderr)
    where = f"{clients} clients, gunicorn -w {workers}, PostgreSQL"
    return [
        _row(f"HTTP: complete a task (POST /api/v1/tasks/ID/complete), {where}: p95 ms", done, workers, clients,
             cases=cases, ran_out_of_tasks=done["exhausted"], **figures),
        _row(f"HTTP: task list of an AP user (GET /api/v1/tasks), {where}: p95 ms", listed, workers, clients),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000,
                        help="ready tasks to complete, one request each (the run stops early if they run out)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent connections (one wrk thread each)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--seconds", type=float, default=10, help="length of each run: completions, then the task list")
    args = parser.parse_args()
    for row in measure(args.cases, args.clients, args.workers, args.seconds):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
