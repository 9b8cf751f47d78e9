"""The report facts of a SEMH placement case beyond the shared ones (the SEMH service level agreement): the
allocation, the placement's dates and attendance, the return, every KPI and the days they fall due."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base

from .tables import PupilFacts


class SemhPlacementFacts(PupilFacts, Base):
    """One SEMH placement case's own report facts (`semh_placement.facts`)."""

    __tablename__ = "semh_placement_facts"

    offer: Mapped[str | None] = mapped_column(String(20))
    placement_term: Mapped[str | None] = mapped_column(String(30), nullable=True, index=True)
    placement_start: Mapped[date | None] = mapped_column(Date)
    placement_end_by: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    placement_weeks: Mapped[int | None] = mapped_column(Integer)
    placement_attendance: Mapped[float | None] = mapped_column(Float)
    returned_home: Mapped[bool | None] = mapped_column(Boolean)
    kpi_within_12_weeks: Mapped[bool | None] = mapped_column(Boolean)
    kpi_two_terms_due: Mapped[date | None] = mapped_column(Date)
    kpi_attendance: Mapped[bool | None] = mapped_column(Boolean)
    kpi_absence_percent: Mapped[float | None] = mapped_column(Float)
    kpi_no_suspensions: Mapped[bool | None] = mapped_column(Boolean)
    kpi_behaviour: Mapped[bool | None] = mapped_column(Boolean)
    kpi_one_year_due: Mapped[date | None] = mapped_column(Date)
    kpi_no_permanent_exclusion: Mapped[bool | None] = mapped_column(Boolean)
    kpi_home_school_only: Mapped[bool | None] = mapped_column(Boolean)
    feedback_positive: Mapped[int | None] = mapped_column(Integer)
    feedback_given: Mapped[int | None] = mapped_column(Integer)
