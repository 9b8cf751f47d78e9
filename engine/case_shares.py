"""Cases shared with an organisation's readers: a case that was sent to an agency can be opened there.

Some roles take no part in cases but are sent some of them: the local authority's social care, youth
justice and early help teams (`engine.permissions.AGENCY_ROLES`) get the half-termly list of pupils on
a part-time timetable. Each case on such a list is shared with the authority, for the reason given
(the list and its half term); `engine.permissions` lets those teams read exactly the cases shared with
their authority, and nothing else. A share is kept for good: what was sent stays openable.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base, UTCDateTime


class CaseShare(Base):
    """One case shared with one organisation (an authority's agency teams), for one reason."""

    __tablename__ = "case_shares"
    __table_args__ = (UniqueConstraint("case_id", "organisation", "reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    #: The register name of the organisation whose agency teams may read the case.
    organisation: Mapped[str] = mapped_column(String(255), index=True)
    #: Why, in words: "half-termly timetable list, 2025/26 spring 2".
    reason: Mapped[str] = mapped_column(String(100))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shared_by: Mapped[str] = mapped_column(String(100))


def share(session: Session, case_ids: Iterable[str], organisation: str, reason: str, now: datetime, by: str) -> int:
    """Share each case with `organisation` for `reason` (a case already shared for it is left); how many new."""
    have = set(session.scalars(select(CaseShare.case_id).where(CaseShare.organisation == organisation,
                                                               CaseShare.reason == reason)))
    new = [c for c in dict.fromkeys(case_ids) if c not in have]
    session.add_all(CaseShare(case_id=c, organisation=organisation, reason=reason, shared_at=now, shared_by=by)
                    for c in new)
    session.flush()
    return len(new)


def shared_with(session: Session, case_id: str) -> tuple[str, ...]:
    """The organisations `case_id` has been shared with."""
    return tuple(sorted(set(session.scalars(select(CaseShare.organisation).where(CaseShare.case_id == case_id)))))


def shared_cases(organisation: str):
    """The ids of the cases shared with `organisation`, as a subquery (for a WHERE ... IN)."""
    return select(CaseShare.case_id).where(CaseShare.organisation == organisation)
