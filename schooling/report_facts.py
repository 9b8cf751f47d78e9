"""Report facts: what the reports need of a case, taken from its data.

Each process that reports has a module in `schooling/facts/` with its `PROCESS` key, its own table
(`TABLE`) and a pure `facts(case_data)`; listing the module in `schooling.facts.MODULES` registers it
(`BUILDERS`). `extract_facts(process_key, case_data)` adds the facts every process shares.
`case_rows(...)` splits a case's facts into its `case_facts` row (the shared facts, with what belongs to
the case row itself: status, the day it was opened) and its row of the process's own table; that is
what `schooling.facts_writer.FactsProjection` writes from `CaseRun.save`, in the same transaction as
the state, so the reports never disagree with the cases. `rebuild_facts` writes them afresh for every
case (after a change to the extraction); `facts_row` gives every fact of a case as one flat row (the
single table the reports read before each process had its own, filled by migration 0004), and
`insert_facts` writes flat rows into the tables (benchmarks and tests that write facts directly).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from engine.models import Case
from schooling.models import CaseFacts

from . import facts as _facts
from .facts.values import DESTINATION_GROUPS, MAINSTREAM, academic_year, key_stage

__all__ = ["BUILDERS", "DESTINATION_GROUPS", "MAINSTREAM", "academic_year", "case_rows", "extract_facts",
           "facts_row", "insert_facts", "key_stage", "rebuild_facts"]

#: process key -> its facts builder (the case data in, its report facts out)
BUILDERS = {module.PROCESS: module.facts for module in _facts.MODULES}
#: the columns of the row every process shares
COMMON = tuple(c.name for c in CaseFacts.__table__.columns)


def extract_facts(process_key: str, case_data: dict[str, Any] | None) -> dict[str, Any]:
    """The report facts a case's data gives (pure; a fact the data does not give is left out)."""
    data = case_data or {}
    facts: dict[str, Any] = {"process": process_key, "outcome": data.get("outcome"),
                             **{k: data.get(k) for k in ("home_school", "ap_setting", "local_authority")}}
    builder = BUILDERS.get(process_key)
    if builder is not None:
        facts.update(builder(data))
    if not facts.get("academic_year") and facts.get("started_on"):
        facts["academic_year"] = academic_year(facts["started_on"])
    return facts


def case_rows(case_id: str, process_key: str, data: dict[str, Any] | None, status: str,
              created_at: datetime) -> tuple[dict[str, Any], type | None, dict[str, Any] | None]:
    """A case's `case_facts` row, its process's facts table (None for a process that has none) and its
    row of that table."""
    opened = created_at.date()
    facts = extract_facts(process_key, data)
    common = {name: facts.get(name) for name in COMMON}
    common.update(case_id=case_id, process=process_key, status=status, opened_on=opened)
    common["started_on"] = common["started_on"] or opened
    common["academic_year"] = common["academic_year"] or academic_year(common["started_on"])
    module = _facts.PROCESSES.get(process_key)
    if module is None:
        return common, None, None
    own = {c.name: facts.get(c.name) for c in module.TABLE.__table__.columns}
    own["case_id"] = case_id
    if "pupils" in own:
        own["pupils"] = facts.get("pupils", 1)
    return common, module.TABLE, own


def rows_of(case: Case) -> tuple[dict[str, Any], type | None, dict[str, Any] | None]:
    """`case_rows` of a case row as it stands."""
    return case_rows(case.id, case.process_key, case.data, case.status, case.created_at)


def facts_row(case, columns: frozenset[str]) -> dict[str, Any]:
    """Every report fact of a case as one flat row over `columns` (the shared ones and its process's)."""
    common, _, own = rows_of(case)
    row: dict[str, Any] = dict.fromkeys(columns)
    row.update({k: v for k, v in {**(own or {}), **common}.items() if k in columns})
    if "pupils" in columns:
        row["pupils"] = (own or {}).get("pupils", 1)
    if "updated_at" in columns:
        row["updated_at"] = case.updated_at
    return row


def insert_facts(session, rows: list[dict[str, Any]]) -> None:
    """Insert report facts given flat (every fact of a case in one dict, a missing one null) into the
    shared table and each process's own: for facts written directly, without their cases' data."""
    shared, own = [], {}
    for row in rows:
        shared.append({name: row.get(name) for name in COMMON})
        module = _facts.PROCESSES.get(row["process"])
        if module is not None:
            values = {c.name: row.get(c.name) for c in module.TABLE.__table__.columns}
            if "pupils" in values:
                values["pupils"] = 1 if values["pupils"] is None else values["pupils"]
            own.setdefault(module.TABLE, []).append(values)
    if shared:
        session.execute(insert(CaseFacts), shared)
    for table, values in own.items():
        session.execute(insert(table), values)


def rebuild_facts(session, batch: int = 500) -> int:
    """Write every case's facts afresh; returns how many cases. The caller commits."""
    for table in (*_facts.TABLES, CaseFacts):
        session.execute(delete(table))
    count, common, own = 0, [], {}

    def write() -> None:
        if common:
            session.execute(insert(CaseFacts), common)
        for table, rows in own.items():
            session.execute(insert(table), rows)
        common.clear()
        own.clear()

    for case in session.scalars(select(Case).execution_options(yield_per=batch)):
        row, table, process_row = rows_of(case)
        common.append(row)
        if table is not None:
            own.setdefault(table, []).append(process_row)
        count += 1
        if len(common) >= batch:
            write()
    write()
    return count
