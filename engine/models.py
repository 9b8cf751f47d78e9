"""SQLAlchemy 2.0 models: the engine's tables."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value

    def process_result_value(self, value, dialect):
        from datetime import UTC

        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None  # PostgreSQL: in the session's TimeZone


class Base(DeclarativeBase):
    pass


class ProcessVersion(Base):
    """A deployed BPMN document, immutable, stored once by content hash."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    # Other documents deployed with the diagram, by file name: the DMN tables its rule tasks call.
    documents: Mapped[dict | None] = mapped_column(JSON, nullable=True, deferred=True)
    info: Mapped[dict] = mapped_column(JSON, deferred=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str] = mapped_column(String(100))


class Case(Base):
    """A running or finished case, pinned to the process version it started on."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Deferred: a step whose workflow is cached (engine/workflow_cache.py), and every list, never reads it.
    state: Mapped[str] = mapped_column(Text, deferred=True)
    data: Mapped[dict] = mapped_column(JSON)
    pupil_initials: Mapped[str] = mapped_column(String(10), default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    history_seq: Mapped[int] = mapped_column(Integer, default=0)
    history_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    started_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # Optimistic concurrency: every save bumps the revision and fails if another did first.
    __mapper_args__ = {"version_id_col": revision}


class ReadyTask(Base):
    """Projection of a case's ready user tasks, rewritten after every engine run."""

    __tablename__ = "ready_tasks"
    __table_args__ = (Index("ix_ready_tasks_lane_due", "lane", "due"), Index("ix_ready_tasks_due", "due"),
                      Index("ix_ready_tasks_claimed_by", "claimed_by"),
                      # The task list's order (no due date last), by lane: engine.queries.DUE_ORDER.
                      Index("ix_ready_tasks_lane_due_order", "lane", text("coalesce(due, '~')"), "created_at", "id"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    element: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(50), nullable=True)
    due: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who has said they are doing it; carried over when the engine rewrites the projection.
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Timer(Base):
    """A waiting timer with its absolute due time: the scheduler's source of truth."""

    __tablename__ = "timers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    element: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ClosedTask(Base):
    """A user task that is no longer ready, and why (completed, or withdrawn when the case moved on
    without it): an answer that arrives late is told which, as a conflict, not "no such task"."""

    __tablename__ = "closed_tasks"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    element: Mapped[str] = mapped_column(String(100))
    how: Mapped[str] = mapped_column(String(20))  # "completed" or "withdrawn"
    closed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HistoryEvent(Base):
    """One state change of a case. Append-only; each hash covers the previous one and this event's
    payload digest (engine/history.py): retention may erase `data` and `salt`, nothing else."""

    __tablename__ = "history_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    element: Mapped[str | None] = mapped_column(String(100), nullable=True)
    data: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)  # None: erased by retention
    salt: Mapped[str | None] = mapped_column(String(32), nullable=True)
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of salt + the payload's canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class OutboxMessage(Base):
    """An email written with the state change that caused it, delivered later with retries."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True, nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Given up on (a header it cannot carry, a recipient refused, retries spent): `last_error` says why.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The task a reminder or escalation is about; a message not sent by the time that task stops being ready
    # (done, withdrawn, the case ended) is cancelled, not deleted: `cancelled_at`, `last_error` says why.
    about_task: Mapped[str | None] = mapped_column(String(100), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class User(Base):
    """A person who acts on cases: their role is a lane; their organisation limits which cases."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(50))
    org: Mapped[str | None] = mapped_column(String(255), nullable=True)  # the register entry's name
    # The organisation the account acts for, in the register (engine.organisations; migration 0010).
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    email: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)  # engine.accounts
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True, index=True)  # not read: api_tokens


class AccessLog(Base):
    """Who read which case, when: children's special-category data must show who looked at it."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(40))


def set_case_status(session, case: Case, status: str, error: str | None, extensions) -> None:
    """Change a case's status outside an engine run (error, retry), keeping the service's projections
    (`engine.extensions`) in step."""
    case.status, case.error = status, error
    extensions.status_changed(session, case)


from . import organisations as _organisations  # noqa: E402,F401  (the table users.org_id points at)
