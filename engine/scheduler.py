"""The timer poller: APScheduler reads the timer table and fires what is due (docs/architecture.md, rule 4).

APScheduler only sets the rhythm; its job store holds nothing but the poll job. The truth is the
`timers` table, read on every tick. After each pass the process records its heartbeat
(engine.heartbeat), so that a scheduler that stops is noticed.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from . import heartbeat
from .wiring import Runtime

log = logging.getLogger(__name__)


def fire_due(runtime: Runtime, worker: str = "scheduler", beat_as: str | None = None) -> int:
    """Fire every timer due now; log and carry on if a pass fails (the next tick retries). With
    `beat_as`, record that scheduler's heartbeat afterwards, with the pass's error if it failed."""
    try:
        report = runtime.fire_due(worker)
    except Exception as exc:
        log.exception("firing due timers failed; will retry on the next tick")
        if beat_as:
            record_beat(runtime, beat_as, error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return 0
    for f in report.fired:
        log.info("fired timer %s on case %s", f["task"], f["case_id"])
    for f in report.failed:
        log.warning("case %s: timer failed: %s%s", f["case_id"], f["error"],
                    " (case now in error)" if f["case_in_error"] else "")
    if beat_as:
        record_beat(runtime, beat_as, fired=len(report.fired))
    return len(report.fired)


def record_beat(runtime: Runtime, name: str, fired: int = 0, error: str | None = None) -> None:
    """Write scheduler `name`'s heartbeat in its own transaction; a failure is logged, never raised."""
    try:
        with runtime.sessions() as session:
            heartbeat.beat(session, name, runtime.clock.now(), fired, error)
            session.commit()
    except Exception:
        log.exception("could not record the scheduler heartbeat")


def record_stop(runtime: Runtime, name: str) -> None:
    """Write that scheduler `name` stopped cleanly; a failure is logged, never raised."""
    try:
        with runtime.sessions() as session:
            heartbeat.stopped(session, name, runtime.clock.now())
            session.commit()
    except Exception:
        log.exception("could not record the scheduler's stop")


class SchedulerAlreadyRunning(RuntimeError):
    """A second scheduler on one SQLite database."""


def single_scheduler_lock(runtime: Runtime):
    """On SQLite, one scheduler at a time: an exclusive lock file beside the database.

    Returns the open lock file (keep it for the process's life), or None on PostgreSQL, where any
    number of schedulers share the work through row leases.
    """
    url = runtime.db.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    import fcntl
    import os

    handle = open(f"{url.database}.scheduler.lock", "a+")  # noqa: SIM115  (held for the process's life)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise SchedulerAlreadyRunning(
            f"a scheduler (pid {holder}) already runs on {url.database}; on SQLite only one may run at a "
            "time (start `serve --no-scheduler`, or use PostgreSQL to run several)") from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def send_outbox(runtime: Runtime) -> int:
    """Deliver due mail; failures are recorded on each message and retried with back-off."""
    try:
        report = runtime.send_outbox()
    except Exception:
        log.exception("delivering the outbox failed; will retry on the next tick")
        return 0
    if report and (report.sent or report.failed):
        log.info("outbox: %d sent, %d failed", report.sent, report.failed)
        for error in report.errors or []:
            log.warning("outbox: %s", error)
    return report.sent if report else 0


def run_periodic(runtime: Runtime, job: Callable[[Any], Any]) -> Any:
    """`job(engine)` in one transaction (the service's own periodic work, such as a list due once a half
    term); a failure is logged and the next tick tries again, never raised."""
    try:
        return runtime.transact(job)
    except Exception:
        log.exception("periodic job %s failed; will retry on the next tick", getattr(job, "__name__", job))
        return None


def make_scheduler(runtime: Runtime, *, blocking: bool, interval_seconds: int = 30, beat_as: str | None = None,
                   periodic: Iterable[Callable[[Any], Any]] = ()):
    """A scheduler whose jobs poll the timer table and the outbox every `interval_seconds`; the timer
    poll records the heartbeat of `beat_as` (this process's host:pid by default). Each of `periodic`
    runs on the same rhythm as `job(engine)` in its own transaction (`run_periodic`): it must do its
    work once, whatever the number of ticks, restarts and schedulers (its state in the database)."""
    scheduler = BlockingScheduler() if blocking else BackgroundScheduler(daemon=True)
    scheduler.add_job(fire_due, "interval", seconds=interval_seconds, args=[runtime],
                      kwargs={"beat_as": beat_as or heartbeat.process_name()}, id="fire_due",
                      max_instances=1, coalesce=True)
    scheduler.add_job(send_outbox, "interval", seconds=interval_seconds, args=[runtime], id="send_outbox",
                      max_instances=1, coalesce=True)
    for job in periodic:
        scheduler.add_job(run_periodic, "interval", seconds=interval_seconds, args=[runtime, job], id=job.__name__,
                          max_instances=1, coalesce=True)
    return scheduler
