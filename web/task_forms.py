"""HTML form fields <-> engine form data, for forms rendered from `camunda:formData`.

Dates come as three inputs (`<id>-day`, `<id>-month`, `<id>-year`), booleans and enums as radios.
The engine validates; this module only reshapes, and says what is wrong with a date it cannot read.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.form_values import error_name

DATE_PARTS = ("day", "month", "year")


def date_problem(f: dict[str, Any], parts: dict[str, str]) -> tuple[str, tuple[str, ...]] | None:
    """What is wrong with a date typed into Day, Month and Year, in the GOV.UK Design System's words,
    and the boxes to highlight (the first is where the error summary takes focus); None if nothing is."""
    name = error_name(f)
    missing = tuple(p for p in DATE_PARTS if not parts[p])
    if missing:
        return f"{name} must include a {' and a '.join(missing)}", missing
    wrong = tuple(p for p in DATE_PARTS if not (parts[p].isascii() and parts[p].isdigit()))
    wrong += ("year",) if "year" not in wrong and len(parts["year"]) != 4 else ()
    if not wrong and not 1 <= int(parts["month"]) <= 12:
        wrong = ("month",)
    if not wrong:
        try:
            date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            wrong = ("day",)
    if wrong:
        return f"{name} must be a real date", tuple(p for p in DATE_PARTS if p in wrong)
    return None


def parse(fields: list[dict[str, Any]], form) -> tuple[dict[str, Any], dict[str, str]]:
    """(data for the engine, errors found here by field id). Empty inputs are left out."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields:
        fid = f["id"]
        if f["type"] == "date":
            parts = {p: form.get(f"{fid}-{p}", "").strip() for p in DATE_PARTS}
            if not any(parts.values()):
                continue
            problem = date_problem(f, parts)
            if problem:
                errors[fid] = problem[0]
            data[fid] = f"{parts['year']}-{parts['month'].zfill(2)}-{parts['day'].zfill(2)}"
        else:
            value = form.get(fid, "")
            if value.strip():
                data[fid] = value
    return data, errors


def wrong_boxes(fields: list[dict[str, Any]], values: dict[str, Any], errors: dict[str, str]) -> dict[str, tuple]:
    """For each date field with an error, the boxes to highlight: the ones typed wrong, else all three."""
    out: dict[str, tuple] = {}
    for f in fields:
        if f["type"] == "date" and f["id"] in errors:
            parts = {p: str((values.get(f["id"]) or {}).get(p) or "").strip() for p in DATE_PARTS}
            problem = date_problem(f, parts) if any(parts.values()) else None
            out[f["id"]] = problem[1] if problem else DATE_PARTS
    return out


def values_for_display(fields: list[dict[str, Any]], form) -> dict[str, Any]:
    """What the user typed, to put back in the form: dates as their three parts."""
    out: dict[str, Any] = {}
    for f in fields:
        if f["type"] == "date":
            out[f["id"]] = {p: form.get(f"{f['id']}-{p}", "") for p in DATE_PARTS}
        else:
            out[f["id"]] = form.get(f["id"], "")
    return out


def defaults(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """A fresh form: each field's BPMN default, dates split into parts."""
    out: dict[str, Any] = {}
    for f in fields:
        value = f.get("default") or ""
        if f["type"] == "date":
            y, m, d = (value.split("-") + ["", "", ""])[:3] if value else ("", "", "")
            out[f["id"]] = {"day": d, "month": m, "year": y}
        else:
            out[f["id"]] = value
    return out


def error_anchor(field: dict[str, Any] | None, fid: str, boxes: dict[str, tuple] | None = None) -> str:
    """Where an error summary link should take focus: the field's first input, or for a date the first
    box typed wrong (`boxes`, from `wrong_boxes`); a yes/no or choice field's first option."""
    if field is not None and field["type"] == "date":
        return f"#{fid}-{((boxes or {}).get(fid) or DATE_PARTS)[0]}"
    return f"#{fid}"  # govukRadios gives a choice's first option the field's id


def sections(fields: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """A long form's parts, in the order their first field comes: (heading, fields). A form whose
    fields declare no `section` is one part with no heading; a field without one joins the part before."""
    parts: list[tuple[str, list[dict[str, Any]]]] = []
    for f in fields:
        title = f.get("section") or (parts[-1][0] if parts else "")
        for name, members in parts:
            if name == title:
                members.append(f)
                break
        else:
            parts.append((title, [f]))
    return parts


def input_names(fields: list[dict[str, Any]]) -> list[str]:
    """The names of the inputs a form's fields post (a date's three boxes)."""
    return [f"{f['id']}-{p}" if f["type"] == "date" else f["id"] for f in fields
            for p in (DATE_PARTS if f["type"] == "date" else ("",))]


def raw_answers(fields: list[dict[str, Any]], form) -> dict[str, str]:
    """What was typed into the form's inputs, as typed (for a draft or the check-answers page's hidden inputs)."""
    return {name: form.get(name, "") for name in input_names(fields) if form.get(name, "").strip()}
