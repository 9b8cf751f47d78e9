"""HTML form fields <-> engine form data, for forms rendered from `camunda:formData`.

Dates come as three inputs (`<id>-day`, `<id>-month`, `<id>-year`), booleans and enums as radios.
The engine validates; this module only reshapes, and says what is wrong with a date it cannot read.
"""
from __future__ import annotations

from typing import Any

DATE_PARTS = ("day", "month", "year")


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
            missing = [p for p in DATE_PARTS if not parts[p]]
            if missing:
                errors[fid] = f"{f['label']} must include a {' and a '.join(missing)}"
            elif not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
                errors[fid] = f"{f['label']} must be a real date, like 27 3 2027"
            data[fid] = f"{parts['year']}-{parts['month'].zfill(2)}-{parts['day'].zfill(2)}"
        else:
            value = form.get(fid, "")
            if value.strip():
                data[fid] = value
    return data, errors


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


def error_anchor(field: dict[str, Any] | None, fid: str) -> str:
    """Where an error summary link should take focus: the first input of the field."""
    if field is not None and field["type"] == "date":
        return f"#{fid}-day"
    return f"#{fid}"
