"""The tables of the service's rules: report facts, SEMH core places and the Fair Access weightings grid.

They share `engine.models.Base` (one metadata, one migration chain) and point at `cases.id`; the engine
itself never reads them: `schooling.plug_in` registers the code that writes them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
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
    """What the reports need of one case, in typed columns, rewritten whenever the case is saved.

    Filled by `schooling.report_facts` from the case's data (see there for where each column comes from),
    so that every report is an indexed query over this table, never a load of workflows. A column is
    null until the case has recorded it."""

    __tablename__ = "case_facts"
    __table_args__ = (Index("ix_case_facts_year_process", "academic_year", "process"),
                      Index("ix_case_facts_process_status", "process", "status"),
                      Index("ix_case_facts_home_school", "home_school"),
                      Index("ix_case_facts_host_school", "host_school"),
                      Index("ix_case_facts_ap_setting", "ap_setting"),
                      Index("ix_case_facts_placement_term", "placement_term"),
                      # Over every year, read from the index alone: the service report's pupils by year,
                      # and the schools in the SEMH scheme (migration 0008).
                      Index("ix_case_facts_process_year_decision", "process", "academic_year", "decision", "outcome",
                            "request_type"),
                      # One school's years, read from the index alone, a seek per column the school may
                      # stand in (schooling.reports.scope.school_partition; migration 0009). The first also
                      # gives the SEMH scheme's schools.
                      Index("ix_case_facts_home_school_years", "process", "home_school", "academic_year", "decision",
                            "outcome", "request_type"),
                      Index("ix_case_facts_host_school_years", "process", "host_school", "academic_year", "home_school",
                            "decision", "outcome", "request_type"),
                      Index("ix_case_facts_ap_setting_years", "process", "ap_setting", "academic_year", "home_school",
                            "host_school", "decision", "outcome", "request_type"))

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    process: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    opened_on: Mapped[date] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    academic_year: Mapped[str | None] = mapped_column(String(7), nullable=True)
    financial_year: Mapped[str | None] = mapped_column(String(7), nullable=True)
    home_school: Mapped[str | None] = mapped_column(String(255), nullable=True)
    host_school: Mapped[str | None] = mapped_column(String(255), nullable=True)
    ap_setting: Mapped[str | None] = mapped_column(String(255), nullable=True)
    local_authority: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # the pupil, for the cohort breakdowns (the Reintegration Service document)
    gender: Mapped[str | None] = mapped_column(String(10), nullable=True)
    year_group: Mapped[int | None] = mapped_column(Integer, nullable=True)
    key_stage: Mapped[str | None] = mapped_column(String(8), nullable=True)
    phase: Mapped[str | None] = mapped_column(String(10), nullable=True)
    send: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    pupil_premium: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    free_school_meals: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    looked_after: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    pupils: Mapped[int] = mapped_column(Integer, default=1)
    # outreach support (the Reintegration Service document)
    request_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    support_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    funding_basis: Mapped[str | None] = mapped_column(String(40), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    destination: Mapped[str | None] = mapped_column(String(40), nullable=True)
    destination_group: Mapped[str | None] = mapped_column(String(20), nullable=True)
    income_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    support_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    chargeable_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # advocacy costs (the HNRG advocacy pilot)
    advocacy: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    advocacy_outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    transition_type: Mapped[str | None] = mapped_column(String(8), nullable=True)
    current_setting_funding: Mapped[int | None] = mapped_column(Integer, nullable=True)
    transition_cost: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mainstream_funding: Mapped[int | None] = mapped_column(Integer, nullable=True)
    net_saving: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # SEMH placements and their KPIs (the SEMH service level agreement)
    offer: Mapped[str | None] = mapped_column(String(20), nullable=True)
    placement_term: Mapped[str | None] = mapped_column(String(30), nullable=True)
    placement_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    placement_end_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    returned_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    placement_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    placement_attendance: Mapped[float | None] = mapped_column(Float, nullable=True)
    returned_home: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    kpi_within_12_weeks: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    kpi_two_terms_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    kpi_attendance: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    kpi_absence_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    kpi_no_suspensions: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    kpi_behaviour: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    kpi_one_year_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    kpi_no_permanent_exclusion: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    kpi_home_school_only: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    feedback_positive: Mapped[int | None] = mapped_column(Integer, nullable=True)
    feedback_given: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # part-time reintegration timetables (the Oxfordshire timetable guidance)
    timetable_agreed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    timetable_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    timetable_limit: Mapped[date | None] = mapped_column(Date, nullable=True)
    full_time_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    full_time_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    full_week_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: [[first day of the week, hours in education that week], ...] as the agreed plan has them
    timetable_hours: Mapped[list | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
