"""The composition root: configuration from the environment, and one transaction per engine call.

The command line, the web app and the scheduler each build one `Runtime` and pass it the handler
registry; the engine itself reaches for none of this."""
from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any, TypeVar

from . import incidents
from .clock import Clock, clock_from_env
from .db import database_url, is_transient, make_engine, safe_url, session_factory, upgrade
from .errors import StepFailed
from .facade import Engine
from .heartbeat import DEFAULT_STALE_AFTER
from .locations import mail_dirs, policy_path
from .mail import MailRenderer
from .outbox import DeliveryReport, deliver_due
from .registry import HandlerRegistry
from .runtime import SpecCache
from .serialization import StateSerializer
from .smtp import TRUE, SmtpSettings, SmtpTransport
from .timers import FireReport, fire_due
from .workflow_cache import WorkflowCache

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Runtime:
    """What a caller needs to run the engine; built once per process."""

    url: str
    clock: Clock
    policy: Any  # the service's policy (engine.extensions.BasicPolicy: what the engine reads of it)
    registry: HandlerRegistry
    base_url: str = "http://127.0.0.1:5000"
    smtp_url: str | None = None
    workflow_cache_size: int = 128  # about 150 KiB each for a reintegration case midway
    mail_dirs: list | None = None  # mail template folders, searched in order; None: the shipped ones
    smtp_ca_file: str | None = None  # a private CA trusted besides the system's, for the SMTP server
    smtp_allow_plain_auth: bool = False  # send the SMTP password without TLS (refused unless set)
    scheduler_stale_after: timedelta = DEFAULT_STALE_AFTER  # no scheduler beat for longer: reported

    @classmethod
    def from_env(cls, registry: HandlerRegistry) -> Runtime:
        env = os.environ
        runtime = cls(url=database_url(), clock=clock_from_env(), policy=registry.extensions.load_policy(policy_path()),
                      registry=registry,
                      base_url=env.get("REINTEGRATE_BASE_URL", "http://127.0.0.1:5000"),
                      smtp_url=env.get("REINTEGRATE_SMTP_URL") or None,
                      workflow_cache_size=_int_env("REINTEGRATE_WORKFLOW_CACHE", 128), mail_dirs=mail_dirs(),
                      smtp_ca_file=env.get("REINTEGRATE_SMTP_CA_FILE") or None,
                      smtp_allow_plain_auth=env.get("REINTEGRATE_SMTP_ALLOW_PLAIN_AUTH", "").lower() in TRUE,
                      scheduler_stale_after=timedelta(seconds=_int_env("REINTEGRATE_SCHEDULER_STALE_SECONDS", 300)))
        runtime.transport  # noqa: B018  (bad SMTP settings fail at start, not at the first mail)
        return runtime

    def __repr__(self) -> str:
        """Without secrets: the database URL's password and the SMTP password are masked."""
        smtp = self.transport.settings.display_url() if self.smtp_url else None
        return f"Runtime(url={safe_url(self.url)!r}, smtp={smtp!r}, base_url={self.base_url!r})"

    @cached_property
    def transport(self) -> SmtpTransport | None:
        """The SMTP transport, or None: without SMTP settings mail stays in the outbox."""
        if not self.smtp_url:
            return None
        return SmtpTransport(SmtpSettings.from_url(self.smtp_url, self.smtp_ca_file, self.smtp_allow_plain_auth))

    def fire_due(self, worker: str = "scheduler") -> FireReport:
        """Fire every timer due now, once, each case in its own transaction."""
        return fire_due(self.engine, self.clock.now, worker)

    def send_outbox(self) -> DeliveryReport | None:
        """Deliver what is due now; None when no SMTP server is configured."""
        if self.transport is None:
            return None
        return deliver_due(self.sessions, self.clock.now, self.transport)

    @cached_property
    def mail(self) -> MailRenderer:
        if self.mail_dirs:
            return MailRenderer(self.mail_dirs, base_url=self.base_url, timezone=self.policy.timezone)
        return MailRenderer(base_url=self.base_url, timezone=self.policy.timezone)

    @cached_property
    def db(self):
        return make_engine(self.url)

    @cached_property
    def sessions(self):
        return session_factory(self.db)

    @cached_property
    def specs(self) -> SpecCache:
        return SpecCache()

    @cached_property
    def serializer(self) -> StateSerializer:
        return StateSerializer()  # its converter registry takes milliseconds to build

    @cached_property
    def workflows(self) -> WorkflowCache:
        return WorkflowCache(self.workflow_cache_size)

    def upgrade(self) -> dict[str, int] | None:
        """Schema to the latest revision, and the organisations register loaded (engine.db.upgrade)."""
        return upgrade(self.db)

    def transact(self, fn: Callable[[Engine], T], attempts: int = 3) -> T:
        """`fn(engine)` in one transaction, run again (from the start, on a new session) when the
        database rolled it back as the loser of a deadlock or a serialization conflict, or SQLite
        stayed locked: up to `attempts` runs, each retry logged. Anything else propagates at once."""
        for attempt in range(1, attempts):
            try:
                with self.engine() as eng:
                    return fn(eng)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                log.warning("transaction rolled back by the database (%s); running it again (attempt %d of %d)",
                            str(getattr(exc, "orig", exc)).splitlines()[0], attempt + 1, attempts)
                time.sleep(_backoff(attempt - 1))
        with self.engine() as eng:  # the last attempt: whatever it raises is the caller's
            return fn(eng)

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        """An engine on a new session: committed if the block succeeds, rolled back if not."""
        with self.sessions() as session:
            try:
                engine = Engine(session, self.clock, self.registry, self.policy, self.specs, self.serializer,
                                mail=self.mail, workflows=self.workflows)
                yield engine
                session.commit()
                engine.committed()
            except StepFailed as failure:  # the case stays as it was; the incident is kept on its own
                session.rollback()
                incidents.record(self.sessions, failure, self.clock.now())
                raise
            except BaseException:
                session.rollback()
                raise


def _backoff(attempt: int) -> float:
    """Seconds before running a transaction again: 20, 40, 80 ms ..., with jitter so that the two
    sides of a deadlock do not meet again."""
    return 0.02 * 2 ** attempt * (0.5 + random.random())


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
