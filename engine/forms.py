"""Form fields from `camunda:formData`, and validation of submitted data against them.

A field is described by the public JSON shape `{"id", "label", "type", "required", "options"}` plus
`constraints` (min, max, minlength, maxlength), `default` and `multiline`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .addresses import address_problem, is_email_field
from .json_input import json_problem

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
FIELD_TYPES = ("string", "long", "boolean", "date", "enum")
_NUMERIC_CONSTRAINTS = ("min", "max", "minlength", "maxlength")
KNOWN_CONSTRAINTS = ("required", "readonly", *_NUMERIC_CONSTRAINTS)
_C = f"{{{CAMUNDA_NS}}}"


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    constraints: dict[str, int] = field(default_factory=dict)
    default: str | None = None
    multiline: bool = False
    readonly: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "options": [{"id": oid, "name": name} for oid, name in self.options],
        }
        if self.constraints:
            out["constraints"] = dict(self.constraints)
        if self.default is not None:
            out["default"] = self.default
        if self.multiline:
            out["multiline"] = True
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FormField:
        return cls(
            id=d["id"], label=d["label"], type=d["type"], required=d["required"],
            options=tuple((o["id"], o["name"]) for o in d["options"]),
            constraints=dict(d.get("constraints", {})), default=d.get("default"),
            multiline=d.get("multiline", False),
        )


def parse_form(element) -> tuple[list[FormField], list[tuple[int | None, str]]]:
    """Read `camunda:formData` under an lxml element: the fields and any (line, problem) found."""
    fields: list[FormField] = []
    problems: list[tuple[int | None, str]] = []
    seen: set[str] = set()
    for node in element.iterfind(f".//{_C}formData/{_C}formField"):
        fid, ftype = node.get("id"), node.get("type") or "string"
        line = node.sourceline
        if not fid or not fid.isidentifier():
            problems.append((line, f"form field id {fid!r} must be a plain identifier"))
            continue
        if fid in seen:
            problems.append((line, f"form field {fid!r} is defined twice"))
        seen.add(fid)
        if ftype not in FIELD_TYPES:
            problems.append((line, f"form field {fid!r} has unknown type {ftype!r} (use {', '.join(FIELD_TYPES)})"))
            continue
        constraints: dict[str, int] = {}
        flags = set()
        for c in node.iterfind(f"{_C}validation/{_C}constraint"):
            name, config = c.get("name"), c.get("config")
            if name in ("required", "readonly"):
                flags.add(name)
            elif name in _NUMERIC_CONSTRAINTS:
                try:
                    constraints[name] = int(config)
                except (TypeError, ValueError):
                    problems.append((c.sourceline, f"constraint {name} of field {fid!r} needs a whole number"))
            else:
                problems.append((c.sourceline, f"unknown constraint {name!r} on field {fid!r}"))
        options = tuple((v.get("id"), v.get("name") or v.get("id")) for v in node.iterfind(f"{_C}value"))
        if ftype == "enum" and not options:
            problems.append((line, f"enum field {fid!r} has no options"))
        if {"required", "readonly"} <= flags and node.get("defaultValue") is None:
            problems.append((line, f"field {fid!r} is required and read-only with no default value: "
                                   "the form could never be submitted"))
        props = {p.get("id"): p.get("value") for p in node.iterfind(f"{_C}properties/{_C}property")}
        fields.append(FormField(
            id=fid, label=node.get("label") or fid, type=ftype, required="required" in flags,
            options=options, constraints=constraints, default=node.get("defaultValue"),
            multiline=props.get("multiline") == "true", readonly="readonly" in flags,
        ))
    return fields, problems


_TRUE = {"true", "yes", "on", "1"}
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,18}$")
_FALSE = {"false", "no", "off", "0"}


def _coerce(f: FormField, value: Any) -> Any:
    """Return the typed value or raise ValueError with a message for a person."""
    if f.type == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError("must be yes or no (true/false)")
    if f.type == "long":
        if isinstance(value, bool):
            raise ValueError("must be a whole number")
        if isinstance(value, int):
            n = value
        elif isinstance(value, str) and _WHOLE_NUMBER.match(value.strip()):
            n = int(value.strip())
        else:
            raise ValueError("must be a whole number")
        if "min" in f.constraints and n < f.constraints["min"]:
            raise ValueError(f"must be {f.constraints['min']} or more")
        if "max" in f.constraints and n > f.constraints["max"]:
            raise ValueError(f"must be {f.constraints['max']} or less")
        return n
    if f.type == "date":
        if not isinstance(value, str):
            raise ValueError("must be a date like 2026-03-14")
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ValueError(f"{value!r} is not a real date (use YYYY-MM-DD)") from None
    if f.type == "enum":
        ids = [oid for oid, _ in f.options]
        if value not in ids:
            raise ValueError(f"must be one of {', '.join(ids)}")
        return value
    if not isinstance(value, str):
        raise ValueError("must be text")
    text = value.strip()
    if json_problem(text):
        raise ValueError("must be valid text (it holds a lone surrogate such as \\ud800)")
    if "minlength" in f.constraints and len(text) < f.constraints["minlength"]:
        raise ValueError(f"must be at least {f.constraints['minlength']} characters")
    if "maxlength" in f.constraints and len(text) > f.constraints["maxlength"]:
        raise ValueError(f"must be at most {f.constraints['maxlength']} characters")
    if is_email_field(f.id):
        problem = address_problem(text)
        if problem:
            raise ValueError(problem)
    return text


def clean(fields: list[FormField], data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate `data` against `fields`: (typed values, errors by field id).

    Fields not on the form are refused, so a submission cannot overwrite case variables that the
    form does not offer.
    """
    if not isinstance(data, dict):
        return {}, {"_": "data must be a JSON object of field ids to values"}
    by_id = {f.id: f for f in fields}
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key in data:
        if key not in by_id:
            errors[key] = "is not a field of this form"
    for f in fields:
        raw = data.get(f.id)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if f.required:
                errors[f.id] = f"{f.label} is required"
            continue
        try:
            values[f.id] = _coerce(f, raw)
        except ValueError as exc:
            errors[f.id] = f"{f.label} {exc}"
    return values, errors
