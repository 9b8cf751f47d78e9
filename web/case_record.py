"""Reading a case's record for people: what each history event was, in the diagram's own words, and
the values entered with it, labelled by the forms they were typed into. Shared by the auditor's view
and the printable forms; no Flask here, so that it can be tested on its own."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engine.forms import FormField
from engine.people_dates import people_date
from engine.process_info import ProcessInfo

KIND_TITLES = {
    "case_started": "Case started",
    "task_completed": "Task completed",
    "service_completed": "Automatic step",
    "message_received": "Message received",
    "timer_fired": "Deadline reached",
    "case_completed": "Case completed",
    "version_migrated": "Moved to another process version",
    "error": "Error",
    "retried": "Retried after an error",
}


def case_info(eng, case_id: str) -> ProcessInfo:
    """The description (titles, forms) of the process version the case is pinned to."""
    return eng.process_info(case_id)


@dataclass
class Field:
    """One labelled value: `text` is what a person reads, `block` says it runs over several lines."""

    id: str
    label: str
    text: str
    block: bool = False


def fields_by_id(info: ProcessInfo, element: str | None = None) -> dict[str, FormField]:
    """Every form field of the process by id; the fields of `element`'s own form win."""
    out: dict[str, FormField] = {}
    for f in info.start_form:
        out.setdefault(f.id, f)
    for task in info.user_tasks.values():
        for f in task.form:
            out.setdefault(f.id, f)
    if element in info.user_tasks:
        out.update({f.id: f for f in info.user_tasks[element].form})
    return out


def display(value: Any, form_field: FormField | None = None) -> str:
    """A stored value as a person reads it: Yes/No, 23 November 2026, an option's name."""
    if value is None or value == "":
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if form_field is not None and form_field.type == "enum":
        return dict(form_field.options).get(value, str(value))
    if isinstance(value, str) and (form_field is None or form_field.type == "date"):
        readable = _readable_date(value)
        if readable:
            return readable
    if isinstance(value, str):
        return _repeating(value) or value
    if isinstance(value, list):  # a list of records one to a line; of values, on one line
        parts = [display(v) for v in value]
        return ("\n" if any(isinstance(v, dict) for v in value) else ", ").join(parts) or "Nothing recorded"
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ').capitalize()}: {display(v)}" for k, v in value.items())
    return str(value)


_REPEATING = re.compile(r"^R\d*/(?P<start>[^/]+)/P(?P<days>\d+)D$")


def _repeating(value: str) -> str | None:
    """An ISO 8601 repeating interval (a timer's cycle, `R/2026-12-01T09:00:00+00:00/P7D`) in words."""
    m = _REPEATING.match(value)
    if m is None:
        return None
    days = int(m["days"])
    return f"every {'day' if days == 1 else f'{days} days'} from {_readable_date(m['start']) or m['start']}"


def _readable_date(value: str) -> str | None:
    """An ISO date or moment as people read it (engine.people_dates), or None for anything else."""
    readable = people_date(value, time=True)
    return readable if readable != value else None


def labelled(values: dict[str, Any], info: ProcessInfo, element: str | None = None,
             order: list[FormField] | None = None) -> list[Field]:
    """`values` as labelled fields: those of the form `order` first, in its order, then the rest."""
    known = fields_by_id(info, element)
    ids = [f.id for f in (order or []) if f.id in values] + [k for k in values if k not in {f.id for f in order or []}]
    out = []
    for key in ids:
        f = known.get(key)
        text = display(values[key], f)
        out.append(Field(key, f.label if f else key.replace("_", " ").capitalize(), text,
                         block="\n" in text or bool(f and f.multiline) or len(text) > 80))
    return out


def entered(event: dict[str, Any]) -> dict[str, Any]:
    """What an event carried: a form's values, a service task's outputs, a message's data."""
    data = event.get("data") or {}
    if event["kind"] == "task_completed" and data.get("note"):  # a plain or manual task marked done
        return {**(data.get("data") or {}), "note": data["note"]}
    if event["kind"] in ("case_started", "task_completed", "message_received"):
        return dict(data.get("data") or {})
    if event["kind"] == "service_completed":
        return dict(data.get("outputs") or {})
    if event["kind"] == "timer_fired":
        return {"deadlines": ", ".join(data.get("elements") or [])}
    return dict(data)


def title(event: dict[str, Any], info: ProcessInfo) -> str:
    """"Task completed: Record parental consent", in the words of the diagram."""
    kind = KIND_TITLES.get(event["kind"], event["kind"].replace("_", " ").capitalize())
    data = event.get("data") or {}
    if event["kind"] == "message_received":  # the name of the event that catches it, else the message's own
        message = str(data.get("message", ""))
        caught = next((info.titles.get(c.id) for c in info.catches.values() if c.message == message), None)
        return f"{kind}: {caught or message.replace('_', ' ')}"
    if event["kind"] == "timer_fired":
        names = [info.titles.get(e, e) for e in data.get("elements") or []]
        return f"{kind}: {', '.join(names)}" if names else kind
    if event["kind"] == "version_migrated":
        return f"{kind}: version {data.get('from')} to {data.get('to')}"
    if event.get("element"):
        return f"{kind}: {info.titles.get(event['element'], event['element'])}"
    return kind


def path_elements(events: list[dict[str, Any]], task_states: dict[str, int]) -> list[str]:
    """Diagram elements the case has passed through: those named by its events, and those the
    replayed workflow holds as completed (gateways and events leave no history of their own)."""
    seen: list[str] = []
    for e in events:
        names = [e["element"]] if e.get("element") else []
        if e["kind"] == "timer_fired":
            names += list((e.get("data") or {}).get("elements") or [])
        seen += [n for n in names if n not in seen]
    for key in task_states:
        name, _, state = key.rpartition(":")
        if state == "COMPLETED" and "." not in name and name not in seen:
            seen.append(name)
    return seen
