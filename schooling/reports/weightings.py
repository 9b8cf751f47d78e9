"""The Fair Access weightings grid (the Worcestershire protocol, step 10): per school, the transfers in (+3) and out (-3)
that successful reintegrations caused, term by term, from the `weightings` rows the reintegration
process writes when the outcome is recorded (a range on their indexed time)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from schooling.models import CaseFacts, WeightingEntry

from .periods import ReportFilter, moment, period, term_ranges
from .scope import viewer_scope
from .shape import Chart, Report, Section

#: The report's name (in URLs and on the command line), its title and what it shows.
NAME = "weightings"
TITLE = "Fair Access weightings grid"
ABOUT = ("Transfers in and out per school, by term (the Worcestershire protocol)")
PROCESS = "reintegration"
W = WeightingEntry


def build(session: Session, policy, f: ReportFilter, today: date) -> Report:
    """Points per school and term of the year; a filter by another process gives an empty grid."""
    calendar, tz = policy.school_calendar(), policy.timezone
    ranges = [r for r in term_ranges(calendar, f.year) if not f.term or r[0] == f.term]
    first, last = period(calendar, f)
    where = [W.at >= moment(first, tz), W.at < moment(last + timedelta(days=1), tz)]
    if f.school:
        where.append(W.school == f.school)
    if f.process and f.process != PROCESS:
        where.append(W.id.is_(None))
    if f.scope:  # the rows caused by the cases the viewer may count
        where.append(W.case_id.in_(select(CaseFacts.case_id).where(*viewer_scope(f))))
    bucket = literal(ranges[0][0]) if len(ranges) == 1 else case(
        *((W.at < moment(end + timedelta(days=1), tz), name) for name, _, end in ranges[:-1]), else_=ranges[-1][0])
    rows = session.execute(select(W.school, bucket, func.sum(W.points),
                                  func.sum(case((W.points > 0, 1), else_=0)), func.sum(case((W.points < 0, 1), else_=0)))
                           .where(*where).group_by(W.school, bucket)).all()
    grid: dict[str, dict] = defaultdict(lambda: {"transfers_in": 0, "transfers_out": 0, "points": 0})
    for school, term, points, ins, outs in rows:
        row = grid[school]
        row[term] = int(points)
        row["transfers_in"] += int(ins)
        row["transfers_out"] += int(outs)
        row["points"] += int(points)
    table = [{"school": s, **{name: v.get(name, 0) for name, _, _ in ranges}, **v} for s, v in sorted(grid.items())]
    report = Report("weightings", "Fair Access weightings grid", f.to_json(),
                    note="A permanent move after a successful reintegration counts +3 to the host school (transfer in) "
                         "and -3 to the setting the pupil left (transfer out).")
    report.headline = [("Schools and settings", len(table)),
                       ("Transfers in", sum(r["transfers_in"] for r in table)),
                       ("Transfers out", sum(r["transfers_out"] for r in table))]
    terms = [(name, f"{f.year} {name} points") for name, _, _ in ranges]
    report.sections = [Section("grid", "Points by school and term",
                               [("school", "School or setting"), *terms, ("transfers_in", "Transfers in"),
                                ("transfers_out", "Transfers out"), ("points", "Net points")],
                               table, Chart("bar", "school", ["points"]))]
    return report
