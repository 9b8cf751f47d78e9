"""The reports the service is judged by, each a pure query over `case_facts`, the facts every process
shares, joined to its process's own facts table (`schooling.facts`) and the `weightings` table, through
their indexes, never a load of workflows.

`run_report(session, policy, name, filter, today, viewer=...)` runs one for `viewer` (an account, or a
system actor of `engine.permissions`), counting only the cases `engine.permissions.report_scope` gives
them: every case for admins, auditors and system actors, an authority's for the LA's teams, a school's
own pupils for a school or AP setting; `REPORTS` names them with their titles (one module each, listed
in `MODULES`). Results are
`shape.Report`s: JSON, CSV and text from `shape`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import User
from engine.permissions import Actor, report_scope
from schooling.models import CaseFacts
from schooling.report_facts import academic_year

from . import costs, semh_kpis, service, timetables, weightings
from .periods import ReportFilter, make_filter, term_ranges
from .scope import viewer_scope
from .shape import Report, to_csv, to_text

__all__ = ["OWN_PROCESS", "REPORTS", "Report", "ReportFilter", "filter_options", "make_filter", "run_report", "to_csv", "to_text"]

#: The reports, in the order they are listed; a new report is a module with NAME, TITLE, ABOUT, PROCESS and
#: `build`, added here.
MODULES = (service, semh_kpis, costs, weightings, timetables)
#: name -> (title, what it shows, builder)
REPORTS: dict[str, tuple[str, str, Callable[..., Report]]] = {m.NAME: (m.TITLE, m.ABOUT, m.build) for m in MODULES}
#: name -> the process a report counts unless its filter names another
OWN_PROCESS = {m.NAME: m.PROCESS for m in MODULES}


def run_report(session: Session, policy, name: str, f: ReportFilter, today: date, *,
               viewer: Actor | User) -> Report:
    """Compute report `name` for filter `f` as of `today` over the cases `viewer` may count (reads
    only); Forbidden for a viewer who runs no report."""
    scoped = replace(f, scope=report_scope(viewer))
    if name not in REPORTS:
        raise NotFound(f"no report {name!r}: reports are {', '.join(REPORTS)}")
    return REPORTS[name][2](session, policy, scoped, today)


def filter_options(session: Session, policy, year: str, *, viewer: Actor | User,
                   today: date | None = None) -> dict[str, list[str]]:
    """What a filter can choose from, among the cases `viewer` may count: the years and processes with
    cases (no year after the one `today` is in: a year comes from a case's dates, and a date from the
    future is a mistake, not a year to report on), the year's terms, the schools."""
    scope = viewer_scope(ReportFilter(year, scope=report_scope(viewer)))
    years = list(session.scalars(select(CaseFacts.academic_year).where(*scope).distinct()
                                 .order_by(CaseFacts.academic_year.desc())))
    if today is not None:
        years = [y for y in years if y <= academic_year(today)]
    processes = list(session.scalars(select(CaseFacts.process).where(*scope).distinct().order_by(CaseFacts.process)))
    names = union(*(select(column.label("school")).where(column.is_not(None), *scope).distinct()
                    for column in (CaseFacts.home_school, CaseFacts.host_school, CaseFacts.ap_setting))).subquery()
    schools = list(session.scalars(select(names.c.school).order_by(func.lower(names.c.school))))
    return {"years": years, "terms": [name for name, _, _ in term_ranges(policy.school_calendar(), year)],
            "schools": schools, "processes": processes}
