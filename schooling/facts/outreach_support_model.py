"""The report facts of an outreach support case beyond the shared ones (the Reintegration Service
document): the cohort's breakdown, the request and its decision, the destination, weeks and income."""
from __future__ import annotations

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base

from .tables import PupilFacts


class OutreachSupportFacts(PupilFacts, Base):
    """One outreach support case's own report facts (`outreach_support.facts`)."""

    __tablename__ = "outreach_support_facts"
    # The service report's pupils over every year, read from the indexes alone (with the shared row's).
    __table_args__ = (Index("ix_outreach_support_facts_request", "case_id", "decision", "request_type"),)

    send: Mapped[bool | None] = mapped_column(Boolean)
    pupil_premium: Mapped[bool | None] = mapped_column(Boolean)
    free_school_meals: Mapped[bool | None] = mapped_column(Boolean)
    looked_after: Mapped[bool | None] = mapped_column(Boolean)
    pupils: Mapped[int] = mapped_column(Integer, default=1)
    financial_year: Mapped[str | None] = mapped_column(String(7))
    request_type: Mapped[str | None] = mapped_column(String(20))
    support_type: Mapped[str | None] = mapped_column(String(40))
    funding_basis: Mapped[str | None] = mapped_column(String(40))
    decision: Mapped[str | None] = mapped_column(String(20))
    destination: Mapped[str | None] = mapped_column(String(40))
    destination_group: Mapped[str | None] = mapped_column(String(20))
    income_total: Mapped[int | None] = mapped_column(Integer)
    support_weeks: Mapped[int | None] = mapped_column(Integer)
    chargeable_weeks: Mapped[int | None] = mapped_column(Integer)
