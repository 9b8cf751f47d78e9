"""Completing a ready task, for `Engine.complete_task`.

A user task is completed with the data of its form: checked against the form and the handlers'
validators, merged into the case. A plain `bpmn:task` or a `bpmn:manualTask` is marked as done: its
only field is an optional note (`process_info.NOTE`), kept in the history event of the completion
and not made a case variable (two manual tasks' notes would otherwise overwrite each other). Either
way the account must act in the task's lane on a case it may read (`engine.permissions`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.util.task import TaskState

from . import organisations, permissions
from .errors import Conflict, InvalidData, NotFound
from .permissions import actor_for, require

if TYPE_CHECKING:
    from .facade import Engine


def complete_task(eng: Engine, task_id: str, data: Any, actor: str) -> dict[str, Any]:
    """Validate `data` against the task's form and complete it; a stale task is a Conflict."""
    row, case, user = eng._task_for_actor(task_id, actor)
    run = eng._run(case, actor)
    info = run.parsed.info.user_tasks.get(row.element)
    if info is None:  # a ready task no person does (a version described before it knew such tasks)
        raise Conflict(f"task {task_id} ({row.element}) is not one a person completes in this version of "
                       f"{case.process_key}")
    who = actor_for(eng.session, actor, user)
    if not permissions.decide(who, permissions.READ, case=case.data):
        raise NotFound(f"no ready task {task_id!r}")  # a case one may not read is, to them, no case
    require(who, permissions.COMPLETE, lane=info.lane, case=case.data)
    task = run.find_task(task_id)
    if task is None or task.state != TaskState.READY:
        raise Conflict(f"task {task_id} is no longer ready; reload the case")
    values, errors = organisations.clean_form(eng.session, info.form, data)
    if not errors and info.kind == "user":
        # Validators see the case as it would be, and today's local date (`_today`) for "not in the future".
        today = run.now.astimezone(ZoneInfo(eng.policy.timezone)).date().isoformat()
        for validator in eng.registry.validators(row.element):
            errors.update(validator(values, {**(case.data or {}), **values, "_today": today}, eng.policy) or {})
    if errors:
        raise InvalidData(errors, f"{info.title} ({row.element})")
    record: dict[str, Any] = {"task_id": task_id, "data": values}
    if info.kind == "manual":  # marked as done: the note goes in the history, not into the case's data
        record = {"task_id": task_id, "data": {}, **({"note": values["note"]} if values.get("note") else {})}
    task.data.update(record["data"])
    run.completed[task_id] = actor
    run.merge_data(record["data"])
    run.history.append(run.now, actor, "task_completed", row.element, record)
    payload = {"task_id": task_id, "data": values}
    with eng._failing(run, "complete", payload):
        task.run()
    eng._step(run, "complete", payload)
    return eng._view(run)
