"""`reintegrate incident list|retry` and `reintegrate process activate`: parse, call the engine, print."""
from __future__ import annotations

from engine import incidents
from engine.wiring import Runtime as App

from .output import case_text, emit


def register(top, proc, sub) -> None:
    """Add the `incident` commands and `process activate`; `sub` is cli.main's subcommand helper."""
    incident = top.add_parser("incident", help="failed steps of cases, and retrying them").add_subparsers(
        dest="sub", required=True)
    p = sub(incident, "list", incident_list, "open incidents (with --all, resolved ones too)")
    p.add_argument("--all", action="store_true", help="resolved incidents too")
    p.add_argument("--as", dest="actor", help="an admin or process owner (default: the command line's own)")
    p = sub(incident, "retry", incident_retry, "do the failed step again; resolves the incident if it goes through")
    p.add_argument("id", type=int)
    p.add_argument("--as", dest="actor")
    p = sub(proc, "activate", process_activate, "choose the version new cases of a process start on")
    p.add_argument("process")
    p.add_argument("version", type=int)
    p.add_argument("--as", dest="actor")
    p = sub(proc, "history", process_history, "deploys of a process and choices of its active version")
    p.add_argument("process")


def _line(i: dict) -> str:
    done = i.get("done_since")
    state = i["status"] + (f" ({i['resolution']})" if i["resolution"] else "")
    return "\n".join([
        f"#{i['id']}  {i['case_id']}  {i['process']} v{i['version']}  {i['element']} ({i['title']})  {state}",
        f"    {i['kind']} failed on {i['action']} by {i['actor']}, {i['occurrences']} time(s), "
        f"first {i['created_at']}, last {i['last_at']}",
        f"    {i['error']}",
        *([f"    the task has been {done['how']} since, by {done['by']} at {done['at']}: retry resolves it"]
          if done else []),
    ])


def incident_list(app: App, args) -> int:
    with app.engine() as eng:
        rows = eng.reads.incidents(args.actor or "system", include_resolved=args.all)
    emit(rows, args.json, "\n".join(_line(i) for i in rows) or "no open incident")
    return 0


def incident_retry(app: App, args) -> int:
    with app.engine() as eng:
        result = incidents.retry(eng, args.id, args.actor or "system")
    text = f"incident #{args.id} resolved: {result['incident']['resolution']}"
    if result["case"]:
        text += "\n" + case_text(result["case"])
    emit(result, args.json, text)
    return 0


def process_activate(app: App, args) -> int:
    with app.engine() as eng:
        result = eng.activate(args.process, args.version, args.actor or "system")
    emit(result, args.json, f"{result['process']}: new cases start on version {result['active']} "
                            f"(was {result['previous']})")
    return 0


def process_history(app: App, args) -> int:
    with app.engine() as eng:
        events = eng.process_history(args.process)
    emit(events, args.json, "\n".join(
        f"{e['at']}  v{e['version']}  {e['kind']}  by {e['actor']}" for e in events) or "no events recorded")
    return 0
