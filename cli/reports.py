"""`reintegrate report NAME --year 2025/26 [--term T] [--school S] [--process P] [--format table|csv|json]`:
the reports the service is judged by (schooling.reports), and `report rebuild-facts`."""
from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

from engine.wiring import Runtime as App
from schooling import reports

from . import commands as c
from .output import emit


def register(parent, sub) -> None:
    """Add one subcommand per report under `report`; `timetables` keeps its `--half-term` list."""
    for name, (title, about, _) in reports.REPORTS.items():
        p = sub(parent, name, run, f"{title}: {about}")
        p.add_argument("--year", help="academic year such as 2025/26 (default: this one)")
        p.add_argument("--term", help="autumn, spring or summer")
        p.add_argument("--school", help="a home, host or AP school's name, exactly as on the cases")
        p.add_argument("--process", help="one process, such as outreach_support")
        p.add_argument("--format", choices=("table", "csv", "json"), default="table")
        p.add_argument("--as", dest="actor", help="run it as this account, over the cases it may count "
                                                  "(default: the command line's system actor, every case)")
        p.set_defaults(report=name)
        if name == "timetables":
            p.add_argument("--half-term", action="store_true",
                           help="instead, send the list for the half term that last ended to social care, "
                                "youth justice and early help, if not sent yet (the scheduler sends it by itself)")
    sub(parent, "rebuild-facts", rebuild, "extract every case's report facts afresh from its data")


def run(app: App, args) -> int:
    if getattr(args, "half_term", False):
        return c.report_timetables(app, args)
    today = app.clock.now().astimezone(ZoneInfo(app.policy.timezone)).date()
    with app.engine() as eng:
        f = reports.make_filter(args.year, args.term, args.school, args.process, today)
        viewer = eng.reads.actor(args.actor or "system")
        result = eng.reads.service(reports.run_report, args.report, f, today, viewer=viewer)
    fmt = "json" if args.json else args.format
    if fmt == "csv":
        sys.stdout.write(reports.to_csv(result))
    else:
        emit(result.to_json(), fmt == "json", reports.to_text(result))
    return 0


def rebuild(app: App, args) -> int:
    with app.engine() as eng:
        count = eng.rebuild_projections()
    emit({"cases": count}, args.json, f"report facts rebuilt for {count} case(s)")
    return 0
