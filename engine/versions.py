"""Differences between process versions, and moving running cases from one version to another.

SpiffWorkflow aligns old and new task specs by BPMN id (`SpecDiff`) and re-predicts the ready and
waiting parts of a workflow (`migrate_workflow`). Two things it does not do are done here: it would
happily move a case whose completed work no longer exists or means something else (refused, with
the reason), and it restarts waiting timers, so a 20-school-day deadline would start counting again
(each waiting timer's absolute due time is carried over).
"""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from .errors import EngineError
from .parser import ParsedProcess
from .runtime import advance

_INTERNAL = ("Start", "End")


class MigrationRefused(EngineError):
    """The case cannot move to that version; the message says which tasks stand in the way."""

    exit_code = 5


def _element(spec) -> str | None:
    bpmn_id = getattr(spec, "bpmn_id", None)
    return bpmn_id if bpmn_id and spec.name not in _INTERNAL else None


def _spec_changes(registry, old, new) -> dict[str, Any]:
    diff = SpecDiff(registry, old, new)
    return {
        "added": sorted(filter(None, (_element(s) for s in diff.added))),
        "removed": sorted(filter(None, (_element(s) for s in diff.removed))),
        "changed": {e: sorted(attrs) for s, attrs in diff.changed.items() if (e := _element(s))},
    }


def describe_diff(registry, old: ParsedProcess, new: ParsedProcess) -> dict[str, Any]:
    """Elements added, removed and changed (with the attributes that changed), process and subprocesses."""
    out = _spec_changes(registry, old.spec, new.spec)
    for name in sorted({*old.subprocess_specs, *new.subprocess_specs}):
        if name not in new.subprocess_specs or name not in old.subprocess_specs:
            (out["removed"] if name in old.subprocess_specs else out["added"]).append(name)
            continue
        sub = _spec_changes(registry, old.subprocess_specs[name], new.subprocess_specs[name])
        out["added"] += sub["added"]
        out["removed"] += sub["removed"]
        out["changed"].update(sub["changed"])
    return out


#: What may change on a task already done without refusing a move: its properties, name, documentation
#: and lane are read only while it is ready, and so is its form's wording and checks (`_same_fields`: a
#: form that gained or lost a field refuses, since later steps may need the data). Its flows (`inputs`,
#: `outputs`) and anything else decide where the case goes next, so a change there still refuses.
DONE_TASK_MAY_CHANGE = frozenset({"form", "extensions", "documentation", "bpmn_name", "lane"})


def _field_ids(spec) -> list[str]:
    form = getattr(spec, "form", None)
    return [f.id for f in getattr(form, "fields", None) or []]


def _harmless(task, attrs: set[str], spec_diff) -> bool:
    """Whether a done task's changed attributes leave the case able to go on (DONE_TASK_MAY_CHANGE)."""
    if not attrs <= DONE_TASK_MAY_CHANGE:
        return False
    new = spec_diff.alignment.get(task.task_spec)
    return "form" not in attrs or (new is not None and _field_ids(task.task_spec) == _field_ids(new))


def _blockers(top_diff, sp_diffs, workflow) -> list[str]:
    problems = []
    for sp_id, sp_diff in sp_diffs.items():
        if sp_diff is None:
            problems.append(f"the running subprocess {workflow.subprocesses[sp_id].spec.name} no longer exists")
    for diff, spec_diff in [top_diff, *filter(None, sp_diffs.values())]:
        for task in diff.removed:
            if task.has_state(TaskState.COMPLETED | TaskState.STARTED) and _element(task.task_spec):
                problems.append(f"{task.task_spec.bpmn_id} was done in this case and is removed in the new version")
        for task in diff.changed:
            attrs = set(spec_diff.changed.get(task.task_spec, ()))
            if task.has_state(TaskState.STARTED) or (
                    task.has_state(TaskState.COMPLETED) and not _harmless(task, attrs, spec_diff)):
                if _element(task.task_spec):
                    problems.append(f"{task.task_spec.bpmn_id} was done in this case and is changed in the new version")
    return sorted(set(problems))


def _diff_workflow(registry, workflow: BpmnWorkflow, new: ParsedProcess):
    """SpiffWorkflow's diff of the workflow and its subprocesses against `new`, each with its spec diff
    (which says which attributes of each task changed)."""
    spec_diff = SpecDiff(registry, workflow.spec, new.spec)
    top = (WorkflowDiff(workflow, spec_diff), spec_diff)
    subs: dict[Any, Any] = {}
    for sp_id, sp in workflow.subprocesses.items():
        if sp.spec.name in new.subprocess_specs:
            dep = SpecDiff(registry, sp.spec, new.subprocess_specs[sp.spec.name])
            subs[sp_id] = (WorkflowDiff(sp, dep), dep)
        else:
            subs[sp_id] = None
    return top, subs


def _saved_timers(workflow: BpmnWorkflow) -> dict[str, Any]:
    return {t.task_spec.name: t._get_internal_data("event_value")
            for t in workflow.get_tasks(state=TaskState.WAITING)
            if t._get_internal_data("event_value") is not None}


def migrate(workflow: BpmnWorkflow, registry, new: ParsedProcess, *, dry_run: bool = False) -> list[str]:
    """Move `workflow` onto `new`, in place, keeping waiting deadlines; returns the tasks it re-predicted.

    Raises MigrationRefused where completed or running work changed or disappeared.
    """
    top, subs = _diff_workflow(registry, workflow, new)
    problems = _blockers(top, subs, workflow)
    top_diff, sp_diffs = top[0], {sp_id: d[0] for sp_id, d in subs.items() if d is not None}
    if problems:
        raise MigrationRefused("cannot migrate: " + "; ".join(problems))
    affected = sorted({t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
                       if _element(t.task_spec)})
    if dry_run:
        return affected
    deadlines = _saved_timers(workflow)
    workflow.subprocess_specs = new.subprocess_specs
    for sp_id, sp_diff in sp_diffs.items():
        sp = workflow.subprocesses[sp_id]
        migrate_workflow(sp_diff, sp, new.subprocess_specs[sp.spec.name])
    migrate_workflow(top_diff, workflow, new.spec)
    advance(workflow)
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if task.task_spec.name in deadlines:  # re-predicted timers count from where they were
            task._set_internal_data(event_value=deadlines[task.task_spec.name])
            task.internal_data.pop("event_fired", None)
    return affected
