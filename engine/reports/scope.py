"""The case_facts rows a filter covers, as WHERE conditions that the table's indexes serve: the
academic year and process by `ix_case_facts_year_process`, the school by the school indexes."""
from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from ..models import CaseFacts
from .periods import ReportFilter, period


def school_condition(school: str) -> ColumnElement[bool]:
    return or_(CaseFacts.home_school == school, CaseFacts.host_school == school, CaseFacts.ap_setting == school)


def conditions(calendar, f: ReportFilter, process: str | None) -> list[ColumnElement[bool]]:
    """The year, the term (by the day the case's work started), the school (home, host or AP) and
    the process (`f.process`, else `process`; None: every process)."""
    where = [CaseFacts.academic_year == f.year]
    process = f.process or process
    if process:
        where.append(CaseFacts.process == process)
    if f.term:
        first, last = period(calendar, f)
        where.append(CaseFacts.started_on.between(first, last))
    if f.school:
        where.append(school_condition(f.school))
    return where
