"""Submitted form data checked against a form's fields, with the GOV.UK Design System's messages.

Each message names the field as people read it (`error_name`: the field's `error_name` property,
else its label) and says what to do: "Enter the date consent was given", "Date of meeting must be
today or in the past", "Attendance must be between 0 and 100", "Reasons must be 3000 characters or
less", "Select yes or no for family present". A required field's `error_required` property, where
the diagram gives one, is the whole message for leaving it out ("Select yes if the parent agrees to
a reintegration").

Money and percentages are read as people write them ("£18,000", "18,000.50", "91.5%") with
`Decimal`, so no binary rounding creeps in, and stored as JSON numbers: an `int` when the amount is
whole (so whole-pound figures stay what the reports and handlers have always summed), else a float
of at most two decimal places (18000.5).
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from .addresses import address_problem, is_email_field
from .json_input import json_problem

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,18}$")
# Digits with optional thousands commas and at most two decimal places: "18,000.50", "91.5", "-3".
_DECIMAL = re.compile(r"^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,15})(?:\.[0-9]{1,2})?$")
_LIMIT = Decimal(10) ** 15


def error_name(f: Any, start: bool = True) -> str:
    """The field as its error messages name it: its `error_name`, else its label without a trailing
    question mark. At the start of a message it keeps its capital; inside one ("Enter ...") its first
    letter is lowered unless the word is an abbreviation ("LA's reasons", "AP setting")."""
    get = f.get if isinstance(f, dict) else lambda k, d=None: getattr(f, k, d)
    name = (get("error_name") or get("label") or get("id") or "").strip().rstrip("?").strip()
    if start or not name:
        return name[:1].upper() + name[1:]
    if len(name) > 1 and name[1].isupper():
        return name
    return name[0].lower() + name[1:]


def required_message(f: Any) -> str:
    """What to say when a required field is left out: the diagram's words, else GOV.UK's pattern."""
    get = f.get if isinstance(f, dict) else lambda k, d=None: getattr(f, k, d)
    if get("error_required"):
        return get("error_required")
    kind = get("type")
    if kind == "boolean":
        return f"Select yes or no for {error_name(f, start=False)}"
    if kind == "enum":
        return f"Select {error_name(f, start=False)}"
    return f"Enter {error_name(f, start=False)}"


def _number(f: Any, value: Any) -> int | float:
    name = error_name(f)
    fmt = f.format
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number")
    if isinstance(value, int) and not fmt:
        n: Decimal = Decimal(value)
    elif isinstance(value, int | float) and fmt and abs(value) < _LIMIT and value == value:
        n = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if fmt == "money":
            text = text.removeprefix("£").removeprefix("GBP")
        elif fmt == "percent":
            text = text.removesuffix("%")
        if not fmt and _WHOLE_NUMBER.match(text):
            n = Decimal(text)
        elif _DECIMAL.match(text):
            n = Decimal(text.replace(",", ""))
            if not fmt and n != n.to_integral_value():
                raise ValueError(f"{name} must be a whole number")
        elif fmt == "money":
            raise ValueError(f"{name} must be an amount of money, like £18,000 or £18,000.50")
        else:
            raise ValueError(f"{name} must be a number")
    else:
        raise ValueError(f"{name} must be a number")
    if n.as_tuple().exponent < -2:
        raise ValueError(f"{name} must have no more than 2 decimal places")
    low, high = f.constraints.get("min"), f.constraints.get("max")
    if (low is not None and n < low) or (high is not None and n > high):
        unit = "£" if fmt == "money" else ""
        if low is not None and high is not None:
            raise ValueError(f"{name} must be between {unit}{low:,} and {unit}{high:,}")
        if low is not None:
            raise ValueError(f"{name} must be {unit}{low:,} or more")
        raise ValueError(f"{name} must be {unit}{high:,} or less")
    return int(n) if n == n.to_integral_value() else float(n)


def _date(f: Any, value: Any, today: date | None) -> str:
    name = error_name(f)
    try:
        day = date.fromisoformat(value.strip()) if isinstance(value, str) and len(value.strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(f"{name} must be a real date")
    if today is not None and f.date_rule == "past" and day > today:
        raise ValueError(f"{name} must be today or in the past")
    if today is not None and f.date_rule == "future" and day < today:
        raise ValueError(f"{name} must be today or in the future")
    return day.isoformat()


def _text(f: Any, value: Any) -> str:
    name = error_name(f)
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text")
    text = value.strip()
    if json_problem(text):
        raise ValueError(f"{name} must only include letters, numbers and punctuation")
    limit = f.maxlength
    low = f.constraints.get("minlength")
    if low and len(text) < low:
        raise ValueError(f"{name} must be {low:,} characters or more")
    if len(text) > limit:
        raise ValueError(f"{name} must be {limit:,} characters or less")
    if is_email_field(f.id) and address_problem(text):
        raise ValueError(f"Enter {error_name(f, start=False)} in the correct format, like name@example.com")
    return text


def coerce(f: Any, value: Any, today: date | None = None) -> Any:
    """The typed value of one non-empty answer, or ValueError with the message for a person."""
    if f.type == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError(f"Select yes or no for {error_name(f, start=False)}")
    if f.type == "long":
        return _number(f, value)
    if f.type == "date":
        return _date(f, value, today)
    if f.type == "enum":
        if value not in [oid for oid, _ in f.options]:
            raise ValueError(f"Select {error_name(f, start=False)} from the list")
        return value
    return _text(f, value)


def clean(fields: list, data: Any, today: date | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate `data` against `fields`: (typed values, errors by field id). With `today` (the
    service's local date) each date field's `date_rule` is kept as well.

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
            errors[key] = f"{key} is not a field of this form"
    for f in fields:
        raw = data.get(f.id)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if f.required:
                errors[f.id] = required_message(f)
            continue
        try:
            values[f.id] = coerce(f, raw, today)
        except ValueError as exc:
            errors[f.id] = str(exc)
    return values, errors
