"""Costs (the Higher Needs Recovery Group's advocacy pilot): per pupil given advocacy, the current
setting's annual cost, the transition support's cost and the mainstream funding that follows the pupil
back, with the cohort's totals and what the high-needs budget saves.

Planned saving: current settings' costs less transition and mainstream costs, if every pupil
reintegrates. Realised saving: the same over the pupils whose reintegration succeeded.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from engine.models import Case
from schooling.facts.reintegration_model import ReintegrationFacts
from schooling.models import CaseFacts

from .periods import ReportFilter
from .scope import conditions
from .shape import Chart, Report, Section

#: The report's name (in URLs and on the command line), its title and what it shows.
NAME = "costs"
TITLE = "Costs and savings"
ABOUT = ("Per pupil and cohort costs of advocacy and what the high-needs budget saves "
         "(the HNRG advocacy pilot)")
PROCESS = "reintegration"
ROW_LIMIT = 500
F, R = CaseFacts, ReintegrationFacts
_MONEY = (R.current_setting_funding, R.transition_cost, R.mainstream_funding, R.net_saving)
_SUCCESS = F.outcome == "successful"


def _total(column, condition=None):
    value = column if condition is None else case((condition, column), else_=0)
    return func.coalesce(func.sum(value), 0)


def build(session: Session, policy, f: ReportFilter, today: date) -> Report:
    """The year's advocacy cohort (by the advocacy's start), pupil by pupil, with totals and savings."""
    where = [*conditions(policy.school_calendar(), f, PROCESS), R.advocacy.is_(True),
             R.current_setting_funding.is_not(None)]
    totals = session.execute(_joined(select(func.count(), *(_total(c) for c in _MONEY), _sum_success(),
                                            _total(R.net_saving, _SUCCESS))).where(*where)).one()
    pupils, current, transition, mainstream, planned, succeeded, realised = totals
    people = session.execute(
        _joined(select(F.case_id, Case.pupil_initials, F.ap_setting, R.gender, R.year_group, R.transition_type,
                       *_MONEY, F.outcome, R.advocacy_outcome)).join(Case, Case.id == F.case_id).where(*where)
        .order_by(F.started_on, F.case_id).limit(ROW_LIMIT)).all()
    keys = ("case_id", "pupil", "setting", "gender", "year_group", "transition_type", "current_funding",
            "transition_cost", "mainstream_funding", "net_saving", "outcome", "advocacy_outcome")
    rows = [dict(zip(keys, r, strict=True)) for r in people]
    for row in rows:
        row["gender"] = {"female": "F", "male": "M"}.get(row["gender"], row["gender"])
    rows.append({**dict.fromkeys(keys), "case_id": "Total", "current_funding": current, "transition_cost": transition,
                 "mainstream_funding": mainstream, "net_saving": planned})
    by_setting = session.execute(_joined(select(F.ap_setting, func.count(), *(_total(c) for c in _MONEY))).where(*where)
                                 .group_by(F.ap_setting).order_by(F.ap_setting)).all()
    report = Report("costs", "Costs and savings of advocacy for reintegration", f.to_json(),
                    note=__doc__.split("\n\n", 1)[1].replace("\n", " "))
    report.headline = [("Pupils", pupils), ("Current settings' costs (£)", current),
                       ("Transition support (£)", transition), ("Mainstream funding (£)", mainstream),
                       ("Planned saving if all reintegrate (£)", planned),
                       ("Reintegrated so far", succeeded), ("Realised saving (£)", realised)]
    money = [("current_funding", "Current setting cost £"), ("transition_cost", "Transition cost £"),
             ("mainstream_funding", "Mainstream funding £"), ("net_saving", "Saving if reintegrated £")]
    report.sections = [
        Section("pupils", "Pupils", [("case_id", "Case"), ("pupil", "Pupil"), ("setting", "Current setting"),
                                     ("gender", "M/F"), ("year_group", "Year"), ("transition_type", "Transition"),
                                     *money, ("outcome", "Outcome")], rows,
                note=f"The first {ROW_LIMIT} pupils are listed; the totals are over all." if pupils > ROW_LIMIT else ""),
        Section("totals", "Totals", [("item", "Item"), ("amount", "£")],
                [{"item": "Current settings' costs", "amount": current}, {"item": "Transition support", "amount": transition},
                 {"item": "Mainstream funding", "amount": mainstream},
                 {"item": "Planned saving", "amount": planned}, {"item": "Realised saving", "amount": realised}],
                Chart("bar", "item", ["amount"], "£")),
        Section("by_setting", "By current setting", [("setting", "Current setting"), ("pupils", "Pupils"), *money],
                [dict(zip(("setting", "pupils", "current_funding", "transition_cost", "mainstream_funding",
                           "net_saving"), r, strict=True)) for r in by_setting],
                Chart("bar", "setting", ["current_funding", "transition_cost", "mainstream_funding"], "£")),
    ]
    return report


def _joined(query):
    """`query` over the shared facts and the reintegration's own."""
    return query.select_from(F).join(R, R.case_id == F.case_id)


def _sum_success():
    return func.coalesce(func.sum(case((and_(_SUCCESS), 1), else_=0)), 0)
