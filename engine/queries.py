"""Read-side queries for the task list, the case page and the API, and task claims.

Who sees what is decided by `engine.permissions` (its `case_filter` is the read rule as SQL): tasks
shown are those in the user's lane (readers of every case: every lane) on cases they may read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import ColumnElement, and_, false, func, literal_column, select
from sqlalchemy.orm import Session

from . import permissions
from .errors import Conflict, Forbidden, NotFound
from .models import Case, ReadyTask, User
from .paging import Page
from .permissions import PARTY_FIELDS, READ_ALL_ROLES, Actor, case_filter, party_value

__all__ = ["PARTY_FIELDS", "READ_ALL_ROLES", "case_filter", "party_value"]  # and the functions below
DUE_SOON_DAYS = 3
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000  # an OFFSET the databases take (a bigger one overflows SQLite's integer)
#: The task list counts at most this many tasks: past it, "more than" is all a person needs (and the
#: filters), and counting a whole authority's tasks would make every page as slow as the caseload is big.
COUNT_CAP = 1000
#: Ready tasks in due order, those without a due date last: the expression of migration 0007's index.
DUE_ORDER = func.coalesce(ReadyTask.due, literal_column("'~'"))


def can_see_case(session: Session, user: User, case_id: str) -> bool:
    return session.scalar(select(func.count()).select_from(Case)
                          .where(Case.id == case_id, case_filter(session, user))) == 1


def require_case(session: Session, user: User, case_id: str) -> None:
    """NotFound for a case that does not exist or that `user` may not see: the two look the same."""
    if not can_see_case(session, user, case_id):
        raise NotFound(f"no case {case_id!r}")


def require_task(session: Session, user: User, task_id: str) -> ReadyTask | None:
    """The ready task if `user` may see its case; NotFound if not; None if it is no longer ready."""
    task = session.get(ReadyTask, task_id)
    if task is None:
        return None
    require_case(session, user, task.case_id)
    return task


def can_write(user: User) -> bool:
    """Whether the account may change cases at all (an auditor or a process owner reads only)."""
    return permissions.changes_cases(user)


@dataclass
class TaskFilter:
    """What the task list asks for; `scope` is "team" (my lane's tasks) or "mine" (claimed by me)."""

    scope: str = "team"
    overdue: bool = False
    due_soon: bool = False
    process: str | None = None
    lane: str | None = None
    case_id: str | None = None
    order: str = "due"  # or "-due"
    page: int = 1
    per_page: int = PAGE_SIZE


@dataclass
class TaskPage(Page):
    """`total` is at most COUNT_CAP; `capped` says there are more."""

    today: date
    filters: TaskFilter = field(default_factory=TaskFilter)
    capped: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"items": self.items, "total": self.total, "total_capped": self.capped, "page": self.page,
                "per_page": self.per_page, "pages": self.pages}


def _task_conditions(session: Session, user: Actor | User, f: TaskFilter,
                     today: date) -> list[ColumnElement[bool]]:
    conditions = [case_filter(session, user), Case.status == "running"]
    if f.case_id:
        conditions.append(ReadyTask.case_id == f.case_id)
    if f.scope == "mine":
        conditions.append(ReadyTask.claimed_by == user.name)
    lanes = permissions.task_lanes(user)
    if lanes is None:  # no lane of their own: every lane, or the one asked for
        if f.lane:
            conditions.append(ReadyTask.lane == f.lane)
    else:
        conditions.append(ReadyTask.lane.in_(lanes) if lanes else false())
    if f.overdue:
        conditions.append(ReadyTask.due < today.isoformat())
    if f.due_soon:
        conditions.append(and_(ReadyTask.due >= today.isoformat(),
                               ReadyTask.due <= (today + timedelta(days=DUE_SOON_DAYS)).isoformat() + "~"))
    if f.process:
        conditions.append(Case.process_key == f.process)
    return conditions


def task_list(session: Session, user: Actor | User, f: TaskFilter, today: date,
              count_cap: int = COUNT_CAP) -> TaskPage:
    """One page of the tasks `user` may see, by due date (no due date last), with the total counted
    up to `count_cap` (the page says when there are more). The one task list: the web, the API and
    the command line (through `Engine.task_page`) all read it here; a system actor sees every lane."""
    f.per_page = min(max(f.per_page, 1), MAX_PAGE_SIZE)
    f.page = min(max(f.page, 1), MAX_PAGE)
    where = _task_conditions(session, user, f, today)
    counted = select(literal_column("1")).select_from(ReadyTask).join(Case).where(*where).limit(count_cap + 1)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    if f.order == "-due":  # latest first, still those without a due date last
        order = (ReadyTask.due.is_(None), ReadyTask.due.desc())
    else:  # the index's own order, so a page of a large caseload is read in order, not sorted
        order = (DUE_ORDER,)
    rows = session.execute(
        select(ReadyTask, Case.process_key, Case.pupil_initials).join(Case).where(*where)
        .order_by(*order, ReadyTask.created_at, ReadyTask.id)
        .limit(f.per_page).offset((f.page - 1) * f.per_page)).all()
    items = [task_row(task, process, initials, today) for task, process, initials in rows]
    return TaskPage(items, min(total, count_cap), f.page, f.per_page, today, f, capped=total > count_cap)


def task_row(task: ReadyTask, process: str, initials: str, today: date) -> dict[str, Any]:
    due = _date(task.due)
    return {"task_id": task.id, "case_id": task.case_id, "task": task.element, "title": task.title,
            "lane": task.lane, "due": task.due, "process": process, "pupil": initials,
            "claimed_by": task.claimed_by,
            "claimed_at": task.claimed_at.isoformat() if task.claimed_at else None,
            "overdue": bool(due and due < today),
            "due_soon": bool(due and today <= due <= today + timedelta(days=DUE_SOON_DAYS))}


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def closed_task(session: Session, task_id: str) -> dict[str, Any] | None:
    """A task that is no longer ready, how and when: {"case_id", "task", "how", "actor", "at"}, or None.
    `how` is "completed" (by `actor`) or "withdrawn" (the case moved on without it; no actor)."""
    from .models import ClosedTask

    closed = session.get(ClosedTask, task_id)
    if closed is None:
        return None
    return {"case_id": closed.case_id, "task": closed.element, "how": closed.how, "actor": closed.closed_by,
            "at": closed.closed_at.isoformat()}


def processes(session: Session) -> list[str]:
    return list(session.scalars(select(Case.process_key).distinct().order_by(Case.process_key)))


# -- claims ------------------------------------------------------------------------------------
def claim(session: Session, user: User, task_id: str, now: datetime) -> ReadyTask:
    """Say `user` is doing the task. Someone else's claim is a Conflict; only the task's lane may claim."""
    task = _claimable(session, user, task_id)
    if task.claimed_by and task.claimed_by != user.name:
        raise Conflict(f"{task.claimed_by} is already doing this task")
    task.claimed_by, task.claimed_at = user.name, now
    return task


def unclaim(session: Session, user: User, task_id: str) -> ReadyTask:
    """Release a claim: the claimant's own, or anyone's for an admin."""
    task = _claimable(session, user, task_id)
    decision = permissions.may_release(user, task.claimed_by)
    if not decision:
        raise Forbidden(decision.reason)
    task.claimed_by, task.claimed_at = None, None
    return task


def _claimable(session: Session, user: User, task_id: str) -> ReadyTask:
    task = require_task(session, user, task_id)
    if task is None:
        raise Conflict(f"task {task_id} is no longer ready")
    permissions.require(user, permissions.CLAIM, lane=task.lane, case=session.get(Case, task.case_id).data)
    return task


# -- the case page -------------------------------------------------------------------------------
def awaited_messages(session: Session, specs, serializer, case_id: str) -> list[str]:
    """Names of the messages the case is waiting for now (for example emergency_review_requested)."""
    return waiting_now(session, specs, serializer, case_id)[0]


def waiting_now(session: Session, specs, serializer, case_id: str) -> tuple[list[str], list[str]]:
    """(names of the messages the case is waiting for, the ids of the events waiting for them)."""
    case = session.get(Case, case_id)
    if case is None or case.status != "running":
        return [], []
    parsed = specs.get(session, case.process_version_id).parsed
    workflow = serializer.loads(case.state, parsed.spec, parsed.subprocess_specs, case.id)
    names, elements = [], []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition):
            names += [definition.name] if definition.name not in names else []
            elements += [task.task_spec.bpmn_id] if task.task_spec.bpmn_id not in elements else []
    return names, elements


def process_xml(session: Session, case_id: str) -> str:
    """The BPMN document of the version the case is pinned to."""
    from .models import ProcessVersion

    xml = session.scalar(select(ProcessVersion.bpmn_xml).join(Case, Case.process_version_id == ProcessVersion.id)
                         .where(Case.id == case_id))
    if xml is None:
        raise NotFound(f"no case {case_id!r}")
    return xml
