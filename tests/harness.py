"""The engine test harness: drives the engine the way the command line does, one session and one
transaction per call, with the demo's people; by default it keeps no workflow cache, so every step
saves the workflow and restores it from the database."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from cli import scenarios
from engine import incidents
from engine.access import add_user
from engine.clock import FixedClock
from engine.db import make_engine, session_factory, upgrade
from engine.errors import StepFailed
from engine.facade import Engine
from engine.reads import SystemRead
from engine.registry import HandlerRegistry
from engine.runtime import SpecCache
from engine.serialization import StateSerializer
from engine.timers import fire_due
from engine.workflow_cache import WorkflowCache
from tests.scenario_dates import catch_up

PEOPLE = {
    "ava.ap": ("ap_setting", scenarios.START_DATA["ap_setting"]),
    "lee.la": ("la_admissions", scenarios.START_DATA["local_authority"]),
    "hana.host": ("host_school", scenarios.HAPPY_PATH["allocate_place"]["host_school"]),
    "omar.home": ("home_school", scenarios.START_DATA["home_school"]),
    "ada.admin": ("admin", None),
    "aud.auditor": ("auditor", None),
    "dee.dpo": ("dpo", None),
    "wes.wrong": ("host_school", "Westfield School"),
}


#: The engine's read methods: each needs a viewer, a person or a SystemRead.
READS = ("show_case", "history", "show_task", "replay", "outbox")
TEST_READ = SystemRead("test")


class Harness:
    """Engine calls in their own transactions, as a request or a command makes them."""

    def __init__(self, url: str, clock: FixedClock, registry: HandlerRegistry, policy, cached: bool = False,
                 upgraded: bool = False):
        """`upgraded`: the database is already at the latest schema with the register (a copy of the
        session's schema template), so the migrations are not run again."""
        self.url, self.clock, self.registry, self.policy = url, clock, registry, policy
        self.db = make_engine(url)
        if not upgraded:
            upgrade(self.db)
        self.sessions = session_factory(self.db)
        self.specs = SpecCache()
        # Without a cache every call loads the case's state from the database and rebuilds the workflow.
        self.workflows = WorkflowCache() if cached else None
        self.serializer = StateSerializer()

    def call(self, method: str, *args, **kwargs):
        if method in READS:  # the tests' own reads are the system's, unless a test names a person
            kwargs.setdefault("viewer", TEST_READ)
        with self.transaction() as engine:
            return getattr(engine, method)(*args, **kwargs)

    @contextmanager
    def transaction(self):
        with self.sessions() as session:
            try:
                engine = Engine(session, self.clock, self.registry, self.policy, self.specs, self.serializer,
                                workflows=self.workflows)
                yield engine
                session.commit()
                engine.committed()
            except StepFailed as failure:  # as engine.wiring.Runtime.engine: the incident on its own
                session.rollback()
                incidents.record(self.sessions, failure, self.clock.now())
                raise
            except BaseException:
                session.rollback()
                raise

    def fire(self) -> list[dict]:
        """One scheduler pass; returns what fired (failures are asserted absent)."""
        report = fire_due(self.transaction, self.clock.now, "test")
        assert report.failed == [], report.failed
        return report.fired

    def query(self, fn):
        with self.sessions() as session:
            return fn(session)

    def add_people(self) -> None:
        with self.sessions() as session:
            for name, (role, org) in PEOPLE.items():
                add_user(session, name, role, org, self.clock.now())
            session.commit()

    def deploy(self, path: Path) -> dict:
        return self.call("deploy", path.read_bytes(), str(path), "system").to_json()

    def task(self, case_id: str, element: str) -> dict:
        ready = [t for t in self.call("show_case", case_id)["ready_tasks"] if t["task"] == element]
        assert ready, f"{element} is not ready on {case_id}"
        return ready[0]

    def complete(self, case_id: str, element: str, data: dict, actor: str) -> dict:
        task = self.task(case_id, element)
        self.catch_up(data, task["form"])
        return self.call("complete_task", task["task_id"], data, actor)

    def catch_up(self, data: dict, form: list | None = None) -> None:
        catch_up(self.clock, data, form)
