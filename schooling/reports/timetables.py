"""Part-time reintegration timetables (the Oxfordshire timetable guidance): the pupils on one now, for how long, their hours in
education this week against a full week, and those past the 6-week limit; and how the year's
timetables ended.

"Now" is the report's day. Weeks on the timetable are school weeks (weeks with a school day), as the
limit is counted: holidays do not count, as the pupil is not out of education then.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from engine.models import Case
from schooling.facts.reintegration_timetable_model import TimetableFacts
from schooling.models import CaseFacts

from .periods import ReportFilter
from .scope import conditions, viewer_scope
from .shape import Chart, Report, Section, percent

#: The report's name (in URLs and on the command line), its title and what it shows.
NAME = "timetables"
TITLE = "Part-time timetables"
ABOUT = ("Pupils on a reintegration timetable now, their hours and the 6-week "
         "limit (the Oxfordshire timetable guidance)")
PROCESS = "reintegration_timetable"
F, T = CaseFacts, TimetableFacts


class SchoolWeeks:
    """Weeks with a school day from a start's week to `today`'s, both counted: one walk of the
    calendar's weeks back to the earliest start, shared by every pupil."""

    def __init__(self, calendar, today: date):
        self.calendar, self.last = calendar, today - timedelta(days=today.weekday())
        self._counted: dict[date, int] = {}  # Monday -> school weeks from it to today's week

    def since(self, start: date) -> int:
        monday = start - timedelta(days=start.weekday())
        if monday not in self._counted:
            week = min([*self._counted, self.last + timedelta(weeks=1)])
            total = self._counted.get(week, 0)
            while week > monday:
                week -= timedelta(weeks=1)
                total += any(self.calendar.is_school_day(week + timedelta(days=d)) for d in range(5))
                self._counted[week] = total
        return self._counted.get(monday, 0)


def hours_on(timetable_hours: list | None, today: date) -> float | None:
    """The hours of the plan's week that `today` falls in (the last week that has begun)."""
    current = None
    for start, hours in timetable_hours or []:
        if start and date.fromisoformat(start) <= today:
            current = hours
    return current


def build(session: Session, policy, f: ReportFilter, today: date) -> Report:
    calendar = policy.school_calendar()
    # The running timetables are few whatever the history, and (process, status) finds them: the school
    # is picked out of them here, as a school condition in SQL makes the database seek the school's
    # timetables of every year instead.
    where = [F.process == PROCESS, F.status == "running", T.timetable_agreed.is_(True), T.timetable_start <= today,
             T.full_time_on.is_(None), *viewer_scope(f)]
    found = session.execute(select(F.case_id, Case.pupil_initials, F.home_school, T.timetable_start, T.timetable_limit,
                                   T.full_time_from, T.full_week_hours, T.timetable_hours, T.looked_after, T.send,
                                   F.host_school, F.ap_setting)
                            .select_from(F).join(T, T.case_id == F.case_id).join(Case, Case.id == F.case_id)
                            .where(*where).order_by(T.timetable_start, F.case_id)).all()
    rows, weeks = [], SchoolWeeks(calendar, today)
    for case_id, initials, school, start, limit, full_from, full, plan, lac, send, host, ap in found:
        if f.school and f.school not in (school, host, ap):
            continue
        hours = hours_on(plan, today)
        rows.append({"case_id": case_id, "pupil": initials, "school": school, "start": start.isoformat(),
                     "weeks": weeks.since(start), "hours": hours, "full_week": full,
                     "percent_of_full": percent(hours, full) if hours is not None else None,
                     "limit": limit.isoformat() if limit else None, "past_limit": bool(limit and today > limit),
                     "full_time_from": full_from.isoformat() if full_from else None,
                     "looked_after": lac, "ehcp": send})
    past = sum(r["past_limit"] for r in rows)
    report = Report("timetables", "Part-time reintegration timetables", {**f.to_json(), "today": today.isoformat()},
                    note=f"Weeks are school weeks; the limit is {policy.timetable_max_weeks} weeks back to full time.")
    known = [r["hours"] for r in rows if r["hours"] is not None]
    report.headline = [("On a part-time timetable now", len(rows)),
                       (f"Past {policy.timetable_max_weeks} weeks", past),
                       ("Average hours in education this week", round(sum(known) / len(known), 2) if known else None)]
    report.sections = [
        Section("now", "Pupils on a part-time timetable now",
                [("case_id", "Case"), ("pupil", "Pupil"), ("school", "School"), ("start", "Started"),
                 ("weeks", "School weeks on it"), ("hours", "Hours this week"), ("full_week", "Full week hours"),
                 ("percent_of_full", "% of full time"), ("limit", "Full time by"), ("past_limit", "Past the limit"),
                 ("looked_after", "Looked after"), ("ehcp", "EHC plan")],
                rows, Chart("bar", "pupil", ["weeks"], "", policy.timetable_max_weeks,
                            f"{policy.timetable_max_weeks}-week limit")),
        _year(session, calendar, f),
    ]
    return report


def _year(session: Session, calendar, f: ReportFilter) -> Section:
    """How the year's timetables (by their start) have gone."""
    where = conditions(calendar, f, PROCESS)
    ended = T.full_time_on.is_not(None)

    def n(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    total, agreed, refused, within, late, running = session.execute(select(
        func.count(), n(T.timetable_agreed.is_(True)), n(T.timetable_agreed.is_(False)),
        n(and_(ended, T.full_time_on <= T.timetable_limit)), n(and_(ended, T.full_time_on > T.timetable_limit)),
        n(and_(T.timetable_agreed.is_(True), ~ended, F.status == "running")))
        .select_from(F).outerjoin(T, T.case_id == F.case_id).where(*where)).one()
    rows = [{"stage": "Timetables considered", "count": total}, {"stage": "Agreed in writing", "count": agreed},
            {"stage": "Not agreed (no timetable)", "count": refused},
            {"stage": "Back to full time within the limit", "count": within},
            {"stage": "Back to full time after the limit", "count": late},
            {"stage": "Still on a timetable", "count": running}]
    return Section("year", f"Timetables in {f.year}" + (f" ({f.term} term)" if f.term else ""),
                   [("stage", "Stage"), ("count", "Timetables")], rows, Chart("bar", "stage", ["count"]))
