"""`reintegrate status` and `reintegrate backup`: what an operator runs (parse, call, print)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from engine.operations import database_checks, status
from engine.wiring import Runtime as App
from schooling.calendar_check import calendar_check, unknown_inset_schools

from .output import emit


def register(top, sub) -> None:
    """Add the operator commands to the parser; `sub` is cli.main's subcommand helper."""
    sub(top, "status", show_status, "schedulers, timers due and overdue, failed mail, open incidents; "
                                     "exit 1 when something needs attention")
    sub(top, "backup", backup, "copy the SQLite database to PATH while it runs (PostgreSQL: pg_dump)").add_argument(
        "path", help="the new file (refused if it exists)")


def show_status(app: App, args) -> int:
    checks = database_checks(app.db)
    if not checks["schema"]["ok"]:
        problem = checks["database"].get("error") or checks["schema"]["error"]
        emit({"ok": False, "attention": [problem], **checks}, args.json, f"ATTENTION: {problem}")
        return 1
    school_calendar = app.policy.school_calendar()
    with app.sessions() as session:
        report = status(session, app.clock.now(), app.scheduler_stale_after)
        unknown = unknown_inset_schools(school_calendar, session)
    report["schema"] = checks["schema"]
    today = app.clock.now().astimezone(ZoneInfo(app.policy.timezone)).date()
    report["calendar"] = calendar = {**calendar_check(school_calendar, today), "unknown_schools": unknown}
    problems = [calendar["error"]] if calendar["error"] else []
    if problems or unknown:
        report["ok"], report["attention"] = False, [*report["attention"], *problems, *unknown]
    emit(report, args.json, _status_text(report))
    return 0 if report["ok"] else 1


def _status_text(r: dict) -> str:
    t, m = r["timers"], r["mail"]
    lines = [f"schema: {r['schema']['revision']} (current)",
             f"schedulers: {r['scheduler']['alive']} alive" + ("" if r["scheduler"]["ok"] else f" ({r['scheduler']['error']})")]
    for s in r["schedulers"][:10]:
        state = f"stopped at {s['stopped_at']}" if s["stopped_at"] else ("running" if s["alive"] else "silent")
        lines.append(f"  {s['name']}: {state}; last beat {s['beat_at']} ({s['seconds_since_beat']} s ago), "
                     f"{s['passes']} passes, {s['fired']} timers fired" + (f"; last error: {s['last_error']}"
                                                                          if s["last_error"] else ""))
    lines.append(f"timers: {t['waiting']} waiting, {t['due']} due now, {t['overdue']} overdue"
                 + (f"; next due {t['next_due']}" if t["next_due"] else ""))
    lines.append(f"mail: {m['queued']} queued ({m['retrying']} retrying), {m['failed']} failed")
    lines.append(f"incidents: {r['incidents']['open']} open")
    c = r["calendar"]
    lines.append(f"calendar: {', '.join(c['years'])}; terms end {c['terms_end']}" if c["years"]
                 else "calendar: no terms (weekdays less bank holidays)")
    lines.append("ok" if r["ok"] else "ATTENTION: " + "; ".join(r["attention"]))
    return "\n".join(lines)


def backup(app: App, args) -> int:
    from engine.backup import backup_sqlite

    result = backup_sqlite(app.db, args.path)
    emit(result, args.json, f"backed up {result['database']} to {result['path']} ({result['bytes']} bytes, "
                            f"schema {result['schema']}, {result['cases']} cases); integrity ok")
    return 0
