"""Shared fixtures: a real SQLite database per test, a fake clock, and a harness that drives the
engine the way the CLI does: one session and one transaction per call, so every step of every test
saves the workflow and restores it from the database."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cli import scenarios
from engine.access import add_user
from engine.clock import FixedClock
from engine.db import make_engine, session_factory, upgrade
from engine.facade import Engine
from engine.policy import load_policy
from engine.registry import HandlerRegistry
from engine.runtime import SpecCache
from engine.timers import fire_due
from handlers import default_registry

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REINTEGRATION = ROOT / "processes" / "reintegration.bpmn"

PEOPLE = {
    "ava.ap": ("ap_setting", scenarios.START_DATA["ap_setting"]),
    "lee.la": ("la_admissions", scenarios.START_DATA["local_authority"]),
    "hana.host": ("host_school", scenarios.HAPPY_PATH["record_fair_access_decision"]["host_school"]),
    "omar.home": ("home_school", scenarios.START_DATA["home_school"]),
    "ada.admin": ("admin", None),
    "aud.auditor": ("auditor", None),
    "wes.wrong": ("host_school", "Westfield School"),
}


class Harness:
    """Engine calls in their own transactions, as a request or a command makes them."""

    def __init__(self, url: str, clock: FixedClock, registry: HandlerRegistry, policy):
        self.url, self.clock, self.registry, self.policy = url, clock, registry, policy
        self.db = make_engine(url)
        upgrade(self.db)
        self.sessions = session_factory(self.db)
        self.specs = SpecCache()

    def call(self, method: str, *args, **kwargs):
        with self.sessions() as session:
            engine = Engine(session, self.clock, self.registry, self.policy, self.specs)
            try:
                result = getattr(engine, method)(*args, **kwargs)
                session.commit()
                return result
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def transaction(self):
        with self.sessions() as session:
            try:
                yield Engine(session, self.clock, self.registry, self.policy, self.specs)
                session.commit()
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
        return self.call("deploy", path.read_bytes(), str(path), "tester").to_json()

    def task(self, case_id: str, element: str) -> dict:
        ready = [t for t in self.call("show_case", case_id)["ready_tasks"] if t["task"] == element]
        assert ready, f"{element} is not ready on {case_id}"
        return ready[0]

    def complete(self, case_id: str, element: str, data: dict, actor: str) -> dict:
        return self.call("complete_task", self.task(case_id, element)["task_id"], data, actor)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def policy():
    return load_policy()


@pytest.fixture
def make_harness(tmp_path, clock, policy):
    def make(registry: HandlerRegistry | None = None) -> Harness:
        return Harness(f"sqlite:///{tmp_path / 'test.sqlite3'}", clock, registry or default_registry(), policy)

    return make


@pytest.fixture
def harness(make_harness) -> Harness:
    h = make_harness()
    h.add_people()
    return h
