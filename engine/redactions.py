"""The record of what retention erased from a case, when and by whom (its own table, never erased)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base, UTCDateTime


class Redaction(Base):
    """One application of the retention policy to a case: `erased` says what, by name and count."""

    __tablename__ = "redactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    erased: Mapped[dict] = mapped_column(JSON)


def redactions_of(session: Session, case_id: str) -> list[dict[str, Any]]:
    """What retention erased from the case, oldest first."""
    rows = session.scalars(select(Redaction).where(Redaction.case_id == case_id).order_by(Redaction.id))
    return [{"at": r.at.isoformat(), "by": r.actor, "reason": r.reason, "erased": r.erased} for r in rows]
