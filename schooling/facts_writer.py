"""The report facts kept in step with each case, written only when they change.

`FactsProjection` is the engine projection (`engine.extensions`) that writes a case's `case_facts` row
and its row of its process's own table (`schooling.report_facts.case_rows`) from `CaseRun.save`, in the
same transaction as the state. Most steps change nothing a report reads (a review recorded, a reminder
sent), so it compares the facts built now with those the database already holds and writes only a row
that differs; a step that changes no facts issues no statement for them.

What the database holds is known without asking it: every save, status change and redaction of a case
writes its facts in the transaction that changes the case, so the stored facts are those of the case as
it was read. When a case row is read (or read again after a rollback), the data and status it was read
with are noted on its ORM state (`InstanceState.info`); after each write, or each status change, what was
written is noted instead, so that a case saved twice in one transaction is compared with its first save.
A case this session has not read (one just started) is written whole. Changing what a builder extracts
therefore needs `reintegrate report rebuild-facts` (or a migration that fills the new facts), as cases
whose facts the change alters are otherwise rewritten only when their facts change again.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import event, inspect, update

from engine.models import Case
from schooling.models import CaseFacts

from . import facts as _facts
from .report_facts import case_rows, rebuild_facts, rows_of

_KEY = "schooling.report_facts"


@dataclass(frozen=True)
class _Read:
    """The case as it was read: its stored facts are the facts of this data and status."""

    data: Any
    status: str


@dataclass(frozen=True)
class _Written:
    """The rows this session wrote (or found unchanged) for the case."""

    common: dict[str, Any]
    own: dict[str, Any] | None


def _note_read(state, context, attrs=None) -> None:
    """On a case row read whole (or read again after a rollback): note the data and status it was read
    with. A partial read of either leaves the case unknown (written whole at its next save)."""
    if attrs is not None and not {"data", "status"} & set(attrs):
        return  # a deferred column loaded (the state): the data and status were read before
    values = state.dict
    if attrs is None and "data" in values and "status" in values:
        state.info[_KEY] = _Read(values["data"], values["status"])
    else:
        state.info.pop(_KEY, None)


def watch_case_reads() -> None:
    """Note each case's data and status as read (idempotent: one listener whatever the registries)."""
    if not event.contains(Case, "load", _note_read):
        event.listen(Case, "load", _note_read, raw=True)
        event.listen(Case, "refresh", _note_read, raw=True)


def _stored(case: Case) -> _Written | None:
    """The facts rows the database holds for `case`, as far as this session knows; None if unknown."""
    known = inspect(case).info.get(_KEY)
    if isinstance(known, _Read):
        common, _, own = case_rows(case.id, case.process_key, known.data, known.status, case.created_at)
        return _Written(common, own)
    return known


class FactsProjection:
    """The report facts of each case, kept in step by the engine (an `engine.extensions` projection)."""

    def __init__(self) -> None:
        watch_case_reads()

    def save(self, run) -> None:
        case = run.case
        common, table, own = rows_of(case)
        stored = _stored(case)
        if stored is None or stored.common != common:
            run.upsert_row(CaseFacts, common)
        if table is not None and (stored is None or stored.own != own):
            run.upsert_row(table, own)
        inspect(case).info[_KEY] = _Written(common, own)

    def status_changed(self, session, case) -> None:
        session.execute(update(CaseFacts).where(CaseFacts.case_id == case.id).values(status=case.status))
        info = inspect(case).info
        known = info.get(_KEY)
        if isinstance(known, _Read):
            info[_KEY] = replace(known, status=case.status)
        elif isinstance(known, _Written):
            info[_KEY] = replace(known, common={**known.common, "status": case.status})

    def redact(self, session, case_id: str, names: tuple[str, ...]) -> list[str]:
        erased: list[str] = []
        for table in (CaseFacts, *_facts.TABLES):
            known = [c for c in names if c in table.__table__.c]
            if known:
                session.execute(update(table).where(table.case_id == case_id).values(dict.fromkeys(known)))
                erased += [c for c in known if c not in erased]
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Case) and obj.id == case_id:
                inspect(obj).info.pop(_KEY, None)  # its facts are no longer those of its data
        return [c for c in names if c in erased]

    def rebuild(self, session) -> int:
        """Every case's facts written afresh (`report rebuild-facts`); how many cases."""
        return rebuild_facts(session)
