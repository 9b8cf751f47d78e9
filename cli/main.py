"""Entry point of the `reintegrate` console script."""
from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy.exc import OperationalError, ProgrammingError

from engine import logs
from engine.errors import DamagedState, EngineError, InvalidProcess, StepFailed
from engine.scheduler import SchedulerAlreadyRunning
from engine.wiring import Runtime as App
from handlers import default_registry

from . import accounts, data_protection, incidents, operations, organisations, reports, serving
from . import commands as c
from . import process_commands as pc
from .output import one_line


class _Parser(argparse.ArgumentParser):
    """argparse, failing as every command fails: one line on stderr, the reason and where to look
    (the usage text argparse prints above it is what `--help` is for). Subcommands inherit it."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {one_line(message)} (see `{self.prog} --help`)\n")


def _whole_number(low: int, high: int):
    """An argparse type: a whole number from `low` to `high` (argparse words the refusal)."""
    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is not from {low} to {high:,}")
        return number
    return parse


def _sub(parent, name: str, fn, help_text: str):
    p = parent.add_parser(name, help=help_text)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(fn=fn, prog=p.prog)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reintegrate", description="Reintegration from AP: case workflow")
    top = parser.add_subparsers(dest="command", required=True)
    _sub(top, "init-db", pc.init_db, "create or upgrade the schema, deploy processes/")
    proc = top.add_parser("process", help="validate, deploy and list process versions").add_subparsers(
        dest="sub", required=True)
    _sub(proc, "validate", pc.process_validate, "run every deploy check").add_argument("files", nargs="+")
    p = _sub(proc, "deploy", pc.process_deploy, "deploy new immutable versions")
    p.add_argument("files", nargs="+")
    p.add_argument("--as", dest="actor")
    _sub(proc, "list", pc.process_list, "deployed versions")
    p = _sub(proc, "diff", pc.process_diff, "elements added, removed and changed between two versions")
    p.add_argument("process")
    p.add_argument("old", type=int)
    p.add_argument("new", type=int)
    p = _sub(proc, "migrate", pc.process_migrate, "move running cases to another version")
    p.add_argument("cases", nargs="+")
    p.add_argument("--to", type=int, help="the version to move to")
    p.add_argument("--revert", action="store_true", help="back to the version each case came from")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--as", dest="actor")
    incidents.register(top, proc, _sub)
    case = top.add_parser("case", help="start, show and message cases").add_subparsers(dest="sub", required=True)
    p = _sub(case, "start", c.case_start, "start a case")
    p.add_argument("process")
    p.add_argument("--data", help="JSON object, or @file")
    p.add_argument("--as", dest="actor")
    p = _sub(case, "show", c.case_show, "status, data, ready tasks, timers")
    p.add_argument("case")
    p.add_argument("--as", dest="actor", help="who is reading (written to the access log; default: your login)")
    p = _sub(case, "message", c.case_message, "deliver a message")
    p.add_argument("case")
    p.add_argument("name")
    p.add_argument("--data", help="JSON object, or @file")
    p.add_argument("--as", dest="actor")
    p = _sub(case, "retry", c.case_retry, "put a case in error back to running")
    p.add_argument("case")
    p.add_argument("--as", dest="actor")
    task = top.add_parser("task", help="list, show and complete tasks").add_subparsers(dest="sub", required=True)
    p = _sub(task, "list", c.task_list, "ready tasks, by due date (the web's and the API's task list)")
    p.add_argument("--case")
    p.add_argument("--lane")
    p.add_argument("--as", dest="actor", help="the tasks this account is shown (default: every lane)")
    p = _sub(task, "show", c.task_show, "one task with its form")
    p.add_argument("task")
    p.add_argument("--as", dest="actor", help="who is reading (written to the access log; default: your login)")
    p = _sub(task, "complete", c.task_complete, "validate and complete a task; mark a plain or manual task done")
    p.add_argument("task")
    p.add_argument("--data", help="the form's data: JSON object, or @file (none: an empty form)")
    p.add_argument("--note", help="a plain or manual task's optional note")
    p.add_argument("--as", dest="actor", required=True)
    timers = top.add_parser("timers", help="timers").add_subparsers(dest="sub", required=True)
    _sub(timers, "fire", c.timers_fire, "fire every timer due now, once")
    p = _sub(top, "history", c.history, "a case's event log")
    p.add_argument("case")
    p.add_argument("--as", dest="actor", help="who is reading (written to the access log; default: your login)")
    p = _sub(top, "replay", c.replay, "rebuild a case from its events; --verify checks it")
    p.add_argument("case")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--until", type=int, help="replay events up to this seq")
    when.add_argument("--at", help="the case as it stood at this ISO date-time")
    p.add_argument("--verify", action="store_true", help="check the hash chain and the stored state")
    p.add_argument("--as", dest="actor", help="who is reading (written to the access log; default: your login)")
    audit = top.add_parser("audit", help="check case histories").add_subparsers(dest="sub", required=True)
    p = _sub(audit, "verify", c.audit_verify, "replay and verify cases")
    p.add_argument("cases", nargs="*")
    p.add_argument("--all", action="store_true")
    outbox = top.add_parser("outbox", help="queued and sent mail").add_subparsers(dest="sub", required=True)
    p = _sub(outbox, "list", c.outbox_list, "queued, sent and failed messages")
    p.add_argument("--pending", action="store_true", help="only messages still to be sent")
    p.add_argument("--failed", action="store_true", help="only messages given up on, with the reason")
    p.add_argument("--as", dest="actor", help="who is reading (written to the access log; default: your login)")
    _sub(outbox, "send", c.outbox_send, "deliver what is due now, once")
    report = top.add_parser("report", help="reports, and scheduled lists").add_subparsers(dest="sub", required=True)
    reports.register(report, _sub)
    semh = top.add_parser("semh", help="SEMH core offer places").add_subparsers(dest="sub", required=True)
    p = _sub(semh, "allocate", c.semh_allocate, "allocate a nominated young person a place (inclusion meeting)")
    p.add_argument("case")
    p.add_argument("--offer", choices=("core", "additional"), required=True)
    p.add_argument("--meeting-date", required=True)
    p.add_argument("--as", dest="actor", required=True)
    p = _sub(semh, "exclusion", c.semh_exclusion, "a permanent exclusion withdraws one of the school's core places")
    p.add_argument("school")
    p.add_argument("--date", required=True)
    p.add_argument("--as", dest="actor", required=True)
    _sub(semh, "places", c.semh_places, "core places per school in a term").add_argument(
        "term", help="such as '2026/27 autumn'")
    accounts.register(top, _sub)
    data_protection.register(top, case, _sub)
    operations.register(top, _sub)
    organisations.register(top, _sub)
    for name, fn, help_text in (("serve", serving.serve, "web app with an embedded scheduler"),
                                ("demo", serving.demo, "init, load demo data, serve")):
        p = _sub(top, name, fn, help_text)
        p.add_argument("--host", default=os.environ.get("REINTEGRATE_HOST", "127.0.0.1"),
                       help="default REINTEGRATE_HOST or 127.0.0.1")
        p.add_argument("--port", type=_whole_number(1, 65535), default=os.environ.get("REINTEGRATE_PORT", "5000"),
                       help="default REINTEGRATE_PORT or 5000")
        p.add_argument("--no-scheduler", action="store_true", help="a separate `reintegrate scheduler` runs")
        p.add_argument("--workers", type=int, help="gunicorn worker processes (default REINTEGRATE_WEB_WORKERS or 2)")
        p.add_argument("--threads", type=int, help="threads per worker (default REINTEGRATE_WEB_THREADS or 4)")
    p = _sub(top, "scheduler", serving.scheduler, "the timer poller alone")
    p.add_argument("--interval", type=_whole_number(1, 86400), default=30, help="seconds between polls")
    return parser


def main(argv: list[str] | None = None) -> int:
    registry = default_registry()  # first: it registers the service's roles and kinds the options offer
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # refused by the command's own help, not the top level's
        _Parser(prog=getattr(args, "prog", parser.prog)).error(f"unrecognized arguments: {' '.join(extra)}")
    # The long-running commands log JSON lines in production (for a log collector); the rest plain text.
    logs.configure(json_lines=args.command in ("serve", "scheduler") and not serving.development_mode())
    try:
        return args.fn(App.from_env(registry), args)
    except InvalidProcess as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except StepFailed as exc:
        incident = f" (incident #{exc.incident_id}: `reintegrate incident list`)" if exc.incident_id else ""
        return c.fail(f"{exc}; nothing was saved{incident}", exc.exit_code)
    except EngineError as exc:
        return c.fail(str(exc), exc.exit_code)
    except (c.UsageError, serving.Refused) as exc:
        return c.fail(str(exc), 2)
    except (OperationalError, ProgrammingError) as exc:
        if isinstance(exc, ProgrammingError) and getattr(exc.orig, "sqlstate", None) != "42P01" \
                and os.environ.get("REINTEGRATE_DEBUG"):
            raise  # a real SQL error, not PostgreSQL's "undefined table": where, when asked for
        reason = str(exc.orig).splitlines()[0] if str(exc.orig) else type(exc.orig).__name__
        missing = "no such table" in reason or getattr(exc.orig, "sqlstate", None) == "42P01"
        return c.fail(f"database error: {reason}" + ("; has `reintegrate init-db` been run?" if missing else ""), 1)
    except DamagedState as exc:  # the data is at fault, as a database error is
        return c.fail(f"{exc}; nothing was changed", 1)
    except ValueError as exc:  # configuration: FAKE_NOW refused, bad policy file
        return c.fail(str(exc), 2)
    except SchedulerAlreadyRunning as exc:
        return c.fail(str(exc), 3)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as other commands do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 141
    except (RecursionError, MemoryError) as exc:  # input too deep or too big for a check that missed it
        return c.fail(f"the input is too deeply nested or too large to handle ({type(exc).__name__})", 2)
    except Exception as exc:  # a bug: one line here, the traceback in the log when asked for
        if os.environ.get("REINTEGRATE_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        return c.fail(f"unexpected error, nothing was saved: {type(exc).__name__}: {first[:300]} "
                      "(set REINTEGRATE_DEBUG=1 to see where)", 70)


if __name__ == "__main__":
    sys.exit(main())
