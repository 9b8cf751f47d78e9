"""Dates and times as people in England read them: "14 May 2012", "14 May 2012, 11:30".

One helper for every page and email. A date stays the date it is; a moment (a stored time, in UTC)
is shown in the service's time zone (Europe/London by default: 10:30 UTC in June is 11:30).
Anything that is not an ISO date or date-time is returned as it is, so the helper can be applied
to any value a form or a case holds.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/London"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def people_date(value: Any, time: bool = False, timezone: str = DEFAULT_TIMEZONE) -> Any:
    """`value` (an ISO string, a date or a datetime) as "14 May 2012"; with `time`, a moment also
    gets its local time: "14 May 2012, 11:30". Naive date-times are taken as UTC, as stored."""
    if value is None or value == "":
        return ""
    moment = _parse(value)
    if moment is None:
        return value
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        local = aware.astimezone(ZoneInfo(timezone))
        text = f"{local.day} {local.strftime('%B %Y')}"
        return f"{text}, {local.strftime('%H:%M')}" if time else text
    return f"{moment.day} {moment.strftime('%B %Y')}"


def _parse(value: Any) -> date | datetime | None:
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not _ISO.match(value.strip()):
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        return None
