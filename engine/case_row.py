"""The case row saved with its revision check as one plain UPDATE, without the ORM's flush.

Every step updates its case once. The ORM's unit of work did it with the same statement (the
revision is the mapper's `version_id_col`), but spent more time deciding what to write than the
database spent writing it. `save_case` writes the columns the run changed, bumps the revision
where it is still the one read (`WHERE id = ? AND revision = ?`), and marks the row clean in the
session, so that no later flush writes it again. A new case (not yet in the database) is inserted
by the session's flush as before.
"""
from __future__ import annotations

from sqlalchemy import bindparam, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from .models import Case

#: The columns a run may change (the key, the process and who started it never change).
_CHANGING = ("process_version_id", "status", "state", "data", "pupil_initials", "error", "history_seq",
             "history_hash", "updated_at")


class Pending:
    """A revision-checked UPDATE sent but not yet answered (a batch of statements, `engine.batch`):
    `check()` raises StaleDataError, as the ORM's flush would, if it changed no row."""

    def __init__(self, case: Case, result, revision: int):
        self._case, self._result, self._revision = case, result, revision

    def _rowcount(self) -> int:
        rowcount = self._result.rowcount  # -1 while the statement is in a batch not yet answered
        return rowcount if rowcount >= 0 else self._result.context.cursor.rowcount

    def check(self, failed: bool = False) -> None:
        """StaleDataError unless the UPDATE changed its row; `failed` (a later statement of the batch
        failed): only if the UPDATE is known to have changed none, so that a lost race shows as such
        rather than as the error that followed it (a duplicate history event)."""
        if self._result is None:
            return
        rowcount = self._rowcount()
        if rowcount == 0 or (rowcount != 1 and not failed):
            raise StaleDataError(f"case {self._case.id} was saved by another transaction after revision "
                                 f"{self._revision} was read")


def save_case(session: Session, case: Case) -> Pending:
    """Write what changed on `case` (revision-checked) in the session's transaction; a new case is
    flushed by the session. The returned `Pending` checks, once the statement has been answered,
    that the revision still held."""
    state = inspect(case)
    if not state.persistent:
        session.flush()
        return Pending(case, None, 0)
    values = {}
    for key in _CHANGING:
        history = state.attrs[key].history
        if history.added and not (history.deleted and history.deleted[0] == history.added[0]):
            values[key] = history.added[0]
    if not values:  # nothing changed: the ORM would not have written the row either
        return Pending(case, None, 0)
    revision = case.revision
    values["revision"] = revision + 1
    result = session.connection().execute(_update(tuple(values)), {**values, "case_id": case.id, "was": revision})
    for key, value in values.items():
        set_committed_value(case, key, value)
    if not state.committed_state:  # nothing else changed on it: no flush need look at the row again
        state._commit_all(state.dict, session.identity_map)
    return Pending(case, result, revision)


_UPDATES: dict[tuple[str, ...], object] = {}


def _update(keys: tuple[str, ...]):
    """The UPDATE of these columns, built once per set of columns."""
    statement = _UPDATES.get(keys)
    if statement is None:
        table = Case.__table__
        statement = _UPDATES[keys] = (update(table).where(table.c.id == bindparam("case_id"),
                                                          table.c.revision == bindparam("was"))
                                      .values({key: bindparam(key) for key in keys}))
    return statement
