"""Wiring for command-line calls: configuration from the environment, one transaction per command."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from engine.clock import Clock, clock_from_env
from engine.db import database_url, make_engine, session_factory, upgrade
from engine.facade import Engine
from engine.policy import Policy, load_policy
from engine.runtime import SpecCache
from handlers import default_registry


@dataclass
class App:
    """What a command needs; built once per process from the environment."""

    url: str
    clock: Clock
    policy: Policy

    @classmethod
    def from_env(cls) -> App:
        return cls(url=database_url(), clock=clock_from_env(), policy=load_policy())

    @cached_property
    def db(self):
        return make_engine(self.url)

    @cached_property
    def sessions(self):
        return session_factory(self.db)

    @cached_property
    def registry(self):
        return default_registry()

    @cached_property
    def specs(self) -> SpecCache:
        return SpecCache()

    def upgrade(self) -> None:
        upgrade(self.db)

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        """An engine on a new session: committed if the block succeeds, rolled back if not."""
        with self.sessions() as session:
            try:
                yield Engine(session, self.clock, self.registry, self.policy, self.specs)
                session.commit()
            except BaseException:
                session.rollback()
                raise
