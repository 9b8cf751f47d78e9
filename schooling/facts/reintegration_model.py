"""The report facts of a reintegration case beyond the shared ones (the Worcestershire protocol and, for
its advocacy branch, the HNRG advocacy pilot's costs)."""
from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base

from .tables import PupilFacts


class ReintegrationFacts(PupilFacts, Base):
    """One reintegration case's own report facts (`reintegration.facts`)."""

    __tablename__ = "reintegration_facts"

    send: Mapped[bool | None] = mapped_column(Boolean)
    looked_after: Mapped[bool | None] = mapped_column(Boolean)
    destination: Mapped[str | None] = mapped_column(String(40))
    destination_group: Mapped[str | None] = mapped_column(String(20))
    advocacy: Mapped[bool | None] = mapped_column(Boolean)
    advocacy_outcome: Mapped[str | None] = mapped_column(String(40))
    transition_type: Mapped[str | None] = mapped_column(String(8))
    current_setting_funding: Mapped[int | None] = mapped_column(Integer)
    transition_cost: Mapped[int | None] = mapped_column(Integer)
    mainstream_funding: Mapped[int | None] = mapped_column(Integer)
    net_saving: Mapped[int | None] = mapped_column(Integer)
