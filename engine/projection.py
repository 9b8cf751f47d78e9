"""A case's ready-task and timer rows, written only where a run changed them.

After every run the case's ready user tasks are projected to `ready_tasks` (the task list reads
them) and its waiting timers to `timers` (the scheduler polls them). A step mostly closes one task
and opens the next, and leaves the timers as they were, so rewriting both tables on every save
cost four statements for one row's change. `Projected` is what the rows hold, as the last save
wrote them: kept with the workflow in the workflow cache (`engine.workflow_cache`), or read from
the tables when the workflow was not kept. A save compares the rows it would write with it and
writes the difference only:

- a ready task keeps its row while it stays ready (its claim and the time it became ready stay
  with it); a task no longer ready is deleted and recorded as closed (`closed_tasks`), and its
  draft deleted, unless the caller knows it had none; a new one is inserted; one whose title,
  lane or due date changed (another version, new data) is updated in place;
- a timer is known by its element and due time: an unchanged one keeps its row, its id and its
  failure count and back-off; a timer gone is deleted, a new one (or one whose due time moved) is
  a new row with a higher id, which the scheduler's pass relies on (`engine.timers.fire_due`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from . import drafts
from .models import ClosedTask, ReadyTask, Timer
from .outbox import cancel_about_tasks

#: What a ready-task row holds besides its id, case and claim: (element, title, lane, due).
TaskRow = tuple[str, str, str | None, str | None]


@dataclass
class Projected:
    """A case's ready-task rows (task id -> TaskRow) and waiting timers ((element, due time) pairs)."""

    ready: dict[str, TaskRow] = field(default_factory=dict)
    timers: frozenset[tuple[str, datetime]] = frozenset()

    @classmethod
    def stored(cls, connection, case_id: str) -> Projected:
        """What the tables hold for the case now (when no save of this process left it in memory)."""
        tasks, timers = ReadyTask.__table__, Timer.__table__
        ready = connection.execute(select(tasks.c.id, tasks.c.element, tasks.c.title, tasks.c.lane, tasks.c.due)
                                   .where(tasks.c.case_id == case_id))
        waiting = connection.execute(select(timers.c.element, timers.c.due_at).where(timers.c.case_id == case_id))
        return cls({r.id: (r.element, r.title, r.lane, r.due) for r in ready},
                   frozenset((r.element, r.due_at) for r in waiting))


def write_tasks(connection, case_id: str, before: Projected, rows: list[dict[str, Any]], now: datetime,
                completed: dict[str, str], without_drafts: set[str]) -> dict[str, TaskRow]:
    """Bring the case's ready-task rows from `before.ready` to `rows` (each with id, element, title,
    lane, due); the tasks no longer ready are closed, as completed (`completed`: task id -> by whom)
    or withdrawn. Returns the new TaskRows by id."""
    after = {row["id"]: (row["element"], row["title"], row["lane"], row["due"]) for row in rows}
    gone = [task_id for task_id in before.ready if task_id not in after]
    new = [{**row, "case_id": case_id, "created_at": now, "claimed_by": None, "claimed_at": None}
           for row in rows if row["id"] not in before.ready]
    changed = [{"task_id": row["id"], "element": row["element"], "title": row["title"], "lane": row["lane"],
                "due": row["due"]} for row in rows if before.ready.get(row["id"], after[row["id"]]) != after[row["id"]]]
    if gone:
        connection.execute(_statement(ReadyTask.__table__, "delete_ids"), {"ids": gone})
        _close(connection, case_id, [(task_id, before.ready[task_id][0]) for task_id in gone], now, completed)
        drafted = [task_id for task_id in gone if task_id not in without_drafts]
        if drafted:
            drafts.delete_for_tasks(connection, drafted)
    if new:
        connection.execute(_statement(ReadyTask.__table__, "insert"), new)
    if changed:
        connection.execute(_statement(ReadyTask.__table__, "update_task"), changed)
    return after


def _close(connection, case_id: str, gone: list[tuple[str, str]], now: datetime, completed: dict[str, str]) -> None:
    """Record the tasks no longer ready: completed in this run, or withdrawn as the case moved on; the
    messages still queued about them are cancelled (engine.outbox)."""
    rows = [{"task_id": task_id, "case_id": case_id, "element": element,
             "how": "completed" if task_id in completed else "withdrawn", "closed_by": completed.get(task_id),
             "closed_at": now} for task_id, element in gone]
    dialect = connection.dialect.name
    connection.execute(_statement(ClosedTask.__table__, f"skip_{dialect}" if dialect in _UPSERTS else "insert"), rows)
    cancel_about_tasks(connection, case_id, {row["element"]: row["how"] for row in rows}, now)


def write_timers(connection, case_id: str, before: Projected, waiting: list[tuple[str, datetime]]
                 ) -> frozenset[tuple[str, datetime]]:
    """Bring the case's timer rows from `before.timers` to `waiting` ((element, due time) pairs)."""
    after = frozenset(waiting)
    gone, new = before.timers - after, after - before.timers
    if gone:
        table = Timer.__table__
        connection.execute(table.delete().where(table.c.case_id == case_id,
                                                tuple_(table.c.element, table.c.due_at).in_(sorted(gone))))
    if new:
        connection.execute(_statement(Timer.__table__, "insert"),
                           [{"case_id": case_id, "element": element, "due_at": due, "attempts": 0}
                            for element, due in sorted(new, key=lambda t: (t[1], t[0]))])
    return after


_UPSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


@cache
def _statement(table, kind: str):
    """The statements saves run, built once: building a statement costs more than running it."""
    if kind == "insert":  # inline: no implicit RETURNING of the new row's key (a batch reads no results)
        return table.insert().inline()
    if kind.startswith("skip_"):  # a task closed before (a re-save) is not recorded twice
        return _UPSERTS[kind.removeprefix("skip_")](table).on_conflict_do_nothing().inline()
    if kind == "delete_ids":
        return table.delete().where(table.c.id.in_(bindparam("ids", expanding=True)))
    assert kind == "update_task"
    return (table.update().where(and_(table.c.id == bindparam("task_id")))
            .values(element=bindparam("element"), title=bindparam("title"), lane=bindparam("lane"),
                    due=bindparam("due")))
