"""The timer poller: APScheduler reads the timer table and fires what is due (ARCHITECTURE rule 4).

APScheduler only sets the rhythm; its job store holds nothing but the poll job. The truth is the
`timers` table, read on every tick.
"""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from .wiring import Runtime

log = logging.getLogger(__name__)


def fire_due(runtime: Runtime) -> int:
    """Fire every timer due now; log and carry on if a run fails (the next tick retries)."""
    try:
        with runtime.engine() as eng:
            fired = eng.fire_due_timers()
    except Exception:
        log.exception("firing due timers failed; will retry on the next tick")
        return 0
    for f in fired:
        log.info("fired timer %s on case %s", f["task"], f["case_id"])
    return len(fired)


def make_scheduler(runtime: Runtime, *, blocking: bool, interval_seconds: int = 30):
    """A scheduler whose one job polls the timer table every `interval_seconds`."""
    scheduler = BlockingScheduler() if blocking else BackgroundScheduler(daemon=True)
    scheduler.add_job(fire_due, "interval", seconds=interval_seconds, args=[runtime], id="fire_due_timers",
                      max_instances=1, coalesce=True)
    return scheduler
