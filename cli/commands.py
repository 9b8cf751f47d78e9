"""The `reintegrate` commands: parse, call the engine facade, print. Nothing else."""
from __future__ import annotations

import getpass
import json
import re
import sys
from pathlib import Path
from typing import Any

from engine import json_input
from engine.reads import SystemRead
from engine.wiring import Runtime as App

from .output import case_text, emit, history_text, one_line, task_line, task_text

#: `audit verify` checks every case's integrity; it shows a case's data only where the case is broken.
INTEGRITY_CHECK = SystemRead("audit verify: integrity check of every case")


def reader(args) -> str:
    """Who reads through this command, for the access log: `--as`, else the login running it."""
    return getattr(args, "actor", None) or f"cli:{getpass.getuser()}"


class UsageError(Exception):
    """Bad command-line input (exit 2)."""


def parse_json(text: str | None, what: str = "--data") -> Any:
    if text is None:
        return {}
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text()
        except OSError as exc:
            raise UsageError(f"{what}: cannot read {text[1:]}: {exc.strerror}") from None
    try:
        value = json_input.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:
        raise UsageError(f"{what}: {exc}") from None
    if problem := json_input.json_problem(value):
        raise UsageError(f"{what}: {problem}")
    return value


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None


def case_start(app: App, args) -> int:
    with app.engine() as eng:
        case = eng.start_case(args.process, parse_json(args.data), args.actor or "system")
    emit(case, args.json, case_text(case))
    return 0


def case_show(app: App, args) -> int:
    with app.engine() as eng:
        case = eng.show_case(args.case, viewer=reader(args))
    emit(case, args.json, case_text(case))
    return 0


def case_message(app: App, args) -> int:
    with app.engine() as eng:
        case = eng.send_message(args.case, args.name, parse_json(args.data), args.actor or "system")
    emit(case, args.json, case_text(case))
    return 0


def task_list(app: App, args) -> int:
    with app.engine() as eng:
        tasks = eng.list_tasks(case_id=args.case, lane=args.lane, who=args.actor or "system")
    emit(tasks, args.json, "\n".join(task_line(t) for t in tasks) or "no ready tasks")
    return 0


def task_show(app: App, args) -> int:
    with app.engine() as eng:
        task = eng.show_task(args.task, viewer=reader(args))
    emit(task, args.json, task_text(task))
    return 0


def task_complete(app: App, args) -> int:
    data = parse_json(args.data)
    if args.note is not None:  # a plain or manual task's "mark as done" note
        if not isinstance(data, dict):
            raise UsageError("--note goes with a --data that is a JSON object, or no --data")
        data = {**data, "note": args.note}
    with app.engine() as eng:
        case = eng.complete_task(args.task, data, args.actor)
    emit(case, args.json, case_text(case))
    return 0


def timers_fire(app: App, args) -> int:
    report = app.fire_due("cli")
    lines = [f"fired {f['task']} on {f['case_id']}" for f in report.fired]
    lines += [f"failed on {f['case_id']}: {f['error']}"
              + (f" (incident #{f['incident']})" if f.get("incident") else "") for f in report.failed]
    emit(report.to_json(), args.json, "\n".join(lines) or "no timer due")
    return 1 if report.failed else 0


def case_retry(app: App, args) -> int:
    with app.engine() as eng:
        case = eng.retry_case(args.case, args.actor or "system")
    emit(case, args.json, case_text(case))
    return 0


def history(app: App, args) -> int:
    with app.engine() as eng:
        events = eng.history(args.case, viewer=reader(args))
    emit(events, args.json, history_text(events))
    return 0


def _iso(text: str):
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--at is not an ISO date or date-time: {text!r}") from None
    return moment if moment.tzinfo else moment.astimezone()


def replay(app: App, args) -> int:
    with app.engine() as eng:
        result = eng.replay(args.case, until=args.until, at=_iso(args.at) if args.at else None, verify=args.verify,
                            viewer=reader(args))
    state = result["state"]
    lines = [f"{result['case_id']}: replayed {result['replayed']} of {result['events']} events"
             + (f", {result['status']}" if args.verify else ""), *result["problems"], *_redaction_lines(result),
             "ready tasks: " + (", ".join(f"{t['task']}" + (f" (due {t['due']})" if t["due"] else "")
                                         for t in state["ready_tasks"]) or "none"),
             "waiting timers: " + (", ".join(f"{t['task']} at {t['due']}" for t in state["waiting_timers"]) or "none"),
             "data: " + json.dumps(state["data"], sort_keys=True)]
    emit(result, args.json, "\n".join(lines))
    return 0 if result["ok"] else 1


def _redaction_lines(result: dict[str, Any]) -> list[str]:
    if not result.get("redacted_events"):
        return []
    return [f"{result['redacted_events']} event payload(s) erased by retention (their digests still chain), so "
            "the case is rebuilt only up to the first of them", *(f"redacted {r['at']} by {r['by']}: {r['reason']}"
                                                                   for r in result.get("redactions", []))]


def audit_verify(app: App, args) -> int:
    with app.engine() as eng:
        case_ids = eng.case_ids() if args.all or not args.cases else args.cases
    failures, redacted, total = {}, [], len(case_ids)
    for n, case_id in enumerate(case_ids, 1):
        with app.engine() as eng:
            result = eng.replay(case_id, verify=True, viewer=INTEGRITY_CHECK)
        if not result["ok"]:
            failures[case_id] = result["problems"]
        elif result["status"] == "redacted":
            redacted.append(case_id)
        if not args.json and (n % 50 == 0 or n == total):
            print(f"\rchecked {n}/{total} cases, {len(failures)} failed", end="", file=sys.stderr, flush=True)
    if not args.json and total:
        print(file=sys.stderr)
    summary = {"checked": total, "failed": len(failures), "failures": failures, "redacted": redacted}
    emit(summary, args.json, "\n".join([f"{total} cases checked, {len(failures)} failed, {len(redacted)} redacted "
                                        "by retention (chain intact)",
                                        *(f"{c}: {'; '.join(p)}" for c, p in failures.items())]))
    return 1 if failures else 0


def outbox_list(app: App, args) -> int:
    with app.engine() as eng:
        messages = eng.outbox(viewer=reader(args))
    if args.pending:
        messages = [m for m in messages if m["status"] == "queued"]
    if args.failed:
        messages = [m for m in messages if m["status"] == "failed"]
    emit(messages, args.json, "\n".join(
        f"{m['id']:>5}  {_outbox_state(m):<38} {_printable(m['to']):<40} {_printable(m['subject'])}"
        + (f"  [{m['attempts']} attempts: {_printable(m['last_error'])}]" if m["last_error"] else "")
        for m in messages) or "the outbox is empty")
    return 0


def _outbox_state(m: dict[str, Any]) -> str:
    if m["sent_at"]:
        return f"sent {m['sent_at']}"
    if m["cancelled_at"]:
        return f"cancelled {m['cancelled_at']}"
    return f"FAILED {m['failed_at']}" if m["failed_at"] else "queued"


def _printable(text: str) -> str:
    """One line whatever the text holds (an address with a line break in it, from older data)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def outbox_send(app: App, args) -> int:
    report = app.send_outbox()
    if report is None:
        emit({"sent": 0, "failed": 0, "errors": [], "smtp": None}, args.json,
             "no SMTP server configured (REINTEGRATE_SMTP_URL): mail stays in the outbox")
        return 0
    emit(report.to_json(), args.json, "\n".join([f"sent {report.sent}, failed {report.failed} "
                                                  f"({report.given_up} for good)", *map(_printable, report.errors)]))
    return 1 if report.failed and not report.sent else 0


def fail(message: str, code: int) -> int:
    print(f"reintegrate: {one_line(message)}", file=sys.stderr)
    return code


def report_timetables(app: App, args) -> int:
    """The Oxfordshire timetable guidance: the half-termly list of pupils on a reintegration timetable, for the
    half term that last ended, to each authority's social care, youth justice and early help accounts (the
    scheduler sends it by itself; this sends what it has not sent yet, now)."""
    from schooling.timetable_list import send_half_term_list

    if not args.half_term:
        raise UsageError("say which report: --half-term (the list for social care, youth justice and early help)")
    with app.engine() as eng:
        result = send_half_term_list(eng, actor="system")
    lines = [f"{result['half_term']}: " + ("every authority's list was sent already" if not result["lists"] else
                                           f"{len(result['lists'])} authority list(s) sent")]
    for sent in result["lists"]:
        lines.append(f"  {sent['authority']}: {len(sent['pupils'])} pupil(s); emailed "
                     f"{', '.join(sent['queued']) or 'nobody'}"
                     + (f"; no account in {', '.join(sent['no_account'])}" if sent["no_account"] else "")
                     + (f"; no email address for {', '.join(sent['no_email'])}" if sent["no_email"] else ""))
    emit(result, args.json, "\n".join(lines))
    return 0


def _date(text: str, what: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what} is not a date like 2026-03-02: {text!r}") from None


def semh_allocate(app: App, args) -> int:
    from schooling.core_places import allocate

    with app.engine() as eng:
        case = allocate(eng, args.case, args.offer, _date(args.meeting_date, "--meeting-date"), args.actor)
    emit(case, args.json, case_text(case))
    return 0


def semh_exclusion(app: App, args) -> int:
    from schooling.core_places import withdraw_for_exclusion

    excluded_on = _date(args.date, "--date")
    with app.engine() as eng:
        if excluded_on > eng.local_today():  # an exclusion is recorded once it has happened
            raise UsageError(f"--date {excluded_on.isoformat()} is in the future (today is "
                             f"{eng.local_today().isoformat()}): record a permanent exclusion on or after its day")
        result = withdraw_for_exclusion(eng, args.school, excluded_on, args.actor)
    if "case_id" in result:
        emit(result, args.json, case_text(result))
    else:  # no core place to withdraw: the school's allowance for the term is one lower
        emit(result, args.json, f"{result['school']}: no core place of {result['term']} to withdraw; its allowance "
                                f"for the term is now {result['allowance']} ({result['left']} left)")
    return 0


_TERM = re.compile(r"^(\d{4})/(\d{2}) (autumn|spring|summer)$")


def semh_places(app: App, args) -> int:
    from schooling.core_places import ledger

    term = _TERM.match(args.term)
    if not term or (int(term[1]) + 1) % 100 != int(term[2]):
        raise UsageError(f"term: {args.term!r} is not a term such as '2026/27 autumn'")
    with app.engine() as eng:
        rows = eng.reads.service(ledger, args.term)
    emit(rows, args.json, "\n".join(f"{school}: {r['allocated']} of {r['allowance']} allocated "
                                    f"({r['withdrawn']} withdrawn), {r['left']} left" for school, r in
                                    sorted(rows.items())) or f"no core places allocated in {args.term}")
    return 0
