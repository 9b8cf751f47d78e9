"""SEMH KPIs (the SEMH service level agreement): each KPI of the service level agreement as met, not met or not yet known,
and, while not known, from when it will be.

Placements are those of the academic year (by their start); a term filter takes the placements of
that term's inclusion meeting. "Not yet known" counts the young people whose figure is not in yet; the
KPI's status is not met as soon as one young person misses it, met when every known figure meets it
and none is outstanding, "met so far" when those known meet it and others are outstanding, and not
yet known when none is known. "Known from" is the earliest day an outstanding figure falls due.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from schooling.facts.semh_placement_model import SemhPlacementFacts
from schooling.models import CaseFacts

from ..exclusions import PermanentExclusion
from .periods import ReportFilter
from .scope import school_condition, viewer_scope
from .shape import Chart, Report, Section, percent

#: The report's name (in URLs and on the command line), its title and what it shows.
NAME = "semh-kpis"
TITLE = "SEMH KPIs"
ABOUT = ("Each KPI of the SEMH service level agreement: met, not met or not yet known")
PROCESS = "semh_placement"
PERSISTENT_ABSENCE_LINE = 90.0  # attendance at or above 90%: under 10% of sessions missed
FEEDBACK_TARGET = 90.0
F, S = CaseFacts, SemhPlacementFacts
NOTE = ("Not yet known: figures not in yet. A KPI is not met once one young person misses it; met when every "
        "figure is in and meets it; met so far when those in meet it. Known from: the earliest day an outstanding "
        "figure falls due.")


def _sum(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _kpi(flag, pending, due) -> list:
    """Aggregates for a yes/no KPI column: met, not met, outstanding, earliest due day."""
    return [_sum(flag.is_(True)), _sum(flag.is_(False)), _sum(and_(flag.is_(None), pending)),
            func.min(case((and_(flag.is_(None), pending), due)))]


def _joined(query):
    """`query` over the shared facts and the placement's own."""
    return query.select_from(F).join(S, S.case_id == F.case_id)


def _where(f: ReportFilter):
    where = [*viewer_scope(f), F.process == PROCESS, F.academic_year == f.year, S.placement_start.is_not(None)]
    if f.term:
        where.append(S.placement_term == f"{f.year} {f.term}")
    if f.school:
        where.append(school_condition(f.school))
    return where


def _status(met: int, missed: int, outstanding: int) -> str:
    if missed:
        return "not met"
    if met and not outstanding:
        return "met"
    return "met so far" if met else "not yet known"


def build(session: Session, policy, f: ReportFilter, today: date) -> Report:
    """Every KPI of the SLA over the year's placements, and the core places' take-up by term."""
    in_placement = S.returned_on.is_(None)
    returned = S.returned_home.is_(True)
    overdue = and_(in_placement, S.placement_end_by < today)
    specs = [
        ("No young person on the programme for more than 12 weeks", S.kpi_within_12_weeks, in_placement,
         S.placement_end_by, 100.0),
        ("Every young person returns to their home school", S.returned_home, in_placement, S.placement_end_by, 100.0),
        ("Attendance above the persistent-absence line for 2 terms after the return", S.kpi_attendance, returned,
         S.kpi_two_terms_due, 100.0),
        ("No suspensions for 2 terms after the return", S.kpi_no_suspensions, returned, S.kpi_two_terms_due, 100.0),
        ("Better behaviour regulation, engagement and progress for 2 terms after", S.kpi_behaviour, returned,
         S.kpi_two_terms_due, 100.0),
        ("No permanent exclusion for 1 academic year after the return", S.kpi_no_permanent_exclusion, returned,
         S.kpi_one_year_due, 100.0),
        ("Only the home school for 1 year after the return", S.kpi_home_school_only, returned,
         S.kpi_one_year_due, 100.0),
    ]
    columns = [c for _, flag, pending, due, _ in specs for c in _kpi(flag, pending, due)]
    attendance_known = S.placement_attendance.is_not(None)
    row = session.execute(_joined(select(
        func.count(), _sum(overdue), *columns,
        _sum(and_(attendance_known, S.placement_attendance >= PERSISTENT_ABSENCE_LINE)),
        _sum(and_(attendance_known, S.placement_attendance < PERSISTENT_ABSENCE_LINE)),
        _sum(and_(~attendance_known, in_placement)),
        func.coalesce(func.sum(S.feedback_positive), 0), func.coalesce(func.sum(S.feedback_given), 0),
        _sum(and_(S.feedback_given.is_(None), returned)), func.count(S.returned_on),
    )).where(*_where(f))).one()
    placements, overdue_now, values = row[0], row[1], list(row[2:])
    rows = []
    for i, (label, _flag, _pending, _due, target) in enumerate(specs):
        met, missed, outstanding, due = values[4 * i: 4 * i + 4]
        if i == 0:  # a placement past 12 weeks has missed it already, before the return is recorded
            missed, outstanding = missed + overdue_now, outstanding - overdue_now
        rows.append(_kpi_row(label, met, missed, outstanding, due, target))
    at_met, at_missed, at_outstanding, positive, given, no_feedback, returns = values[4 * len(specs):]
    rows.insert(2, _kpi_row("Attendance during the placement above the persistent-absence line", at_met, at_missed,
                            at_outstanding, None, 100.0, "at the first progress review"))
    feedback = percent(positive, given)
    rows.append({"kpi": "At least 90% positive feedback (young people, parents/carers, schools)",
                 "status": ("met" if feedback >= FEEDBACK_TARGET else "not met") if given else "not yet known",
                 "met": positive, "not_met": given - positive, "not_yet_known": no_feedback,
                 "rate": feedback, "target": FEEDBACK_TARGET, "known_from": "after the return" if not given else None})
    take_up, schools_using, schools = _take_up(session, policy, f)
    rows.append({"kpi": "Every school uses its Core Offer Inclusion Placements",
                 "status": "met" if schools and schools_using == schools else ("not met" if schools else "not yet known"),
                 "met": schools_using, "not_met": schools - schools_using, "not_yet_known": 0,
                 "rate": percent(schools_using, schools), "target": 100.0, "known_from": None})
    report = Report("semh-kpis", "SEMH reintegration KPIs", f.to_json(), note=NOTE)
    report.headline = [("Placements", placements), ("Returns recorded", returns),
                       ("Schools using at least 1 core place", f"{schools_using} of {schools}")]
    report.sections = [
        Section("kpis", "KPIs", [("kpi", "KPI"), ("status", "Status"), ("met", "Met"), ("not_met", "Not met"),
                                 ("not_yet_known", "Not yet known"), ("known_from", "Known from"), ("rate", "% met"),
                                 ("target", "Target %")], rows, Chart("bar", "kpi", ["rate"], "%", 100.0, "target")),
        _attendance_by_term(session, f),
        take_up,
    ]
    return report


def _kpi_row(label, met, missed, outstanding, due, target, known_from=None) -> dict:
    known = met + missed
    return {"kpi": label, "status": _status(met, missed, outstanding), "met": met, "not_met": missed,
            "not_yet_known": outstanding, "rate": percent(met, known), "target": target,
            "known_from": (due.isoformat() if isinstance(due, date) else due or known_from) if outstanding else None}


def _attendance_by_term(session: Session, f: ReportFilter) -> Section:
    rows = session.execute(_joined(select(S.placement_term, func.count(), func.avg(S.placement_attendance)))
                           .where(*_where(f), S.placement_attendance.is_not(None))
                           .group_by(S.placement_term).order_by(func.min(S.placement_start))).all()
    return Section("attendance", "Attendance during the placement, by term",
                   [("term", "Term"), ("young_people", "Young people"), ("attendance", "Average attendance %")],
                   [{"term": t, "young_people": n, "attendance": round(float(a), 1)} for t, n, a in rows],
                   Chart("line", "term", ["attendance"], "%", PERSISTENT_ABSENCE_LINE, "persistent-absence line"))


def _allowance_lost(session: Session, f: ReportFilter) -> dict[str, int]:
    """Per term, the core places lost to permanent exclusions when the school had none to withdraw."""
    query = (select(PermanentExclusion.term, func.count()).where(PermanentExclusion.withdrawn_case_id.is_(None))
             .group_by(PermanentExclusion.term))
    if f.school:
        query = query.where(PermanentExclusion.school == f.school)
    return {term: n for term, n in session.execute(query).all()}


def _take_up(session: Session, policy, f: ReportFilter) -> tuple[Section, int, int]:
    """Core places used per term against the places the scheme's schools have (every school that has
    ever nominated a young person is in the scheme)."""
    in_scheme = [F.process == PROCESS, *viewer_scope(f)] + ([school_condition(f.school)] if f.school else [])
    schools = session.scalar(select(func.count(func.distinct(F.home_school))).where(*in_scheme)) or 0
    core = [F.process == PROCESS, F.academic_year == f.year, S.offer == "core"] + in_scheme[1:]
    if f.term:
        core.append(S.placement_term == f"{f.year} {f.term}")
    used = session.execute(_joined(select(S.placement_term, func.count(), func.count(func.distinct(F.home_school)),
                                          _sum(F.outcome == "core_place_withdrawn")))
                           .where(*core).group_by(S.placement_term).order_by(S.placement_term)).all()
    using = session.scalar(_joined(select(func.count(func.distinct(F.home_school)))).where(*core)) or 0
    per_term = policy.core_places_per_school_per_term
    lost = _allowance_lost(session, f)
    rows = [{"term": t, "places_used": n, "schools_using": s, "withdrawn": int(w or 0) + lost.get(t, 0),
             "places_available": schools * per_term - lost.get(t, 0),
             "take_up": percent(n, schools * per_term - lost.get(t, 0))} for t, n, s, w in used]
    section = Section("take_up", "Take-up of Core Offer Inclusion Placements, by term",
                      [("term", "Term"), ("places_used", "Places used"), ("places_available", "Places available"),
                       ("take_up", "Take-up %"), ("schools_using", "Schools using a place"),
                       ("withdrawn", "Withdrawn after a permanent exclusion")],
                      rows, Chart("bar", "term", ["take_up"], "%"),
                      note=f"{schools} schools in the scheme, {per_term} core places each a term.")
    return section, using, schools
