"""The scenarios' dates against a fake clock: a form's date that records something that happened may
not be after today, and a planned one not before it (`date_rule`), so tests that drive cases with the
scenarios' dates move the clock on as the days would pass, or keep it and date what happened today."""
from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Form fields that may not be in the future (see Harness.catch_up), besides a form's `past` dates.
NOT_IN_FUTURE = ("agreed_to_consider_date", "place_offered_date")


@functools.cache
def past_date_fields() -> frozenset[str]:
    """The ids of the shipped diagrams' form fields that record a date something happened."""
    from lxml import etree

    ns = {"camunda": "http://camunda.org/schema/1.0/bpmn"}
    found = set()
    for path in (ROOT / "processes").glob("*.bpmn"):
        for field in etree.parse(str(path)).iterfind(".//camunda:formField", ns):
            if field.find("camunda:properties/camunda:property[@id='date_rule'][@value='past']", ns) is not None:
                found.add(field.get("id"))
    return frozenset(found)


def catch_up(clock, data: dict, form: list | None = None) -> None:
    """Dates the engine refuses in the future (the Fair Access dates, and the dates whose `date_rule`
    is `past`: of `form`, else of any shipped diagram): a person records them on or after the day, so
    the fake clock moves to that afternoon first if it is still before it."""
    past = {*NOT_IN_FUTURE, *((f["id"] for f in form if f.get("date_rule") == "past") if form is not None
                              else past_date_fields())}
    latest = max((data[k] for k in past if isinstance(data.get(k), str)), default=None)
    if latest and date.fromisoformat(latest) > clock.now().date():
        clock.set(datetime.combine(date.fromisoformat(latest), time(16), tzinfo=UTC))


def happened_today(data: dict, form: list, today: str) -> dict:
    """`data` with each date of `form` that records something that happened (`date_rule` past) set to
    `today`: for tests that keep the clock where it is while using the scenarios' later dates."""
    return {**data, **{f["id"]: today for f in form if f.get("date_rule") == "past" and f["id"] in data}}


def plans_still_ahead(data: dict, form: list, today: str) -> dict:
    """`data` without the planned dates of `form` (`date_rule` future) that today has already passed: a
    person would plan later ones, and an optional planned date left out takes its default."""
    return {k: v for k, v in data.items()
            if not any(f["id"] == k and f.get("date_rule") == "future" and isinstance(v, str) and v and v < today
                       for f in form)}


