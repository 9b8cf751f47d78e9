"""Drafts of task forms: "Save and come back later" on a long form.

A draft is what a person typed into a ready task's form, kept as typed (each input's text, a date as
its three boxes), so that nothing is lost when they stop half way and nothing is checked until they
go on. One draft per task; it belongs to the lane (and, through the case's parties, the
organisation) that does the task: whoever may complete the task sees and continues it, nobody else
does (`DraftOperations`). It is deleted in the same transaction as the task stops being ready
(completed, or withdrawn as the case moved on: `engine.runtime`), and with its case's other
personal data by retention and in a subject access export.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base, UTCDateTime

#: The most a draft keeps: inputs and characters per input (a form's longest text is far shorter).
MAX_INPUTS, MAX_CHARS = 400, 20_000


class TaskDraft(Base):
    """The answers typed so far into a ready task's form, as typed."""

    __tablename__ = "task_drafts"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    lane: Mapped[str | None] = mapped_column(String(50), nullable=True)
    answers: Mapped[dict] = mapped_column(JSON)
    saved_by: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


def kept_answers(answers: dict[str, Any]) -> dict[str, str]:
    """The typed answers a draft takes: text inputs only, bounded (an empty one clears what it held)."""
    out: dict[str, str] = {}
    for name, value in answers.items():
        if isinstance(name, str) and isinstance(value, str) and len(out) < MAX_INPUTS:
            out[name[:200]] = value[:MAX_CHARS]
    return out


def save(session: Session, task_id: str, case_id: str, lane: str | None, answers: dict[str, Any],
         actor: str, now: datetime) -> TaskDraft:
    """Keep `answers` (merged over what the draft already holds) as the task's draft."""
    draft = session.get(TaskDraft, task_id)
    if draft is None:
        draft = TaskDraft(task_id=task_id, case_id=case_id, lane=lane, answers={})
        session.add(draft)
    merged = {**draft.answers, **answers}
    draft.answers = {k: v for k, v in merged.items() if v.strip()}
    draft.saved_by, draft.saved_at = actor, now
    session.flush()
    return draft


def of_task(session: Session, task_id: str) -> TaskDraft | None:
    return session.get(TaskDraft, task_id)


def of_case(session: Session, case_id: str) -> list[TaskDraft]:
    """A case's drafts (for a subject access export)."""
    return list(session.scalars(select(TaskDraft).where(TaskDraft.case_id == case_id).order_by(TaskDraft.saved_at)))


def delete_for_tasks(connection_or_session, task_ids: list[str]) -> None:
    """Drop the drafts of tasks that are no longer ready."""
    if task_ids:
        connection_or_session.execute(delete(TaskDraft.__table__).where(TaskDraft.__table__.c.task_id.in_(task_ids)))


def delete_for_case(session: Session, case_id: str) -> int:
    """Drop a case's drafts (retention); how many there were."""
    return session.execute(delete(TaskDraft).where(TaskDraft.case_id == case_id)).rowcount or 0


def to_json(draft: TaskDraft) -> dict[str, Any]:
    return {"task_id": draft.task_id, "case_id": draft.case_id, "lane": draft.lane, "answers": draft.answers,
            "saved_by": draft.saved_by, "saved_at": draft.saved_at.isoformat()}
