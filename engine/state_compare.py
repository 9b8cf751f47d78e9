"""Comparing a case rebuilt from its history with the case as stored, to the first difference.

The two workflows are compared task by task: tasks are matched by their place in the task tree (the
n-th task of an element, in the tree's order), since task ids are random and differ between a rebuilt
workflow and the stored one. For each pair: the state, the data, and the due time of a waiting timer.
Then the workflow's own data, the case's data and status, and the projections the scheduler and the
task list read (the ready_tasks and timers rows). A difference is named by its path, for example
`tasks[record_parental_consent #1].data.consent` or `timers[fair_access_deadline #1].due`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .specs import timer_due

_MISSING = object()


@dataclass(frozen=True)
class Difference:
    """Where the stored case departs from the rebuilt one, and the two values found there."""

    path: str
    stored: Any
    rebuilt: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "stored": _shown(self.stored), "rebuilt": _shown(self.rebuilt)}

    def __str__(self) -> str:
        return f"{self.path}: stored {_text(self.stored)}, rebuilt {_text(self.rebuilt)}"


def _shown(value: Any) -> Any:
    return None if value is _MISSING else value


def _text(value: Any) -> str:
    return "nothing" if value is _MISSING else repr(value)


def first_difference(stored: Any, rebuilt: Any, path: str) -> Difference | None:
    """The first place two JSON-like values differ (keys in sorted order), or None."""
    if stored == rebuilt:
        return None
    if isinstance(stored, dict) and isinstance(rebuilt, dict):
        for key in sorted({*stored, *rebuilt}, key=str):
            found = first_difference(stored.get(key, _MISSING), rebuilt.get(key, _MISSING), f"{path}.{key}")
            if found is not None:
                return found
    if isinstance(stored, list) and isinstance(rebuilt, list) and len(stored) == len(rebuilt):
        for n, (a, b) in enumerate(zip(stored, rebuilt, strict=True)):
            found = first_difference(a, b, f"{path}[{n}]")
            if found is not None:
                return found
    return Difference(path, stored, rebuilt)


def _label(task) -> str:
    return task.task_spec.bpmn_id or task.task_spec.name


def numbered(items, label) -> list[tuple[str, Any]]:
    """(`label #n`, item) for each item, n counting the items of the same label in order from 1."""
    seen: dict[str, int] = {}
    out = []
    for item in items:
        name = label(item)
        seen[name] = seen.get(name, 0) + 1
        out.append((f"{name} #{seen[name]}", item))
    return out


def compare_workflows(stored: BpmnWorkflow, rebuilt: BpmnWorkflow) -> Difference | None:
    """The first task whose state, data or timer differs, then the workflow's own data."""
    ours = numbered(stored.get_tasks(), _label)
    theirs = numbered(rebuilt.get_tasks(), _label)
    for (key, a), (other, b) in zip(ours, theirs, strict=False):
        if key != other:
            return Difference(f"tasks[{key}]", key, other)
        found = _compare_task(key, a, b)
        if found is not None:
            return found
    if len(ours) != len(theirs):
        longer, extra = (ours, "stored") if len(ours) > len(theirs) else (theirs, "rebuilt")
        key = longer[min(len(ours), len(theirs))][0]
        return Difference(f"tasks[{key}]", key if extra == "stored" else _MISSING,
                          key if extra == "rebuilt" else _MISSING)
    return first_difference(stored.data, rebuilt.data, "workflow.data")


def _compare_task(key: str, a, b) -> Difference | None:
    if a.state != b.state:
        return Difference(f"tasks[{key}].state", TaskState.get_name(a.state), TaskState.get_name(b.state))
    if a.data != b.data:
        return first_difference(a.data, b.data, f"tasks[{key}].data")
    if a.state == TaskState.WAITING:
        due_a, due_b = _due_text(a), _due_text(b)
        if due_a != due_b:
            return Difference(f"tasks[{key}].due", due_a, due_b)
    return None


def _due_text(task) -> str | None:
    try:
        due = timer_due(task)
    except (ValueError, TypeError, KeyError):  # an edited state may hold anything
        return "unreadable"
    return due.isoformat() if due is not None else None


def compare_rows(kind: str, stored: list[tuple[str, dict[str, Any]]],
                 expected: list[tuple[str, dict[str, Any]]]) -> Difference | None:
    """Projection rows (`label`, fields) against those the workflow gives, in the same order."""
    rows, wanted = dict(stored), dict(expected)
    for key, fields in expected:
        found = first_difference(rows.get(key, _MISSING), fields, f"{kind}[{key}]")
        if found is not None:
            return found
    for key, fields in stored:
        if key not in wanted:
            return Difference(f"{kind}[{key}]", fields, _MISSING)
    return None
