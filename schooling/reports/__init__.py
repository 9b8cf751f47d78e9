"""The reports the service is judged by, each a pure query over `case_facts` (and the
`weightings` table) through their indexes, never a load of workflows.

`run_report(session, policy, name, filter, today, viewer=...)` runs one for `viewer` (an account, or a
system actor of `engine.permissions`), counting only the cases `engine.permissions.report_scope` gives
them: every case for admins, auditors and system actors, an authority's for the LA's teams, a school's
own pupils for a school or AP setting; `REPORTS` names them with their titles. Results are
`shape.Report`s: JSON, CSV and text from `shape`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import CaseFacts, User
from engine.permissions import Actor, report_scope

from . import costs, semh_kpis, service, timetables, weightings
from .periods import ReportFilter, make_filter, term_ranges
from .scope import viewer_scope
from .shape import Report, to_csv, to_text

__all__ = ["OWN_PROCESS", "REPORTS", "Report", "ReportFilter", "filter_options", "make_filter", "run_report", "to_csv", "to_text"]

#: name -> (title, what it shows, builder)
REPORTS: dict[str, tuple[str, str, Callable[..., Report]]] = {
    "service": ("Service figures", "Pupils supported, cohort breakdown, destinations, support and income "
                "(the Reintegration Service document)",
                service.build),
    "semh-kpis": ("SEMH KPIs", "Each KPI of the SEMH service level agreement: met, not met or not yet known",
                  semh_kpis.build),
    "costs": ("Costs and savings", "Per pupil and cohort costs of advocacy and what the high-needs budget saves "
              "(the HNRG advocacy pilot)", costs.build),
    "weightings": ("Fair Access weightings grid", "Transfers in and out per school, by term (the Worcestershire protocol)",
                   weightings.build),
    "timetables": ("Part-time timetables", "Pupils on a reintegration timetable now, their hours and the 6-week "
                   "limit (the Oxfordshire timetable guidance)", timetables.build),
}
#: name -> the process a report counts unless its filter names another
OWN_PROCESS = {"service": service.PROCESS, "semh-kpis": semh_kpis.PROCESS, "costs": costs.PROCESS,
               "weightings": weightings.PROCESS, "timetables": timetables.PROCESS}


def run_report(session: Session, policy, name: str, f: ReportFilter, today: date, *,
               viewer: Actor | User) -> Report:
    """Compute report `name` for filter `f` as of `today` over the cases `viewer` may count (reads
    only); Forbidden for a viewer who runs no report."""
    scoped = replace(f, scope=report_scope(viewer))
    if name not in REPORTS:
        raise NotFound(f"no report {name!r}: reports are {', '.join(REPORTS)}")
    return REPORTS[name][2](session, policy, scoped, today)


def filter_options(session: Session, policy, year: str, *, viewer: Actor | User) -> dict[str, list[str]]:
    """What a filter can choose from, among the cases `viewer` may count: the years and processes with
    cases, the year's terms, the schools."""
    scope = viewer_scope(ReportFilter(year, scope=report_scope(viewer)))
    years = list(session.scalars(select(CaseFacts.academic_year).where(*scope).distinct()
                                 .order_by(CaseFacts.academic_year.desc())))
    processes = list(session.scalars(select(CaseFacts.process).where(*scope).distinct().order_by(CaseFacts.process)))
    names = union(*(select(column.label("school")).where(column.is_not(None), *scope).distinct()
                    for column in (CaseFacts.home_school, CaseFacts.host_school, CaseFacts.ap_setting))).subquery()
    schools = list(session.scalars(select(names.c.school).order_by(func.lower(names.c.school))))
    return {"years": years, "terms": [name for name, _, _ in term_ranges(policy.school_calendar(), year)],
            "schools": schools, "processes": processes}
