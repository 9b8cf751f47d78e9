"""Printing results: JSON with --json, short readable text otherwise."""
from __future__ import annotations

import json
from typing import Any


def one_line(message: str) -> str:
    """`message` with every character that is not printable (a newline, a record separator typed into a
    file name) written as its escape, so that an error stays one line on stderr."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)


def emit(result: Any, as_json: bool, text: str | None = None) -> None:
    if as_json:
        print(json.dumps(result, indent=2, sort_keys=False, default=str))
    elif text is not None:
        print(text)


def case_text(case: dict[str, Any]) -> str:
    lines = [f"{case['case_id']}  {case['process']} v{case['version']}  {case['status']}"]
    outcome = case["data"].get("outcome")
    if outcome:
        lines.append(f"outcome: {outcome}")
    if case.get("error"):
        lines.append(f"error: {case['error']}")
    if case["ready_tasks"]:
        lines.append("ready tasks:")
        lines += [f"  {task_line(t)}" for t in case["ready_tasks"]]
    if case["waiting_timers"]:
        lines.append("waiting timers:")
        lines += [f"  {t['task']}  due {t['due']}" for t in case["waiting_timers"]]
    return "\n".join(lines)


def task_line(t: dict[str, Any]) -> str:
    due = f"  due {t['due']}" if t.get("due") else ""
    return f"{t['task_id']}  {t['case_id']}  {t['task']}  [{t['lane']}]  {t['title']}{due}"


def task_text(t: dict[str, Any]) -> str:
    lines = [task_line(t), "form:"]
    for f in t["form"]:
        req = " (required)" if f["required"] else ""
        opts = f"  one of: {', '.join(o['id'] for o in f['options'])}" if f["options"] else ""
        lines.append(f"  {f['id']}: {f['type']}{req} - {f['label']}{opts}")
    return "\n".join(lines)


def history_text(events: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{e['seq']:>3}  {e['at']}  {e['actor']:<14} {e['kind']:<18} {e['element'] or ''}" for e in events
    )
