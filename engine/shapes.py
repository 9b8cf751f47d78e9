"""The public JSON shapes of a case and a task (the README's command line and REST API promise them)."""
from __future__ import annotations

from typing import Any

from .models import Case, ReadyTask, Timer
from .process_info import ProcessInfo


def task_json(task: ReadyTask, info: ProcessInfo, pupil: str | None = None) -> dict[str, Any]:
    user_task = info.user_tasks.get(task.element)
    return {
        "task_id": task.id,
        "case_id": task.case_id,
        "task": task.element,
        "title": task.title,
        "lane": task.lane,
        "due": task.due,
        "form": [f.to_json() for f in user_task.form] if user_task else [],
        "kind": user_task.kind if user_task else "user",  # "manual": marked as done, with an optional note
        "pupil": pupil,
        "check_answers": bool(user_task and user_task.check_answers),
    }


def case_json(case: Case, version: int, tasks: list[dict[str, Any]],
              timers: list[Timer]) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "process": case.process_key,
        "version": version,
        "status": case.status,
        "data": case.data or {},
        "ready_tasks": tasks,
        "waiting_timers": [{"task": t.element, "due": t.due_at.isoformat()} for t in timers],
        "error": case.error,
    }
