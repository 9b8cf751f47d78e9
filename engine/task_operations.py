"""Engine operations on tasks: the one task list, one task with its form, completing a task."""
from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select
from sqlalchemy.orm import undefer

from . import drafts, organisations, permissions
from .engine_core import EngineCore
from .errors import Conflict, Forbidden, InvalidData, NotFound
from .models import (
    Case,
    ClosedTask,
    ReadyTask,
    User,
)
from .permissions import Actor, actor_for, require
from .queries import MAX_PAGE_SIZE, TaskFilter, TaskPage, claim, task_list, unclaim
from .reads import Viewer
from .shapes import task_json


@cache
def _task_query(with_state: bool):
    """The query of `_task_for_actor`, built once (building it cost more than running it)."""
    query = (select(ReadyTask, Case, User, drafts.TaskDraft.task_id.label("draft"))
             .join(Case, Case.id == ReadyTask.case_id).outerjoin(User, User.name == bindparam("actor"))
             .outerjoin(drafts.TaskDraft, drafts.TaskDraft.task_id == ReadyTask.id)
             .where(ReadyTask.id == bindparam("task_id")))
    return query.options(undefer(Case.state)) if with_state else query


class TaskOperations(EngineCore):
    """Engine operations on tasks."""

    def task_page(self, who: Actor | User | str, filters: TaskFilter, today: date | None = None) -> TaskPage:
        """The one task list, as the web, the API and the command line show it: one page of the ready
        tasks `who` may see (an account name, or "system" for every lane), by due date."""
        actor = who if isinstance(who, (Actor, User)) else actor_for(self.session, who)
        if filters.case_id:
            self._case(filters.case_id)  # NotFound for a case that does not exist
        return task_list(self.session, actor, filters, today or self.clock.now().date())

    def list_tasks(self, case_id: str | None = None, lane: str | None = None,
                   who: Actor | User | str = "system") -> list[dict[str, Any]]:
        """Every page of `task_page`, each task with its form (the JSON shape of a task)."""
        out: list[dict[str, Any]] = []
        infos: dict[str, Any] = {}  # case id -> its process version's description
        page = 1
        while True:
            found = self.task_page(who, TaskFilter(case_id=case_id, lane=lane, page=page, per_page=MAX_PAGE_SIZE))
            for row in found.items:
                info = infos.get(row["case_id"]) or infos.setdefault(row["case_id"], self.process_info(row["case_id"]))
                user_task = info.user_tasks.get(row["task"])
                out.append({**row, "form": [f.to_json() for f in user_task.form] if user_task else [],
                            "kind": user_task.kind if user_task else "user"})
            if len(found.items) < MAX_PAGE_SIZE:
                return out
            page += 1

    def show_task(self, task_id: str, *, viewer: Viewer) -> dict[str, Any]:
        """A ready task with its form; `viewer` (a person reading it) is written to the case's access log."""
        task = self.session.get(ReadyTask, task_id)
        if task is None:
            raise NotFound(self._gone_message(task_id))
        case = self._case(task.case_id)
        self._log_access(case.id, viewer, "viewed task")
        return task_json(task, self.specs.get(self.session, case.process_version_id).parsed.info, case.pupil_initials)

    def claim_task(self, user: User, task_id: str) -> ReadyTask:
        """`user` is doing the task (Conflict if someone else is)."""
        return claim(self.session, user, task_id, self.clock.now())

    def unclaim_task(self, user: User, task_id: str) -> ReadyTask:
        """Release the claim on the task (the claimant's own, or anyone's for an admin)."""
        return unclaim(self.session, user, task_id)

    def _task_for_actor(self, task_id: str, actor: str) -> tuple[ReadyTask, Case, User | None, bool]:
        """The ready task, its case, the acting account and whether the task has a draft, in one query:
        each read is a round trip, and a step is mostly round trips. The case's state is read with it
        only when no workflow is kept; when the kept one turns out stale, reading `state` loads it then
        (and should the case have moved on in between, the revision check on saving makes that a clean
        Conflict)."""
        found = self.session.execute(_task_query(self.workflows is None), {"task_id": task_id, "actor": actor}).first()
        if found is None:
            message = self._gone_message(task_id)
            raise (Conflict(message) if "no longer ready" in message else NotFound(message))
        return found.ReadyTask, found.Case, found.User, found.draft is not None

    def _gone_message(self, task_id: str) -> str:
        closed = self.session.get(ClosedTask, task_id)
        if closed is None:
            return f"no ready task {task_id!r}"
        at = closed.closed_at.isoformat()
        if closed.how == "completed":
            return f"task {task_id} is no longer ready: {closed.closed_by} completed it at {at} (case {closed.case_id})"
        return (f"task {task_id} is no longer ready: it was withdrawn at {at}, when case {closed.case_id} "
                "moved on without it")

    def _actionable(self, task_id: str, actor: str):
        """(task row, case, run, the task's description, the workflow task) for `actor` to act on: one they
        may complete and that is still ready (else NotFound, Forbidden or Conflict)."""
        row, case, user, drafted = self._task_for_actor(task_id, actor)
        run = self._run(case, actor)
        if not drafted:  # when it closes, there is no draft of it to delete
            run.without_drafts.add(task_id)
        info = run.parsed.info.user_tasks.get(row.element)
        if info is None:  # a ready task no person does, in a version described before such tasks were
            raise Conflict(f"task {task_id} ({row.element}) is not one a person completes in this version of "
                           f"{case.process_key}")
        who = actor_for(self.session, actor, user)
        if not self._may_read_as(who, case):
            raise NotFound(f"no ready task {task_id!r}")  # a case one may not read is, to them, no case
        require(who, permissions.COMPLETE, lane=info.lane, case=case.data)
        task = run.find_task(task_id)
        if task is None or task.state != TaskState.READY:
            raise Conflict(f"task {task_id} is no longer ready; reload the case")
        return row, case, run, info, task

    def _checked_answers(self, row, case, run, info, data: Any, only: set[str] | None = None) -> dict[str, Any]:
        """The task's answers cleaned and checked (only the fields `only` names, if given: one section of
        a long form, without the cross-field checks); InvalidData with every problem found."""
        fields = [f for f in info.form if only is None or f.id in only]
        values, errors = organisations.clean_form(self.session, fields, data, today=self.local_today(run.now))
        if not errors and only is None and info.kind == "user":
            # Validators see the case as it would be, today's local date (`_today`) for "not in the future", and
            # the ids of the form's fields (`_fields`: a check that a version of the form predates is not asked).
            today = run.now.astimezone(ZoneInfo(self.policy.timezone)).date().isoformat()
            for validator in self.registry.validators(row.element):
                errors.update(validator(values, {**(case.data or {}), **values, "_today": today,
                                                 "_fields": [f.id for f in info.form]}, self.policy) or {})
        if errors:
            raise InvalidData(errors, f"{info.title} ({row.element})")
        return values

    def check_task(self, task_id: str, data: Any, actor: str, only: set[str] | None = None) -> dict[str, Any]:
        """Check answers to a task's form as completing it would (or one section's, `only`), and change
        nothing: the cleaned values, or InvalidData. For a check-answers page before a decision."""
        row, case, run, info, _task = self._actionable(task_id, actor)
        return self._checked_answers(row, case, run, info, data, only)

    def save_draft(self, task_id: str, answers: dict[str, Any], actor: str) -> dict[str, Any]:
        """Keep what `actor` typed so far into the task's form ("Save and come back later"), unchecked;
        only someone who may complete the task may."""
        row, case, _run, info, _task = self._actionable(task_id, actor)
        return drafts.to_json(drafts.save(self.session, task_id, case.id, info.lane, drafts.kept_answers(answers),
                                          actor, self.clock.now()))

    def task_draft(self, task_id: str, actor: str) -> dict[str, Any] | None:
        """The task's draft, for someone who may complete the task (else None: drafts are theirs alone)."""
        try:
            self._actionable(task_id, actor)
        except (NotFound, Forbidden, Conflict):
            return None
        draft = drafts.of_task(self.session, task_id)
        return drafts.to_json(draft) if draft else None

    def complete_task(self, task_id: str, data: Any, actor: str) -> dict[str, Any]:
        """Complete a ready task; a stale task is a Conflict. A user task takes its form's data,
        checked against the form and the handlers' validators and merged into the case. A plain
        `bpmn:task` or `bpmn:manualTask` is marked as done: its one field is an optional note, kept in
        the history event and not made a case variable (two tasks' notes would overwrite each other)."""
        row, case, run, info, task = self._actionable(task_id, actor)
        values = self._checked_answers(row, case, run, info, data)
        record: dict[str, Any] = {"task_id": task_id, "data": values}
        if info.kind == "manual":  # marked as done: the note goes in the history, not into the case's data
            record = {"task_id": task_id, "data": {}, **({"note": values["note"]} if values.get("note") else {})}
        task.data.update(record["data"])
        run.completed[task_id] = actor
        run.merge_data(record["data"])
        run.history.append(run.now, actor, "task_completed", row.element, record)
        payload = {"task_id": task_id, "data": values}
        with self._failing(run, "complete", payload):
            task.run()
        self._step(run, "complete", payload)
        return self._view(run)
