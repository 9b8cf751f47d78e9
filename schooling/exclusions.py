"""Permanent exclusions that cost a school a Core Offer Inclusion Placement (the SEMH service level agreement).

"Permanent exclusion of another pupil will cause the withdrawal of one of the school's Core Offer
Inclusion Placements." Each exclusion is kept, with the term it falls in: it withdraws the school's
latest core place of that term that has not started (the case records it), or, when there is none,
it lowers the school's allowance for the term by one, so that the place cannot be allocated.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.models import Base, UTCDateTime


class PermanentExclusion(Base):
    """One permanent exclusion by a school, and the core place it cost (a case, or the allowance)."""

    __tablename__ = "permanent_exclusions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school: Mapped[str] = mapped_column(String(255), index=True)
    term: Mapped[str] = mapped_column(String(30))
    excluded_on: Mapped[date] = mapped_column(Date)
    #: The core place withdrawn from a case that had not started; None: the term's allowance was reduced.
    withdrawn_case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(100))


def allowance_reductions(session: Session, term: str) -> dict[str, int]:
    """Per school, the exclusions of `term` that withdrew no started-or-not place: each is one place fewer."""
    rows = session.execute(select(PermanentExclusion.school, func.count())
                           .where(PermanentExclusion.term == term, PermanentExclusion.withdrawn_case_id.is_(None))
                           .group_by(PermanentExclusion.school)).all()
    return {school: n for school, n in rows}
