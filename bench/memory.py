"""Peak resident memory of the web worker and of the scheduler with 100,000 cases, against the same with
1,000 cases in the same run: the ratio says whether memory grows with the number of cases (the goal is
that it does not).

Each size gets its own database, built the same way:

- `reintegrate init-db` (schema, every process in processes/), then the demo accounts and its five
  reintegration cases at different stages (`cli.demo_data.load_demo`, clock at T0);
- REAL cases started through the engine: `--reintegration-cases` more reintegration cases, and
  `--timer-cases` cases of tests/fixtures/timer_mail.bpmn whose timer is due at FIRE_AT, so the
  scheduler has the same real work at both sizes;
- the bulk: half the cases are running reintegration cases with their ready tasks (the rows of
  `bench.task_list`, all in the demo LA's authority, so lee.la's task list grows with the size),
  the other half ten years of cases with their report facts (the rows of `bench.reports`); then
  `ANALYZE`.

Web worker: `gunicorn -w 1 web.wsgi:app` on 127.0.0.1 (a free port), configured by the environment as
in production (REINTEGRATE_ENV=test, REINTEGRATE_FAKE_NOW=FIRE_AT). Its worker's RSS is read from
/proc/<pid>/status once the app is loaded (gunicorn's post_worker_init hook says when), then the same
fixed mix of requests runs at both sizes: the API task list of the LA user paged through (and its last
page) and of a school user, the HTML task list paged, case pages, audit views and API histories of
real cases, every report page with different filters, and CSV exports. The worker's peak (VmHWM) is
read before it is stopped.

Scheduler: the real `reintegrate scheduler --interval 1`, twice per size. First at T0, when nothing of
the timer cases is due ("idle": start-up, one pass and three polls); then at FIRE_AT, until every due
timer has fired and one more poll ran. VmHWM of each process is read before it is terminated.

    python -m bench.memory [--sizes 1000 100000] [--database sqlite|postgresql] [--rounds 40]
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from bench import reports as report_rows
from bench import task_list
from bench.procs import children, memory, stop, wait_for
from cli.demo_data import DEMO_PASSWORD, load_demo
from cli.scenarios import START_DATA
from engine.accounts import get_user, issue_token
from engine.clock import FixedClock
from engine.models import Case, ProcessVersion, Timer
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy
from schooling.reports import REPORTS
from tests.postgres_server import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
TIMER_BPMN = ROOT / "tests" / "fixtures" / "timer_mail.bpmn"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # the cases are built at T0 ...
FIRE_AT = T0 + timedelta(days=2)  # ... and the timer cases are due at FIRE_AT (as in bench.timers)
LA_USER, SCHOOL_USER = "lee.la", "hana.host"  # demo accounts: the LA's admissions team, a host school
START_TIMEOUT = 120
FIRE_TIMEOUT = 900


# -- the databases -------------------------------------------------------------------------------
@dataclass
class Built:
    """What a database holds that the measurements need."""

    url: str
    size: int
    tokens: dict[str, str]
    real_cases: list[str]  # reintegration cases run through the engine, visible to the LA user
    timer_cases: int
    seconds: float = 0.0
    cases: int = 0


def _env(url: str, now: datetime) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REINTEGRATE_")}
    return {**env, "REINTEGRATE_DATABASE_URL": url, "REINTEGRATE_ENV": "test", "REINTEGRATE_FAKE_NOW": now.isoformat(),
            "REINTEGRATE_SECRET_KEY": "bench-memory-secret-key-of-enough-length",
            "REINTEGRATE_BASE_URL": "http://127.0.0.1:5000"}


def build(url: str, size: int, timer_cases: int = 200, reintegration_cases: int = 20) -> Built:
    """A database with `size` bulk-inserted cases plus the real ones (see the module's docstring)."""
    t0 = time.perf_counter()
    subprocess.run([str(BIN / "reintegrate"), "init-db"], cwd=ROOT, env=_env(url, T0), check=True,
                   capture_output=True, text=True)
    rt = Runtime(url=url, clock=FixedClock(T0), policy=load_policy(), registry=default_registry())
    try:
        load_demo(rt)
        with rt.engine() as eng:
            eng.deploy(TIMER_BPMN.read_bytes(), str(TIMER_BPMN), "system")
        for first in range(0, timer_cases, 100):
            with rt.engine() as eng:
                for i in range(first, min(first + 100, timer_cases)):
                    eng.start_case("timer_mail", {"pupil_name": f"Pupil {i}", "due_date": FIRE_AT.date().isoformat()},
                                   "system")
        with rt.engine() as eng:
            for i in range(reintegration_cases):
                eng.start_case("reintegration", {**START_DATA, "pupil_name": f"Real Pupil {i}"}, "ava.ap")
        tokens = {}
        with rt.sessions() as s:
            for name in (LA_USER, SCHOOL_USER):
                tokens[name] = issue_token(get_user(s, name))
            versions = dict(s.execute(select(ProcessVersion.process_key, func.max(ProcessVersion.id))
                                      .group_by(ProcessVersion.process_key)).all())
            real = list(s.scalars(select(Case.id).where(Case.process_key == "reintegration").order_by(Case.created_at)))
            s.commit()
        open_cases = size // 2
        task_list.insert_cases(rt, open_cases, versions["reintegration"], seed=size)
        with rt.sessions() as s:
            report_rows.insert_cases(s, size - open_cases, random.Random(size), first=open_cases, versions=versions)
            s.commit()
        with rt.db.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
        with rt.sessions() as s:
            total = s.scalar(select(func.count()).select_from(Case))
    finally:
        rt.db.dispose()
    return Built(url, size, tokens, real, timer_cases, time.perf_counter() - t0, total)


# -- processes and their memory ------------------------------------------------------------------
# -- the web worker ------------------------------------------------------------------------------
class Client:
    """HTTP to the worker: a signed-in browser session (cookies) or an API bearer token."""

    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.requests = 0

    def get(self, path: str, data: dict | None = None) -> bytes:
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(data).encode() if data else None)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        self.requests += 1
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{'POST' if data else 'GET'} {path}: {exc.code} {exc.read()[:300]!r}") from None

    def json(self, path: str) -> dict:
        return json.loads(self.get(path))

    def sign_in(self, name: str, password: str) -> None:
        form = self.get("/sign-in").decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        page = self.get("/sign-in", {"name": name, "password": password, "csrf_token": csrf, "next": "/"}).decode()
        assert "Sign out" in page or "sign-out" in page, "not signed in"


@dataclass
class Traffic:
    requests: int = 0
    seconds: float = 0.0
    la_tasks: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    after_sign_in: dict[str, float] = field(default_factory=dict)


def drive(base: str, built: Built, rounds: int, pid: int | None = None) -> Traffic:
    """The same mix of requests at every size (see the module's docstring); `pid`: the worker's, to read
    its memory after the sign-in (a password check is scrypt with N=2**14, r=8: 16 MiB while it runs)."""
    api_la, api_school, web = Client(base, built.tokens[LA_USER]), Client(base, built.tokens[SCHOOL_USER]), Client(base)
    traffic = Traffic()
    t0 = time.perf_counter()
    web.sign_in(LA_USER, DEMO_PASSWORD)
    if pid is not None:
        traffic.after_sign_in = memory(pid)
    first = api_la.json("/api/v1/tasks?per_page=100")
    traffic.la_tasks, api_pages = first["total"], first["pages"]
    web_pages = max(1, -(-first["total"] // 25))
    reports, years = list(REPORTS), ("", "2025/26", "2024/25", "2019/20")
    cases = built.real_cases

    def hit(kind: str, client: Client, path: str) -> bytes:
        traffic.kinds[kind] = traffic.kinds.get(kind, 0) + 1
        return client.get(path)

    for r in range(rounds):
        page = r % api_pages + 1 if r % 10 != 9 else api_pages  # paging through, and now and then the last page
        hit("api task list, LA", api_la, f"/api/v1/tasks?per_page=100&page={page}")
        hit("api task list, school", api_school, f"/api/v1/tasks?page={r % 2 + 1}&order={'-due' if r % 2 else 'due'}")
        hit("web task list, LA", web, f"/?page={r % web_pages + 1 if r % 10 != 4 else web_pages}")
        case = cases[r % len(cases)]
        hit("case page", web, f"/cases/{case}")
        hit("api case history", api_la, f"/api/v1/cases/{case}/history")
        hit("audit view", web, f"/cases/{case}/audit")
        year = years[r % len(years)]
        query = urllib.parse.urlencode({k: v for k, v in (("year", year), ("school", "School 03" if r % 3 == 0 else ""))
                                        if v})
        hit("report page", web, f"/reports/{reports[r % len(reports)]}" + (f"?{query}" if query else ""))
        if r % 4 == 0:
            hit("report csv", web, f"/reports/{reports[(r // 4) % len(reports)]}/export.csv")
        if r % 8 == 0:
            hit("reports index", web, "/reports")
    traffic.seconds = time.perf_counter() - t0
    traffic.requests = api_la.requests + api_school.requests + web.requests
    return traffic


_HOOK = '''import os


def post_worker_init(worker):  # the app is loaded: the worker's start-up is over
    with open({path!r}, "w") as f:
        f.write(str(os.getpid()))
'''


def measure_web(built: Built, tmp: Path, rounds: int) -> dict:
    """Start-up and peak RSS of the one gunicorn worker serving `rounds` rounds of requests."""
    ready = tmp / f"worker-{built.size}.pid"
    config = tmp / f"gunicorn-{built.size}.conf.py"
    config.write_text(_HOOK.format(path=str(ready)))
    log = tmp / f"gunicorn-{built.size}.log"
    port = free_port()
    with log.open("w") as out:
        master = subprocess.Popen([str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "-c", str(config),
                                   "--timeout", "300", "web.wsgi:app"], cwd=ROOT, env=_env(built.url, FIRE_AT),
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        pid = int(wait_for(lambda: ready.exists() and ready.read_text(), START_TIMEOUT, "gunicorn worker", master, log))
        assert children(master.pid) == [pid], (children(master.pid), pid)
        startup = memory(pid)
        traffic = drive(f"http://127.0.0.1:{port}", built, rounds, pid)
        after = memory(pid)
        assert master.poll() is None and children(master.pid) == [pid], "the worker was restarted"
    finally:
        stop(master)
    return {"pid": pid, "startup": startup, "after": after, "traffic": traffic}


# -- the scheduler -------------------------------------------------------------------------------
def _due(url: str, now: datetime) -> int:
    """Timers due at `now` on running cases (what a scheduler pass would fire)."""
    rt = Runtime(url=url, clock=FixedClock(now), policy=load_policy(), registry=default_registry())
    try:
        with rt.sessions() as s:
            return s.scalar(select(func.count()).select_from(Timer).join(Case, Case.id == Timer.case_id)
                            .where(Timer.due_at <= now, Case.status == "running"))
    finally:
        rt.db.dispose()


def _timer_cases_done(url: str) -> int:
    rt = Runtime(url=url, clock=FixedClock(FIRE_AT), policy=load_policy(), registry=default_registry())
    try:
        with rt.sessions() as s:
            return s.scalar(select(func.count()).select_from(Case)
                            .where(Case.process_key == "timer_mail", Case.status == "completed"))
    finally:
        rt.db.dispose()


def run_scheduler(built: Built, tmp: Path, now: datetime, label: str) -> dict:
    """`reintegrate scheduler --interval 1` at `now` until nothing is due and one more poll has run;
    its peak RSS, how many timers it fired and how long that took."""
    due = _due(built.url, now)
    log = tmp / f"scheduler-{built.size}-{label}.log"
    polling = "polling the timer table"  # "scheduler <name> polling the timer table every 1 s"
    t0 = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen([str(BIN / "reintegrate"), "scheduler", "--interval", "1"], cwd=ROOT,
                                env=_env(built.url, now), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: polling in log.read_text(), FIRE_TIMEOUT, "scheduler's first pass", proc, log)
        first_pass = time.perf_counter() - t0
        wait_for(lambda: _due(built.url, now) == 0, FIRE_TIMEOUT, "due timers fired", proc, log)
        time.sleep(3)  # three more polls (fire_due and send_outbox every second), nothing left to do
        rss = memory(proc.pid)
        assert proc.poll() is None, log.read_text()[-3000:]
    finally:
        stop(proc)
    text_log = log.read_text()
    return {"pid": proc.pid, "rss": rss, "due": due, "fired": text_log.count("fired timer "),
            "failed": text_log.count("timer failed"), "first_pass_s": round(first_pass, 2)}


# -- the benchmark -------------------------------------------------------------------------------
def measure(sizes: tuple[int, ...] = (1000, 100000), database: str = "sqlite", rounds: int = 40,
            timer_cases: int = 200, reintegration_cases: int = 20) -> list[dict]:
    server = None
    if database == "postgresql":
        from tests.postgres_server import PostgresServer  # a throwaway cluster, as the tests use

        server = PostgresServer().start()
    web, idle, busy, builds = {}, {}, {}, {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp_name:
            tmp = Path(tmp_name)
            for size in sizes:
                url = (server.create_database(f"bench_memory_{size}") if server is not None
                       else f"sqlite:///{tmp}/memory-{size}.sqlite3")
                built = builds[size] = build(url, size, timer_cases, reintegration_cases)
                print(f"  {database}: {built.cases:,} cases ({size:,} bulk) built in {built.seconds:.1f} s", flush=True)
                idle[size] = run_scheduler(built, tmp, T0, "idle")
                busy[size] = run_scheduler(built, tmp, FIRE_AT, "due")
                busy[size]["timer_cases_completed"] = _timer_cases_done(url)
                print(f"  scheduler: idle peak {idle[size]['rss']['VmHWM']} MiB; fired {busy[size]['fired']} timers "
                      f"({busy[size]['due']} due) in {busy[size]['first_pass_s']} s, peak {busy[size]['rss']['VmHWM']} MiB",
                      flush=True)
                web[size] = measure_web(built, tmp, rounds)
                t = web[size]["traffic"]
                print(f"  web worker: start-up {web[size]['startup']['VmRSS']} MiB, {t.requests} requests in "
                      f"{t.seconds:.1f} s, peak {web[size]['after']['VmHWM']} MiB", flush=True)
    finally:
        if server is not None:
            server.stop()
    small, large = min(sizes), max(sizes)
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[database]

    def per_size(values: dict, get) -> dict[str, float]:
        return {str(size): get(values[size]) for size in sizes}

    return [
        {"name": f"peak RSS, web worker (gunicorn -w 1), {large:,} / {small:,} cases, {label}",
         "ours_ms": None, "base_ms": None, "ratio": round(web[large]["after"]["VmHWM"] / web[small]["after"]["VmHWM"], 2),
         "goal_ratio": 1.0,
         "rss_mib": per_size(web, lambda w: w["after"]["VmHWM"]),
         "startup_rss_mib": per_size(web, lambda w: w["startup"]["VmRSS"]),
         "startup_ratio": round(web[large]["startup"]["VmRSS"] / web[small]["startup"]["VmRSS"], 2),
         "peak_after_sign_in_mib": per_size(web, lambda w: w["traffic"].after_sign_in["VmHWM"]),
         "rss_after_requests_mib": per_size(web, lambda w: w["after"]["VmRSS"]),
         "requests": per_size(web, lambda w: w["traffic"].requests),
         "request_kinds": web[large]["traffic"].kinds,
         "requests_seconds": per_size(web, lambda w: round(w["traffic"].seconds, 1)),
         "la_user_tasks": per_size(web, lambda w: w["traffic"].la_tasks),
         "cases": per_size(builds, lambda b: b.cases)},
        {"name": f"peak RSS, `reintegrate scheduler`, {large:,} / {small:,} cases, {timer_cases} due timer cases, {label}",
         "ours_ms": None, "base_ms": None, "ratio": round(busy[large]["rss"]["VmHWM"] / busy[small]["rss"]["VmHWM"], 2),
         "goal_ratio": 1.0,
         "rss_mib": per_size(busy, lambda b: b["rss"]["VmHWM"]),
         "idle_rss_mib": per_size(idle, lambda i: i["rss"]["VmHWM"]),
         "idle_ratio": round(idle[large]["rss"]["VmHWM"] / idle[small]["rss"]["VmHWM"], 2),
         "due": per_size(busy, lambda b: b["due"]), "fired": per_size(busy, lambda b: b["fired"]),
         "failed": per_size(busy, lambda b: b["failed"]),
         "fired_while_idle": per_size(idle, lambda i: i["fired"]),
         "timer_cases_completed": per_size(busy, lambda b: b["timer_cases_completed"]),
         "first_pass_s": per_size(busy, lambda b: b["first_pass_s"]),
         "cases": per_size(builds, lambda b: b.cases)},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 100000], metavar=("SMALL", "LARGE"),
                        help="bulk-inserted cases in each database")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite",
                        help="SQLite files in a temporary directory, or a throwaway PostgreSQL cluster")
    parser.add_argument("--rounds", type=int, default=40, help="rounds of the request mix (about 8 requests each)")
    parser.add_argument("--timer-cases", type=int, default=200, help="real timer_mail cases due for the scheduler")
    parser.add_argument("--reintegration-cases", type=int, default=20,
                        help="real reintegration cases started besides the demo's five")
    args = parser.parse_args()
    rows = measure(tuple(args.sizes), args.database, args.rounds, args.timer_cases, args.reintegration_cases)
    for row in rows:
        print(json.dumps(row, indent=2))


if __name__ == "__main__":
    main()
