"""The tables of the service's rules: the report facts every process shares, SEMH core places and the Fair
Access weightings grid (each process's own report facts are in `schooling.facts`).

They share `engine.models.Base` (one metadata, one migration chain) and point at `cases.id`; the engine
itself never reads them: `schooling.plug_in` registers the code that writes them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime


class CorePlace(Base):
    """A core offer place allocated to a school for a term (the SEMH service level agreement), numbered 1..allowance. The
    unique number is what stops two allocations made at the same moment from both taking the last one."""

    __tablename__ = "core_places"
    __table_args__ = (UniqueConstraint("school", "term", "place_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school: Mapped[str] = mapped_column(String(255))
    term: Mapped[str] = mapped_column(String(30))
    place_number: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    allocated_by: Mapped[str] = mapped_column(String(100))

class WeightingEntry(Base):
    """A Fair Access weightings-grid adjustment caused by a case."""

    __tablename__ = "weightings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    school: Mapped[str] = mapped_column(String(255), index=True)
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the grid by term: a range on `at`

class CaseFacts(Base):
    """The part of a case's report facts that every process has: the row every report starts from.

    The process, status, dates, academic year and the parties a report filters on (the schools, the AP
    setting, the authority) and the outcome. What a process records beyond these is in its own table,
    keyed by the same case id (`schooling.facts`: one model per process). Written by
    `schooling.report_facts` from the case's data when it changes, so that every report is an indexed query
    over these tables, never a load of workflows. A column is null until the case has recorded it."""

    __tablename__ = "case_facts"
    __table_args__ = (Index("ix_case_facts_year_process", "academic_year", "process"),
                      Index("ix_case_facts_process_status", "process", "status"),
                      Index("ix_case_facts_home_school", "home_school"),
                      Index("ix_case_facts_host_school", "host_school"),
                      Index("ix_case_facts_ap_setting", "ap_setting"),
                      # Over every year, read from the index alone: the service report's pupils by year.
                      Index("ix_case_facts_process_year_outcome", "process", "academic_year", "outcome", "case_id"),
                      # One school's years, read from the index alone, a seek per column the school may
                      # stand in (schooling.reports.scope.school_partition). The first also gives the SEMH
                      # scheme's schools.
                      Index("ix_case_facts_home_school_years", "process", "home_school", "academic_year", "outcome",
                            "case_id"),
                      Index("ix_case_facts_host_school_years", "process", "host_school", "academic_year", "home_school",
                            "outcome", "case_id"),
                      Index("ix_case_facts_ap_setting_years", "process", "ap_setting", "academic_year", "home_school",
                            "host_school", "outcome", "case_id"))

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    process: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    opened_on: Mapped[date] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    academic_year: Mapped[str | None] = mapped_column(String(7), nullable=True)
    home_school: Mapped[str | None] = mapped_column(String(255), nullable=True)
    host_school: Mapped[str | None] = mapped_column(String(255), nullable=True)
    ap_setting: Mapped[str | None] = mapped_column(String(255), nullable=True)
    local_authority: Mapped[str | None] = mapped_column(String(255), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
