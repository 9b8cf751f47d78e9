"""Shared fixtures: a real database per test (SQLite, or with `--db=postgresql` a fresh database on a
throwaway PostgreSQL cluster), a fake clock, and a harness that drives the engine the way the CLI does:
one session and one transaction per call. By default the harness keeps no workflow cache, so every
step of every test saves the workflow and restores it from the database (a serialisation bug at any
step fails the test).

Markers: `sqlite_only(reason)` / `postgresql_only(reason)` for the few tests that are about one
database; they are deselected in the other database's pass. `make test` also runs the browser tests
and the tests that use no database (no `db_url`) in one pass only (--browser-tests-in,
--database-free-tests-in). `bench`: the HTTP-load and memory benchmarks' tests, which start gunicorn,
PostgreSQL and the scheduler; `make test` deselects them and `make bench-check` runs them.
`workflow_cache_too`: the module's tests run twice in the SQLite pass, restoring every step from
storage and then with the in-memory workflow cache on (as the web app and the scheduler run), so that
both ways stay covered."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cli import scenarios
from engine.clock import FixedClock
from engine.extensions import register_parties
from engine.registry import HandlerRegistry
from handlers import default_registry
from schooling.parties import TABLE
from schooling.policy import load_policy
from tests.harness import PEOPLE, READS, TEST_READ, Harness  # noqa: F401  (for the tests)
from tests.postgres_server import PostgresServer
from tests.scenario_dates import catch_up, happened_today, plans_still_ahead  # noqa: F401  (for the tests)

# The service's roles and parties, in force before any test module is collected (some build their
# parameters from them); `default_registry()` registers the same table again wherever it is called.
register_parties(TABLE)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REINTEGRATION = ROOT / "processes" / "reintegration.bpmn"

DATABASES = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--db", choices=DATABASES, default="sqlite",
                     help="database every test runs against (default sqlite); postgresql starts a throwaway "
                          "cluster and gives each test a fresh database")
    parser.addoption("--browser-tests-in", choices=DATABASES,
                     help="run the tests under tests/browser only in this database's pass (default: in any)")
    parser.addoption("--database-free-tests-in", choices=DATABASES,
                     help="run the tests that use no database only in this database's pass (default: in any)")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): runs only in the SQLite pass (--db=sqlite)")
    config.addinivalue_line("markers", "postgresql_only(reason): runs only in the PostgreSQL pass (--db=postgresql)")
    config.addinivalue_line("markers", "bench: a benchmark's own test that starts servers (gunicorn, PostgreSQL, the "
                                       "scheduler); `make test` deselects it, `make bench-check` runs it")
    config.addinivalue_line("markers", "workflow_cache_too: the harness's tests run twice, restoring every step "
                                       "from storage and with the in-memory workflow cache on")


WORKFLOW_CACHE_MODES = {"restored": False, "cached": True}


def pytest_generate_tests(metafunc):
    """Tests marked `workflow_cache_too` that use the harness run once per mode of WORKFLOW_CACHE_MODES
    in the SQLite pass. The cache works the same on either database, so the PostgreSQL pass runs only
    the stricter mode, every step restored from storage."""
    if "workflow_cache" in metafunc.fixturenames and metafunc.definition.get_closest_marker("workflow_cache_too"):
        modes = WORKFLOW_CACHE_MODES if metafunc.config.getoption("--db") == "sqlite" else {"restored": False}
        metafunc.parametrize("workflow_cache", list(modes.values()), indirect=True, ids=list(modes))


#: A test that uses none of these fixtures uses no database: it runs the same whatever --db says.
DATABASE_FIXTURES = {"db_url", "postgres_server", "schema_template", "demo_world_template"}
BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def home_pass(item, config) -> str | None:
    """The one pass a test belongs to, or None if it runs in any: the first that applies of its
    `*_only` marker, --browser-tests-in for the browser tests, --database-free-tests-in for tests that
    use no database."""
    for name in DATABASES:
        if item.get_closest_marker(f"{name}_only"):
            return name
    if BROWSER_TESTS in item.path.parents:
        return config.getoption("--browser-tests-in")
    if not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return config.getoption("--database-free-tests-in")
    return None


def pytest_collection_modifyitems(config, items):
    """Each pass deselects the tests that belong to another (home_pass): `make test` runs every test
    once per database, except those about one database, the browser tests and the tests that use no
    database, which it runs once. Deselected tests are reported as such, never as skipped."""
    db = config.getoption("--db")
    keep, other = [], []
    for item in items:
        (other if home_pass(item, config) not in (None, db) else keep).append(item)
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = keep


@pytest.fixture(autouse=True)
def _secret_key(monkeypatch):
    """Every web app and server in the tests signs with this key, as production requires one."""
    monkeypatch.setenv("REINTEGRATE_SECRET_KEY", "a-test-secret-key-that-every-worker-shares")


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL cluster for the whole session, started on first use."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def schema_template(request, tmp_path_factory) -> str:
    """A database at the latest schema with the organisations register (`engine.db.upgrade`), built
    once per session: the SQLite file's path, or the PostgreSQL template database's name."""
    from engine.db import make_engine, upgrade

    if request.config.getoption("--db") == "sqlite":
        location = str(tmp_path_factory.mktemp("schema") / "schema.sqlite3")
        url = f"sqlite:///{location}"
    else:
        location = f"schema_{uuid.uuid4().hex[:12]}"
        url = request.getfixturevalue("postgres_server").create_database(location)
    db = make_engine(url)
    upgrade(db)
    db.dispose()  # a template database must have no connections
    return location


def copy_sqlite(source: str, target: str) -> None:
    """The SQLite file `source` copied into `target` with the online backup API."""
    import sqlite3

    source_db, target_db = sqlite3.connect(source), sqlite3.connect(target)
    try:
        source_db.backup(target_db)
    finally:
        source_db.close()
        target_db.close()


@pytest.fixture
def db_url(request, tmp_path) -> str:
    """This test's database: one per test, shared by every fixture and subprocess in the test. It
    starts as a copy of the session's demo world if the test uses `web_world`, else of the session's
    `schema_template` if it drives the harness (`make_harness`: the schema the harness would otherwise
    migrate to in every test), else empty."""
    names = request.fixturenames
    template = (request.getfixturevalue("demo_world_template").location if "web_world" in names
                else request.getfixturevalue("schema_template") if "make_harness" in names else None)
    if request.config.getoption("--db") == "sqlite":
        path = str(tmp_path / "test.sqlite3")
        if template:
            copy_sqlite(template, path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = server.create_database(name, template=template)
    yield url
    server.drop_database(name)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def policy():
    return load_policy()


@pytest.fixture
def workflow_cache(request) -> bool:
    """Whether harnesses keep the workflow cache: no, unless the test is marked `workflow_cache_too`
    (then both) or asks for one (`make_harness(cached=True)`)."""
    return getattr(request, "param", False)


@pytest.fixture
def make_harness(db_url, clock, policy, workflow_cache):
    def make(registry: HandlerRegistry | None = None, cached: bool | None = None) -> Harness:
        return Harness(db_url, clock, registry or default_registry(), policy,
                       cached=workflow_cache if cached is None else cached, upgraded=True)

    return make


@pytest.fixture
def harness(make_harness) -> Harness:
    h = make_harness()
    h.add_people()
    return h


# -- the web app and the API -----------------------------------------------------------
WEB_NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
#: Accounts beyond the demo's: another school's and another AP's staff, who must see none of the demo cases.
OTHER_PEOPLE = {"wes.wrong": ("host_school", "Westfield School"), "una.ap": ("ap_setting", "Riverside Learning Centre")}
OTHER_CASE = {**scenarios.START_DATA, "pupil_name": "Zoe Other", "ap_setting": "Riverside Learning Centre",
              "home_school": "Westfield School"}


class WebWorld:
    """The demo data plus another AP's case, every account with the demo password and an API token."""

    def __init__(self, runtime, tokens: dict[str, str], other_case: str, placement: str):
        self.runtime, self.tokens, self.other_case, self.placement = runtime, tokens, other_case, placement

    def case_with(self, element: str) -> str:
        """The placement case if `element` is ready on it, else a demo case whose ready tasks include it."""
        with self.runtime.engine() as eng:
            if element in {t["task"] for t in eng.show_case(self.placement, viewer=TEST_READ)["ready_tasks"]}:
                return self.placement
            for t in eng.list_tasks():
                if t["task"] == element and t["case_id"] != self.other_case:
                    return t["case_id"]
        raise AssertionError(f"no demo case has {element} ready")

    def task_id(self, case_id: str, element: str) -> str:
        with self.runtime.engine() as eng:
            return next(t["task_id"] for t in eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"] if t["task"] == element)


@dataclass(frozen=True)
class DemoWorldTemplate:
    """The demo world, built once per session: its database (a SQLite file or a PostgreSQL template
    database) and what the tests need to know about it."""

    location: str  # the SQLite file's path, or the PostgreSQL template database's name
    tokens: dict[str, str]
    other_case: str
    placement: str


@pytest.fixture(scope="session")
def demo_world_template(request, tmp_path_factory) -> DemoWorldTemplate:
    """Builds the web tests' world once: the demo data, two accounts of other organisations, the demo
    password (demo_password_hash) and an API token for every account, the other AP's case and the
    placement case."""
    if request.config.getoption("--db") == "sqlite":
        location = str(tmp_path_factory.mktemp("demo-world") / "world.sqlite3")
        url = f"sqlite:///{location}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        location = f"demo_world_{uuid.uuid4().hex[:12]}"
        url = server.create_database(location)
    rt = _runtime(url)
    tokens, other, placement = _build_web_world(rt)
    rt.db.dispose()  # a template database must have no connections; a SQLite file is copied whole
    return DemoWorldTemplate(location, tokens, other, placement)


def _runtime(url: str):
    from engine.wiring import Runtime

    return Runtime(url=url, clock=FixedClock(WEB_NOW), policy=load_policy(), registry=default_registry())


def demo_password_hash() -> str:
    """The demo password hashed with scrypt at 1/16 of the production cost (n=2**10) for the tests'
    accounts, which sign in over a thousand times a run. A stored hash names its parameters, so signing
    in checks it exactly as it checks a production one."""
    from cli.demo_data import DEMO_PASSWORD
    from engine import accounts

    return accounts.hash_password(DEMO_PASSWORD, n=2**10)


def _build_web_world(rt) -> tuple[dict[str, str], str, str]:
    from cli.demo_data import DEMO_PASSWORD, load_demo
    from engine import accounts
    from engine.models import User

    rt.upgrade()
    with rt.engine() as eng:
        eng.deploy(REINTEGRATION.read_bytes(), str(REINTEGRATION), "system")
    load_demo(rt)
    tokens = {}
    with rt.engine() as eng:
        for name, (role, org) in OTHER_PEOPLE.items():
            accounts.create_account(eng.session, name, role, rt.clock.now(), org=org, password=DEMO_PASSWORD)
        for user in eng.session.query(User).all():
            tokens[user.name] = accounts.issue_token(user, rt.clock.now())
            user.password_hash = demo_password_hash()
    with rt.engine() as eng:
        other = eng.start_case("reintegration", OTHER_CASE, "una.ap")["case_id"]
    return tokens, other, _placement_case(rt, PLACEMENT_TASK)


@pytest.fixture
def web_world(db_url, demo_world_template) -> WebWorld:
    """The demo world in this test's own database (`db_url` starts as a copy of the session's), with a
    fresh runtime."""
    rt = _runtime(db_url)
    return WebWorld(rt, dict(demo_world_template.tokens), demo_world_template.other_case,
                    demo_world_template.placement)


#: The web tests' own case, driven along the happy path until this task (host school, in the placement) is ready.
PLACEMENT_TASK = "interim_review_1"


def _placement_case(rt, target: str) -> str:
    from cli.demo_data import ACTOR_BY_LANE, _shifted, shift_days

    days = shift_days(rt.clock.now().date())
    calendar = rt.policy.school_calendar()
    with rt.engine() as eng:
        case_id = eng.start_case("reintegration", {**_shifted(scenarios.START_DATA, days, calendar),
                                                   "pupil_name": "Kim Placement"}, "ava.ap")["case_id"]
    for _ in range(len(scenarios.HAPPY_PATH)):
        with rt.engine() as eng:
            ready = {t["task"]: t for t in eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"]}
            element = next(e for e in scenarios.HAPPY_PATH if e in ready)
            if element == target:  # the path's earlier tasks (dual registration, beside it) are done
                return case_id
            eng.complete_task(ready[element]["task_id"], _shifted(scenarios.HAPPY_PATH[element], days, calendar),
                              ACTOR_BY_LANE[ready[element]["lane"]])
    raise AssertionError(f"the happy path never reached {target}")


@pytest.fixture
def web_app(web_world):
    from web import create_app

    return create_app(web_world.runtime, {"TESTING": True})


@pytest.fixture
def signed_in(web_app):
    """signed_in(name) -> a test client with that user signed in through the sign-in form."""
    import re

    from cli.demo_data import DEMO_PASSWORD

    def sign_in(name: str):
        client = web_app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post("/sign-in", data={"name": name, "password": DEMO_PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in


@pytest.fixture
def run_cli(db_url, monkeypatch, capsys):
    """`reintegrate` run in-process on the test database with a fixed clock: (exit code, stdout, stderr)."""
    import io

    from cli.main import main

    monkeypatch.setenv("REINTEGRATE_DATABASE_URL", db_url)
    monkeypatch.setenv("REINTEGRATE_ENV", "test")
    monkeypatch.setenv("REINTEGRATE_FAKE_NOW", "2026-03-02T09:00:00+00:00")

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
