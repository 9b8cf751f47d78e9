"""Report facts: what the reports need of a case, taken from its data whenever the case is saved.

Each process that reports has a module in `schooling/facts/` with its `PROCESS` key and a pure
`facts(case_data)` giving its `case_facts` columns; listing the module in `schooling.facts.MODULES`
registers it (`BUILDERS`). `extract_facts(process_key, case_data)` adds the columns every process shares.
`facts_row(case)` adds what belongs to the case row itself (status, the day it was opened) and is what
`FactsProjection.save` writes from `CaseRun.save`, in the same transaction as the state, so the reports
never disagree with the cases. `rebuild_facts` writes them afresh for every case (after a change to the
extraction, or by migration 0004 for the cases that existed before it).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from engine.models import Case
from schooling.models import CaseFacts

from . import facts as _facts
from .facts.values import DESTINATION_GROUPS, MAINSTREAM, academic_year, key_stage

__all__ = ["BUILDERS", "DESTINATION_GROUPS", "MAINSTREAM", "FactsProjection", "academic_year", "extract_facts",
           "facts_row", "key_stage", "rebuild_facts"]

#: process key -> its facts builder (the case data in, its report columns out)
BUILDERS = {module.PROCESS: module.facts for module in _facts.MODULES}


def extract_facts(process_key: str, case_data: dict[str, Any] | None) -> dict[str, Any]:
    """The report columns a case's data gives (pure; a column the data does not give is left out)."""
    data = case_data or {}
    facts: dict[str, Any] = {"process": process_key, "outcome": data.get("outcome"),
                             **{k: data.get(k) for k in ("home_school", "ap_setting", "local_authority")}}
    builder = BUILDERS.get(process_key)
    if builder is not None:
        facts.update(builder(data))
    if not facts.get("academic_year") and facts.get("started_on"):
        facts["academic_year"] = academic_year(facts["started_on"])
    return facts


_COLUMNS = frozenset(c.name for c in CaseFacts.__table__.columns)


def facts_row(case: Case, columns: frozenset[str] = _COLUMNS) -> dict[str, Any]:
    """The `case_facts` row of a case as it stands: its data's facts plus the case row's own."""
    opened = case.created_at.date()
    facts = extract_facts(case.process_key, case.data)
    row: dict[str, Any] = dict.fromkeys(columns)
    row.update({k: v for k, v in facts.items() if k in columns})
    row.update({"case_id": case.id, "status": case.status, "opened_on": opened, "updated_at": case.updated_at})
    row["pupils"] = facts.get("pupils", 1)
    row["started_on"] = row["started_on"] or opened
    row["academic_year"] = row["academic_year"] or academic_year(row["started_on"])
    return row


def rebuild_facts(session, batch: int = 500) -> int:
    """Write every case's facts afresh; returns how many cases. The caller commits."""
    session.execute(delete(CaseFacts))
    count, rows = 0, []
    for case in session.scalars(select(Case).execution_options(yield_per=batch)):
        rows.append(facts_row(case))
        if len(rows) >= batch:
            session.execute(insert(CaseFacts), rows)
            count, rows = count + len(rows), []
    if rows:
        session.execute(insert(CaseFacts), rows)
    return count + len(rows)


class FactsProjection:
    """The `case_facts` row of each case, kept in step by the engine (an `engine.extensions` projection)."""

    def save(self, run) -> None:
        run.upsert_row(CaseFacts, facts_row(run.case))

    def status_changed(self, session, case) -> None:
        session.execute(update(CaseFacts).where(CaseFacts.case_id == case.id).values(status=case.status))

    def redact(self, session, case_id: str, names: tuple[str, ...]) -> list[str]:
        known = [c for c in names if c in CaseFacts.__table__.c]
        if known:
            session.execute(update(CaseFacts).where(CaseFacts.case_id == case_id).values({c: None for c in known}))
        return known

    def rebuild(self, session) -> int:
        return rebuild_facts(session)
