"""Firing due timers from the timer table, with leases, back-off and an error state (rule 4).

Each pass claims due timers (a lease: `claimed_until`), then fires each case in its own transaction,
so one failing case never stops the others. A failure is recorded on the case's timers with a
back-off (`not_before`); after `max_failures` the case shows `error` with the reason until an
operator retries it. On PostgreSQL the claim uses `FOR UPDATE SKIP LOCKED`, so several schedulers
share the work and a crashed one's claims are taken over when its lease expires.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from .errors import Conflict
from .facade import Engine
from .history import HistoryWriter
from .models import Case, Timer, set_case_status

log = logging.getLogger(__name__)

Transaction = Callable[[], AbstractContextManager[Engine]]
LEASE = timedelta(minutes=5)
MAX_FAILURES = 5


@dataclass
class FireReport:
    fired: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"fired": self.fired, "failed": self.failed}


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes between attempts, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=1))


def claim(eng: Engine, worker: str, now: datetime, limit: int, lease: timedelta = LEASE,
          exclude: set[str] | frozenset[str] = frozenset(), up_to_id: int | None = None) -> list[str]:
    """Lease the due timers of up to `limit` cases (not those in `exclude`, and only timer rows up to
    `up_to_id`), earliest due first."""
    query = (select(Timer.id, Timer.case_id).join(Case, Case.id == Timer.case_id)
             .where(Timer.due_at <= now, Case.status == "running",
                    or_(Timer.not_before.is_(None), Timer.not_before <= now),
                    or_(Timer.claimed_until.is_(None), Timer.claimed_until < now))
             .order_by(Timer.due_at, Timer.id).limit(limit))
    if up_to_id is not None:
        query = query.where(Timer.id <= up_to_id)
    if exclude:
        query = query.where(Timer.case_id.not_in(sorted(exclude)))
    if eng.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Timer, skip_locked=True)
    rows = eng.session.execute(query).all()
    if rows:
        eng.session.execute(update(Timer).where(Timer.id.in_([r.id for r in rows]))
                            .values(claimed_until=now + lease, claimed_by=worker))
    return list(dict.fromkeys(r.case_id for r in rows))


def record_failure(eng: Engine, case_id: str, error: str, now: datetime, max_failures: int) -> bool:
    """Back off the case's timers; after `max_failures`, put the case in error. True if it is now."""
    timers = eng.session.scalars(select(Timer).where(Timer.case_id == case_id)).all()
    attempts = max((t.attempts for t in timers), default=0) + 1
    for t in timers:
        t.attempts, t.last_error, t.claimed_until = attempts, error, None
        t.not_before = now + retry_delay(attempts)
    if attempts < max_failures:
        return False
    case = eng.session.get(Case, case_id)
    set_case_status(eng.session, case, "error", f"timer firing failed {attempts} times: {error}",
                    eng.registry.extensions)
    history = HistoryWriter(eng.session, case)
    history.append(now, "scheduler", "error", None, {"error": error, "attempts": attempts})
    history.write()
    return True


def release(eng: Engine, case_id: str) -> None:
    """Give a claimed case back at once (someone else changed it first: it is not a failure)."""
    eng.session.execute(update(Timer).where(Timer.case_id == case_id).values(claimed_until=None, claimed_by=None))


def fire_due(transaction: Transaction, now: Callable[[], datetime], worker: str = "scheduler",
             batch: int = 50, max_failures: int = MAX_FAILURES) -> FireReport:
    """Fire every timer due now, once: claim a batch, fire each claimed case in its own transaction,
    and claim again until nothing due is left.

    A case is fired at most once per call. Firing rewrites a case's timer rows, and new rows get
    higher ids, so claiming only rows that existed when the call began keeps a case whose next timer
    is already due (a repeating escalation long overdue) for the next call, however large the
    backlog. Only the few cases that did not fire (a conflict, a failure) are excluded by name."""
    report, not_fired = FireReport(), set()
    with transaction() as eng:
        up_to_id = eng.session.scalar(select(func.max(Timer.id)))
    if up_to_id is None:
        return report
    while True:
        with transaction() as eng:
            case_ids = claim(eng, worker, now(), batch, exclude=not_fired, up_to_id=up_to_id)
        if not case_ids:
            return report
        for case_id in case_ids:
            if not _fire_one(transaction, now, case_id, max_failures, report):
                not_fired.add(case_id)


def _fire_one(transaction: Transaction, now, case_id: str, max_failures: int, report: FireReport) -> bool:
    """Fire one case's due timers; False if it did not (a conflict gave it back, or it failed)."""
    try:
        with transaction() as eng:
            elements = eng.fire_case(case_id)
    except Conflict:  # a person or another worker changed the case meanwhile: try it again next pass
        with transaction() as eng:
            release(eng, case_id)
        return False
    except Exception as exc:  # any failure of one case is recorded; the others go on
        log.exception("firing timers of case %s failed", case_id)
        reason = f"{type(exc).__name__}: {exc}"
        with transaction() as eng:
            in_error = record_failure(eng, case_id, reason, now(), max_failures)
        report.failed.append({"case_id": case_id, "error": reason, "case_in_error": in_error,
                              "incident": getattr(exc, "incident_id", None)})
        return False
    report.fired += [{"case_id": case_id, "task": e} for e in elements]
    return bool(elements)
