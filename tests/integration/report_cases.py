"""Shared helpers for the report tests (not a test module): running a report the way the CLI and the
web app do, one transaction, against the harness's database."""
from __future__ import annotations

from datetime import date

from engine.permissions import Actor
from schooling.reports import make_filter, run_report
from tests.scenario_dates import happened_today, plans_still_ahead

SYSTEM = Actor("system")


def report(h, name: str, year: str, today: date | None = None, **filters):
    """Report `name` for `year` (and term, school, process), as of `today` (default: the clock's day)."""
    today = today or h.clock.now().date()
    with h.sessions() as session:
        return run_report(session, h.policy, name, make_filter(year, today=today, **filters), today, viewer=SYSTEM)


def rows(report, section: str, key: str) -> dict:
    """A section's rows by the value of their `key` column."""
    return {r[key]: r for r in report.section(section).rows}


def headline(report) -> dict:
    return dict(report.headline)


def reintegration(h, start: dict, path: dict, until: str | None = None, gather: dict | None = None,
                  dated_today: bool = False) -> str:
    """A reintegration case driven along `path` (task -> form), 12 hours a step, by an admin, up to and
    including task `until` (default: to the end); `gather` replaces the information form. Tasks of
    the path that are not ready (the other outcome's) are passed over. The forms' dates that happened move
    the clock on to them (`Harness.complete`), unless `dated_today`: then each is the day it is recorded
    (and a planned date already passed is left to its default), so the case runs from the clock's day."""
    case = h.call("start_case", "reintegration", start, "ada.admin")
    case_id = case["case_id"]
    for element, form in path.items():
        if element not in {t["task"] for t in case["ready_tasks"]}:
            continue
        h.clock.advance(hours=12)
        if dated_today:
            today = h.clock.now().date().isoformat()
            fields = h.task(case_id, element)["form"]
            form = plans_still_ahead(happened_today(form, fields, today), fields, today)
        case = h.complete(case_id, element, gather if gather and element == "gather_information" else form, "ada.admin")
        if element == until:
            break
    return case_id
