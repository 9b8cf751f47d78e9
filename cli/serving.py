"""`serve`, `scheduler` and `demo`: the long-running commands.

Outside development mode (`REINTEGRATE_ENV` is `production` unless set to `dev` or `test`), `serve`
runs gunicorn with `REINTEGRATE_WEB_WORKERS` processes of `REINTEGRATE_WEB_THREADS` threads, and its
scheduler (unless `--no-scheduler`) as a `reintegrate scheduler` child process; Werkzeug's development
server runs only in development mode, and so does `demo`.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys

from engine.db import safe_url
from engine.heartbeat import process_name
from engine.scheduler import fire_due, make_scheduler, record_stop, single_scheduler_lock
from engine.wiring import Runtime
from schooling.calendar_check import warn_missing_year
from schooling.timetable_list import send_due_lists

from .demo_data import DEMO_PASSWORD, load_demo, not_demo_data

#: The service's work the scheduler does besides timers and mail: the half-termly timetable list, and the
#: warning that the school calendar is about to run out (logged once a day).
PERIODIC = (send_due_lists, warn_missing_year)

log = logging.getLogger("reintegrate")
DEVELOPMENT_ENVS = ("dev", "test")


class Refused(Exception):
    """A command that must not run in this mode or on this database (exit 2, one line)."""


def development_mode(environ: dict[str, str] | None = None) -> bool:
    """Whether REINTEGRATE_ENV says development (dev) or tests (test); anything else is production."""
    return (os.environ if environ is None else environ).get("REINTEGRATE_ENV", "production") in DEVELOPMENT_ENVS


def _quiet_logs() -> None:
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        number = int(value) if value else default
    except ValueError:
        raise Refused(f"{name} must be a whole number, not {value!r}") from None
    if number < 1:
        raise Refused(f"{name} must be 1 or more, not {number}")
    return number


def _port_free(host: str, port: int) -> None:
    """Refused, in one line, when another program listens on host:port (before anything starts)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except OSError as exc:
        raise Refused(f"cannot serve on {host}: {exc.strerror or exc} (--host or REINTEGRATE_HOST)") from None
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
            probe.bind(address)
    except OSError as exc:
        raise Refused(f"cannot serve on {host}:{port}: {exc.strerror or exc}; stop what uses it, or choose "
                      "another port with --port or REINTEGRATE_PORT") from None


def serve(rt: Runtime, args) -> int:
    _port_free(args.host, args.port)
    if development_mode():
        return _serve_development(rt, args)
    return _serve_production(rt, args)


def _serve_development(rt: Runtime, args) -> int:
    from werkzeug.serving import run_simple

    from web import create_app

    _quiet_logs()
    app = create_app(rt)  # first: a missing secret key stops it before anything starts
    if not args.no_scheduler:
        rt.scheduler_lock = single_scheduler_lock(rt)
        make_scheduler(rt, blocking=False, periodic=PERIODIC).start()
        log.info("embedded scheduler polling the timer table every 30 s")
    print(f"Serving on http://{args.host}:{args.port}/ with the development server (Ctrl+C to stop)", flush=True)
    run_simple(args.host, args.port, app, threaded=True)
    return 0


def _serve_production(rt: Runtime, args) -> int:
    from handlers import default_registry
    from web import create_app, secret_key
    from web.server import GunicornUnavailable, run_gunicorn

    secret_key()  # first: a missing secret key stops it before anything starts
    workers = args.workers or _setting("REINTEGRATE_WEB_WORKERS", 2)
    threads = args.threads or _setting("REINTEGRATE_WEB_THREADS", 4)
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        raise Refused("gunicorn is not installed (pip install 'reintegrate[serve]'); the development server "
                      "runs only with REINTEGRATE_ENV=dev") from None
    scheduler = None
    if not args.no_scheduler:
        scheduler = subprocess.Popen([sys.executable, "-m", "cli.main", "scheduler"])
    print(f"Serving on http://{args.host}:{args.port}/ with gunicorn: {workers} worker(s) x {threads} thread(s)"
          + (f", scheduler pid {scheduler.pid}" if scheduler else ", no scheduler (run `reintegrate scheduler`)"),
          flush=True)
    try:
        run_gunicorn(lambda: create_app(Runtime.from_env(default_registry())), host=args.host, port=args.port,
                     workers=workers, threads=threads)
    except GunicornUnavailable as exc:
        raise Refused(str(exc)) from None
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=30)
    return 0


def scheduler(rt: Runtime, args) -> int:
    _quiet_logs()
    rt.scheduler_lock = single_scheduler_lock(rt)
    name = process_name()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # systemd's stop: record it, as Ctrl+C does
    poller = make_scheduler(rt, blocking=True, interval_seconds=args.interval, beat_as=name, periodic=PERIODIC)
    try:
        fire_due(rt, beat_as=name)  # timers that fell due while nothing ran fire now, in due order
        log.info("scheduler %s polling the timer table every %s s", name, args.interval)
        poller.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if poller.running:
            poller.shutdown(wait=False)
        record_stop(rt, name)
        log.info("scheduler %s stopped", name)
    return 0


def _exit_on_sigterm(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one stop is enough; a second must not cut it short
    raise SystemExit(0)


def demo(rt: Runtime, args) -> int:
    from .process_commands import init_db

    if not development_mode():
        raise Refused("demo runs only in development mode (REINTEGRATE_ENV=dev): it creates accounts with a "
                      "published password")
    _port_free(args.host, args.port)  # before the demo data goes in
    reason = not_demo_data(rt)
    if reason:
        raise Refused(f"demo refuses {safe_url(rt.url)}: {reason}. It loads accounts with a published password, "
                      "so it runs only on an empty database or one that holds demo data alone")
    args.json = False
    init_db(rt, args)
    print(load_demo(rt))
    print(f"demo accounts sign in with the password: {DEMO_PASSWORD}")
    return serve(rt, args)
