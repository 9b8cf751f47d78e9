"""The composition root: configuration from the environment, and one transaction per engine call.

The command line, the web app and the scheduler each build one `Runtime` and pass it the handler
registry; the engine itself reaches for none of this."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from .clock import Clock, clock_from_env
from .db import database_url, make_engine, session_factory, upgrade
from .facade import Engine
from .policy import Policy, load_policy
from .registry import HandlerRegistry
from .runtime import SpecCache


@dataclass
class Runtime:
    """What a caller needs to run the engine; built once per process."""

    url: str
    clock: Clock
    policy: Policy
    registry: HandlerRegistry

    @classmethod
    def from_env(cls, registry: HandlerRegistry) -> Runtime:
        return cls(url=database_url(), clock=clock_from_env(), policy=load_policy(), registry=registry)

    @cached_property
    def db(self):
        return make_engine(self.url)

    @cached_property
    def sessions(self):
        return session_factory(self.db)

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
