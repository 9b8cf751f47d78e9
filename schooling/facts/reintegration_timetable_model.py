"""The report facts of a part-time reintegration timetable case beyond the shared ones (the Oxfordshire
timetable guidance): the agreed plan's dates and weekly hours, and the return to full time."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, Float
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base

from .tables import PupilFacts


class TimetableFacts(PupilFacts, Base):
    """One timetable case's own report facts (`reintegration_timetable.facts`)."""

    __tablename__ = "reintegration_timetable_facts"

    send: Mapped[bool | None] = mapped_column(Boolean)
    looked_after: Mapped[bool | None] = mapped_column(Boolean)
    timetable_agreed: Mapped[bool | None] = mapped_column(Boolean)
    timetable_start: Mapped[date | None] = mapped_column(Date)
    timetable_limit: Mapped[date | None] = mapped_column(Date)
    full_time_from: Mapped[date | None] = mapped_column(Date)
    full_time_on: Mapped[date | None] = mapped_column(Date)
    full_week_hours: Mapped[float | None] = mapped_column(Float)
    #: [[first day of the week, hours in education that week], ...] as the agreed plan has them
    timetable_hours: Mapped[list | None] = mapped_column(JSON)
