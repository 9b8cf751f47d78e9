"""What every process's own report-facts table has: its key, the case id (one row per case, beside the
case's `case_facts` row), and the pupil's year and gender that every reporting process records."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class ProcessFacts:
    """A process's own report facts (mixed into its model): one row per case of that process."""

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)


class PupilFacts(ProcessFacts):
    """The pupil as the cohort breakdowns count them (`values.pupil`)."""

    gender: Mapped[str | None] = mapped_column(String(10))
    year_group: Mapped[int | None] = mapped_column(Integer)
    key_stage: Mapped[str | None] = mapped_column(String(8))
    phase: Mapped[str | None] = mapped_column(String(10))
