"""The case_facts rows a filter covers, as WHERE conditions on the facts every process shares that the
table's indexes serve: the academic year and process by `ix_case_facts_year_process`, the school by the
school indexes. A report joins its process's own facts table to these rows by case id."""
from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from schooling.models import CaseFacts

from .periods import ReportFilter, period


def school_condition(school: str) -> ColumnElement[bool]:
    return or_(CaseFacts.home_school == school, CaseFacts.host_school == school, CaseFacts.ap_setting == school)


def school_partition(school: str) -> list[list[ColumnElement[bool]]]:
    """The rows of `school_condition`, in three parts that never overlap: the school as the home
    school; as the host and not the home; as the AP and neither. A query over all years runs once per
    part, each a seek on its own `(process, <school column>, academic_year, ...)` index that holds every
    column the part tests; the OR of the three columns would read the whole process's history."""
    home, host, ap = CaseFacts.home_school, CaseFacts.host_school, CaseFacts.ap_setting
    return [[home == school],
            [host == school, home.is_distinct_from(school)],
            [ap == school, home.is_distinct_from(school), host.is_distinct_from(school)]]


def viewer_scope(f: ReportFilter) -> list[ColumnElement[bool]]:
    """The cases the viewer may count (`f.scope`): their authority's, or their school's own pupils."""
    return [getattr(CaseFacts, column) == value for column, value in f.scope]


def conditions(calendar, f: ReportFilter, process: str | None) -> list[ColumnElement[bool]]:
    """The viewer's scope, the year, the term (by the day the case's work started), the school (home,
    host or AP) and the process (`f.process`, else `process`; None: every process)."""
    where = [*viewer_scope(f), CaseFacts.academic_year == f.year]
    process = f.process or process
    if process:
        where.append(CaseFacts.process == process)
    if f.term:
        first, last = period(calendar, f)
        where.append(CaseFacts.started_on.between(first, last))
    if f.school:
        where.append(school_condition(f.school))
    return where
