"""Engine operations for auditors and operators: history, replay, the access log, the outbox."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select

from .engine_core import EngineCore
from .errors import InvalidData
from .history import event_json
from .models import (
    HistoryEvent,
    OutboxMessage,
    ReadyTask,
    Timer,
)
from .paging import Page, clamp_page
from .reads import Viewer, access_log
from .redactions import redactions_of
from .replay import StoredCase, replay_case

#: Messages on one page of the mail page.
OUTBOX_PAGE_SIZE = 25
_sent, _failed, _cancelled = (OutboxMessage.sent_at.is_not(None), OutboxMessage.failed_at.is_not(None),
                              OutboxMessage.cancelled_at.is_not(None))
#: Each status as its condition: a message is sent, else failed, else cancelled, else queued.
OUTBOX_STATUSES = {"queued": and_(~_sent, ~_failed, ~_cancelled), "sent": _sent, "failed": and_(~_sent, _failed),
                   "cancelled": and_(~_sent, ~_failed, _cancelled)}


class AuditOperations(EngineCore):
    """Engine operations for auditors and operators."""

    def replay(self, case_id: str, until: int | None = None, at: datetime | None = None,
               verify: bool = False, *, viewer: Viewer) -> dict[str, Any]:
        """Rebuild the case from its events (up to seq `until` or time `at`); `verify` checks it all. InvalidData
        for an `until` outside the case's events or an `at` before the case started (nothing is logged)."""
        case = self._case(case_id)
        self._may_read(case, viewer)
        if until is not None and until < 1:
            raise InvalidData({"until": f"events are numbered from 1, not {until}"})
        if at is not None and at < case.created_at:
            raise InvalidData({"at": f"{at.isoformat()} is before the case was started "
                                     f"({case.created_at.isoformat(timespec='seconds')})"})
        events = list(self.session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case_id)
                                           .order_by(HistoryEvent.seq)))
        if until is not None and events and until > events[-1].seq:
            raise InvalidData({"until": f"the case has no event {until}: its last is event {events[-1].seq}, "
                                        f"at {events[-1].at.isoformat(timespec='seconds')}"})
        self._log_access(case_id, viewer, "replayed case")
        deployment = self.specs.get(self.session, case.process_version_id)
        stored = None
        if verify and until is None and at is None:
            stored = StoredCase(
                self.serializer.loads(case.state, deployment.parsed.spec, deployment.parsed.subprocess_specs, case_id),
                list(self.session.scalars(select(ReadyTask).where(ReadyTask.case_id == case_id))),
                list(self.session.scalars(select(Timer).where(Timer.case_id == case_id))))
        elif verify:
            raise InvalidData({"verify": "verify the whole history: leave out --until and --at"})
        def deployment_of(number: int | None):
            if number is None:
                return deployment
            return self.specs.get(self.session, self._version(case.process_key, number).id)

        result = replay_case(case, events, deployment_of, self.registry, self.policy, stored, until, at,
                             self.serializer.registry).to_json()
        return {**result, "redactions": redactions_of(self.session, case_id)} if result["redacted_events"] else result

    def rebuild_projections(self) -> int:
        """Every case's projections (the service's rows that follow each case) written afresh from its
        data; how many cases."""
        return self.registry.extensions.rebuild(self.session)

    def access_log(self, case_id: str) -> list[dict[str, Any]]:
        """Who read the case, when, newest first."""
        self._case(case_id)
        return access_log(self.session, case_id)

    def history(self, case_id: str, *, viewer: Viewer) -> list[dict[str, Any]]:
        """The case's events in order; `viewer` (a person reading them) is written to the access log."""
        self._may_read(self._case(case_id), viewer)
        self._log_access(case_id, viewer, "read history")
        events = self.session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case_id)
                                      .order_by(HistoryEvent.seq))
        return [event_json(e) for e in events]

    def outbox(self, limit: int = 200, *, viewer: Viewer) -> list[dict[str, Any]]:
        """Queued and sent messages, newest first; `viewer` has read the mail of each case shown."""
        return self.outbox_page(1, per_page=limit, viewer=viewer).items

    def outbox_page(self, page: int = 1, status: str | None = None, case_id: str | None = None,
                    per_page: int = OUTBOX_PAGE_SIZE, *, viewer: Viewer) -> Page:
        """Page `page` (from 1; past the last, the last) of the messages, newest first, of one `status`
        (queued, sent, failed or cancelled) and one case when given; `viewer` has read the mail of each
        case shown. InvalidData for another status."""
        if status and status not in OUTBOX_STATUSES:
            raise InvalidData({"status": f"Choose one of: {', '.join(OUTBOX_STATUSES)}"})
        where = [*([OUTBOX_STATUSES[status]] if status else []),
                 *([OutboxMessage.case_id == case_id] if case_id else [])]
        total = self.session.scalar(select(func.count()).select_from(OutboxMessage).where(*where)) or 0
        page = clamp_page(page, total, per_page)
        rows = list(self.session.scalars(select(OutboxMessage).where(*where).order_by(OutboxMessage.id.desc())
                                         .offset((page - 1) * per_page).limit(per_page)))
        for shown in dict.fromkeys(m.case_id for m in rows if m.case_id):
            self._log_access(shown, viewer, "read mail")
        return Page([_message_json(m) for m in rows], total, page, per_page)


def _message_json(m: OutboxMessage) -> dict[str, Any]:
    return {"id": m.id, "case_id": m.case_id, "kind": m.kind, "to": m.recipient, "subject": m.subject,
            "body": m.body,
            "created_at": m.created_at.isoformat(), "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            "failed_at": m.failed_at.isoformat() if m.failed_at else None,
            "cancelled_at": m.cancelled_at.isoformat() if m.cancelled_at else None,
            "status": "sent" if m.sent_at else "failed" if m.failed_at else "cancelled" if m.cancelled_at
            else "queued",
            "attempts": m.attempts, "last_error": m.last_error}
