"""Service figures per academic year (the Reintegration Service document): pupils supported, the
cohort's breakdown, destinations, support types delivered and income from traded support.

Pupils supported are the individual requests the team accepted (declined ones are counted apart);
groups (Success in Schools) are counted by their cohort size beside them, without a breakdown, as the
group form records no pupil's details. Breakdown percentages are of the pupils supported; destination
percentages of the pupils whose destination is recorded.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import String, case, cast, func, null, or_, select
from sqlalchemy.orm import Session

from engine.models import ProcessVersion
from schooling.facts import PROCESSES
from schooling.models import CaseFacts

from .periods import ReportFilter, term_ranges
from .scope import conditions, school_partition, viewer_scope
from .shape import Chart, Report, Section, percent

#: The report's name (in URLs and on the command line), its title and what it shows.
NAME = "service"
TITLE = "Service figures"
ABOUT = ("Pupils supported, cohort breakdown, destinations, support and income "
         "(the Reintegration Service document)")
PROCESS = "outreach_support"
#: the process's own facts the figures are grouped by (a process whose table lacks one counts it as unknown)
GROUPED = ("request_type", "gender", "phase", "key_stage", "send", "pupil_premium", "free_school_meals",
           "looked_after", "destination_group", "support_type")
BREAKDOWN = (("Girls", "gender", "female"), ("Boys", "gender", "male"), ("Other gender", "gender", "other"),
             ("Primary", "phase", "primary"), ("Secondary", "phase", "secondary"),
             ("Key stage 1", "key_stage", "KS1"), ("Key stage 2", "key_stage", "KS2"),
             ("Key stage 3", "key_stage", "KS3"), ("Key stage 4", "key_stage", "KS4"),
             ("SEND (EHC plan or SEN support)", "send", True), ("Pupil premium", "pupil_premium", True),
             ("Free school meals", "free_school_meals", True), ("Looked after", "looked_after", True))
DESTINATIONS = (("mainstream", "Mainstream school"), ("special", "Special school"),
                ("ap", "Alternative provision"), ("other", "Other (home education, post-16, not known)"))
NOTE = ("Pupils supported are the individual requests accepted; groups are counted by cohort size, without a "
        "breakdown. Breakdown percentages are of the pupils supported; destination percentages of the pupils "
        "whose destination is recorded.")


_TYPES = {c.name: c.type for module in PROCESSES.values() for c in module.TABLE.__table__.columns}


class _Own:
    """The columns of the process's own facts table, joined to `case_facts` (null where it has none)."""

    def __init__(self, process: str):
        module = PROCESSES.get(process)
        self.table = module.TABLE if module else None

    def __getitem__(self, name: str):
        if self.table is not None and name in self.table.__table__.c:
            return self.table.__table__.c[name]
        return cast(null(), _TYPES.get(name, String()))

    def has(self, name: str) -> bool:
        return self.table is not None and name in self.table.__table__.c

    def joined(self, query):
        query = query.select_from(CaseFacts)
        if self.table is None:
            return query
        return query.outerjoin(self.table, self.table.case_id == CaseFacts.case_id)

    def declined(self):
        """Null-safe, so that NOT of it keeps the rows whose columns are null."""
        return or_(func.coalesce(self["decision"], "") == "decline", func.coalesce(CaseFacts.outcome, "") == "declined")

    def individual(self):
        return func.coalesce(self["request_type"], "individual") != "group"


def build(session: Session, policy, f: ReportFilter, today: date) -> Report:
    """The year's figures for the process (outreach support unless the filter names another)."""
    calendar = policy.school_calendar()
    own = _Own(f.process or PROCESS)
    where = conditions(calendar, f, PROCESS)
    grouped = [name for name in GROUPED if own.has(name)]
    columns = [own[name] for name in grouped]
    members = func.coalesce(func.sum(func.coalesce(own["pupils"], 1)), 0) if own.has("pupils") else func.count()
    rows = session.execute(own.joined(select(*columns, func.count(), members,
                                             func.coalesce(func.sum(own["income_total"]), 0),
                                             func.coalesce(func.sum(own["chargeable_weeks"]), 0)))
                           .where(*where, ~own.declined()).group_by(*columns)).all()
    declined = session.scalar(own.joined(select(func.count())).where(*where, own.declined())) or 0
    pupils, groups, tallies, support = 0, 0, Counter(), Counter()
    income = weeks = 0
    for row in rows:
        values = {**dict.fromkeys(GROUPED), **dict(zip(grouped, row[:len(grouped)], strict=True))}
        count, members = row[-4], row[-3]
        income, weeks = income + row[-2], weeks + row[-1]
        support[values["support_type"] or "not recorded"] += count
        if values["request_type"] == "group":
            groups += members
            continue
        pupils += count
        for key, value in values.items():
            tallies[(key, value)] += count
    recorded = sum(tallies[("destination_group", g)] for g, _ in DESTINATIONS)
    labels = support_labels(session)
    report = Report("service", "Service figures", f.to_json(), note=NOTE)
    report.headline = [("Pupils supported", pupils), ("Pupils in groups", groups), ("Requests declined", declined),
                       ("Income from traded support (£)", income), ("Chargeable weeks", weeks)]
    report.sections = [
        Section("breakdown", "Breakdown of pupils supported", [("group", "Pupils"), ("count", "Number"),
                                                                ("percent", "% of pupils supported")],
                [{"group": label, "count": tallies[(key, value)], "percent": percent(tallies[(key, value)], pupils)}
                 for label, key, value in BREAKDOWN], Chart("bar", "group", ["percent"], "%")),
        Section("destinations", "Destinations", [("destination", "Destination"), ("count", "Pupils"),
                                                 ("percent", "% of destinations recorded")],
                [*({"destination": label, "count": tallies[("destination_group", g)],
                    "percent": percent(tallies[("destination_group", g)], recorded)} for g, label in DESTINATIONS),
                 {"destination": "Not yet recorded", "count": pupils - recorded, "percent": None}],
                Chart("bar", "destination", ["percent"], "%")),
        Section("support_types", "Support types delivered", [("support_type", "Support"), ("requests", "Requests")],
                [{"support_type": labels.get(k, k.replace("_", " ").capitalize()), "requests": v}
                 for k, v in sorted(support.items())],
                Chart("bar", "support_type", ["requests"])),
        _by_term(session, calendar, f, where, own),
        _by_year(session, f, own),
    ]
    return report


def support_labels(session: Session) -> dict[str, str]:
    """Support type -> its name on the request form (the latest version of the process), as people chose it."""
    info = session.scalar(select(ProcessVersion.info).where(ProcessVersion.process_key == PROCESS)
                          .order_by(ProcessVersion.version.desc()).limit(1)) or {}
    field = next((f for f in info.get("start_form") or [] if f.get("id") == "support_type"), {})
    return {"not recorded": "Not recorded", **{o["id"]: o["name"] for o in field.get("options") or []}}


def _by_term(session: Session, calendar, f: ReportFilter, where, own: _Own) -> Section:
    ranges = term_ranges(calendar, f.year)
    bucket = case(*((CaseFacts.started_on <= last, name) for name, _, last in ranges[:-1]), else_=ranges[-1][0])
    phase = [own["phase"]] if own.has("phase") else []
    found = {(t, *(p or [None])): n for t, *p, n in session.execute(
        own.joined(select(bucket, *phase, func.count())).where(*where, ~own.declined(), own.individual())
        .group_by(bucket, *phase))}
    rows = [{"term": f"{f.year} {name}", "primary": found.get((name, "primary"), 0),
             "secondary": found.get((name, "secondary"), 0)} for name, _, _ in ranges if not f.term or name == f.term]
    for row in rows:
        row["pupils"] = row["primary"] + row["secondary"] + found.get((row["term"].split()[-1], None), 0)
    return Section("by_term", "Pupils supported by term (when the support was asked for)",
                   [("term", "Term"), ("pupils", "Pupils"), ("primary", "Primary"), ("secondary", "Secondary")],
                   rows, Chart("bar", "term", ["primary", "secondary"]))


def _by_year(session: Session, f: ReportFilter, own: _Own) -> Section:
    """Every year's pupils: the only part of the report that reads past years, so it reads indexes alone."""
    where = [CaseFacts.process == (f.process or PROCESS), ~own.declined(), own.individual(), *viewer_scope(f)]
    years: Counter[str] = Counter()
    for part in school_partition(f.school) if f.school else [[]]:
        years.update(dict(session.execute(own.joined(select(CaseFacts.academic_year, func.count()))
                                          .where(*where, *part).group_by(CaseFacts.academic_year)).all()))
    return Section("by_year", "Pupils supported by academic year", [("year", "Academic year"), ("pupils", "Pupils")],
                   [{"year": y, "pupils": years[y]} for y in sorted(years, key=lambda y: (y is None, y))],
                   Chart("line", "year", ["pupils"]))
