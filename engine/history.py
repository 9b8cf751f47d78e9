"""The append-only, hash-chained history of each case (docs/architecture.md, rule 6).

Each event's payload (`data`) is stored with a random salt and the digest of salt and payload; the
chain's hash covers the event's header (case, seq, time, actor, kind, element) and that digest, not
the payload itself. Retention can then erase a payload, salt included (migration 0012's trigger
allows only that change), and the chain still verifies: the event is reported as redacted, not as
tampered. The salt is what keeps an erased payload from being guessed back from its digest (a date
of birth has few values).
"""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .case_row import save_case
from .models import Case, HistoryEvent

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same bytes for the same value, every time."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def payload_digest(salt: str, data: dict[str, Any]) -> str:
    """SHA-256 over the salt and the payload's canonical JSON."""
    return hashlib.sha256((salt + canonical(data)).encode()).hexdigest()


def event_hash(prev_hash: str, case_id: str, seq: int, at: datetime, actor: str, kind: str,
               element: str | None, digest: str) -> str:
    """SHA-256 over the previous hash and this event's header and payload digest, in canonical JSON."""
    body = canonical({"case": case_id, "seq": seq, "at": at.isoformat(), "actor": actor, "kind": kind,
                      "element": element, "digest": digest})
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


class HistoryWriter:
    """Appends events for one case within the caller's transaction; the operation that makes the
    events writes them (`write`) once the case row is saved.

    The chain's head (last seq and hash) is kept on the case row, which the optimistic revision
    check already guards, so two writers can never both extend the same head. `write` saves the
    case row first (where a lost race shows), then inserts the events as one multi-row INSERT.
    """

    def __init__(self, session: Session, case: Case):
        self._session = session
        self._case = case
        self._case_id = case.id
        self._seq, self._hash = case.history_seq or 0, case.history_hash or GENESIS
        self._pending: list[dict[str, Any]] = []

    def append(self, at: datetime, actor: str, kind: str, element: str | None = None,
               data: dict[str, Any] | None = None) -> None:
        data = data or {}
        self._seq += 1
        salt = secrets.token_hex(16)
        digest = payload_digest(salt, data)
        chained = event_hash(self._hash, self._case_id, self._seq, at, actor, kind, element, digest)
        self._pending.append({"case_id": self._case_id, "seq": self._seq, "at": at, "actor": actor,
                              "kind": kind, "element": element, "data": data, "salt": salt,
                              "digest": digest, "prev_hash": self._hash, "hash": chained})
        self._hash = chained
        self._case.history_seq, self._case.history_hash = self._seq, chained

    @property
    def unwritten(self) -> int:
        """How many appended events `write` has not yet written."""
        return len(self._pending)

    def write(self) -> None:
        """Save the case row (with the chain's new head, revision-checked: StaleDataError if another
        transaction saved it first) and whatever else the session holds, then insert the events
        appended since the last write, in the caller's transaction."""
        save_case(self._session, self._case).check()
        self._session.flush()
        self.write_events(self._session.connection())

    def write_events(self, connection) -> None:
        """Insert the events appended since the last write (the case row must be saved with them)."""
        if self._pending:
            rows, self._pending = self._pending, []
            connection.execute(_INSERT, rows)


_INSERT = HistoryEvent.__table__.insert().inline()  # no implicit RETURNING of the ids: nothing reads them


def verify_chain(events: list[HistoryEvent]) -> int | None:
    """Return the seq of the first event whose hash or payload digest does not match, or None.

    An erased payload (retention) is not a mismatch: its digest is still in the chain."""
    prev = GENESIS
    for e in events:
        expected = event_hash(prev, e.case_id, e.seq, e.at, e.actor, e.kind, e.element, e.digest)
        if e.prev_hash != prev or e.hash != expected:
            return e.seq
        if not is_redacted(e) and (e.salt is None or payload_digest(e.salt, e.data) != e.digest):
            return e.seq
        prev = e.hash
    return None


def is_redacted(e: HistoryEvent) -> bool:
    """Whether retention has erased the event's payload (its digest stays in the chain)."""
    return e.data is None


def event_json(e: HistoryEvent) -> dict[str, Any]:
    """The event as the history shows it; an erased payload is `{}` with `"redacted": true`."""
    return {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "element": e.element,
            "data": e.data if e.data is not None else {}, "redacted": e.data is None, "hash": e.hash}
