"""`serve`, `scheduler` and `demo`: the long-running commands."""
from __future__ import annotations

import logging

from engine.scheduler import fire_due, make_scheduler, single_scheduler_lock
from engine.wiring import Runtime

from .demo_data import DEMO_PASSWORD, load_demo

log = logging.getLogger("reintegrate")


def _quiet_logs() -> None:
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def serve(rt: Runtime, args) -> int:
    from werkzeug.serving import run_simple

    from web import create_app

    _quiet_logs()
    app = create_app(rt)  # first: a missing secret key stops it before anything starts
    if not args.no_scheduler:
        rt.scheduler_lock = single_scheduler_lock(rt)
        make_scheduler(rt, blocking=False).start()
        log.info("embedded scheduler polling the timer table every 30 s")
    print(f"Serving on http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    run_simple(args.host, args.port, app, threaded=True)
    return 0


def scheduler(rt: Runtime, args) -> int:
    _quiet_logs()
    rt.scheduler_lock = single_scheduler_lock(rt)
    fire_due(rt)  # timers that fell due while nothing ran fire now, in due order
    log.info("scheduler polling the timer table every %s s", args.interval)
    make_scheduler(rt, blocking=True, interval_seconds=args.interval).start()
    return 0


def demo(rt: Runtime, args) -> int:
    from .commands import init_db

    args.json = False
    init_db(rt, args)
    print(load_demo(rt))
    print(f"demo accounts sign in with the password: {DEMO_PASSWORD}")
    return serve(rt, args)
