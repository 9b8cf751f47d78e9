"""Engine operations on cases: start, show, fire due timers, relink parties, retry after an error."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from . import organisations, parties, permissions
from .active_versions import active_version
from .case_ids import free_case_id
from .engine_core import EngineCore
from .errors import Conflict, InvalidData, NotFound
from .history import HistoryWriter
from .models import (
    Case,
    ReadyTask,
    Timer,
    set_case_status,
)
from .party_links import relink_workflow
from .permissions import actor_for, require
from .projection import Projected
from .reads import Viewer
from .runtime import CaseRun
from .shapes import case_json, task_json


class CaseOperations(EngineCore):
    """Engine operations on cases."""

    def start_case(self, process_key: str, data: Any, actor: str) -> dict[str, Any]:
        """Validate the start form, create the case and run it to its first waits."""
        deployment = self.specs.get(self.session, active_version(self.session, process_key).id)
        parsed = deployment.parsed
        if not parsed.info.start_form and data:  # nothing declared: a case of this process starts with no data
            raise InvalidData({"_": "the start event declares no form, so this process takes no start data (declare "
                                    "the fields with camunda:formData on the start event)"}, f"cannot start {process_key}")
        values, errors = organisations.clean_form(self.session, parsed.info.start_form, data, derive_authority=True,
                                                  today=self.local_today())
        if errors:
            raise InvalidData(errors, f"cannot start {process_key}")
        starter, starters = actor_for(self.session, actor), parsed.info.starters
        values = permissions.starting_values(starter, values, starters)
        require(starter, permissions.START, case=values, starters=starters)
        now, initials = self.clock.now(), _initials(values.get(parties.table().subject.name_field))
        case = Case(id=free_case_id(self.session, process_key), process_version_id=deployment.id, process_key=process_key,
                    status="running", state="", data=values, pupil_initials=initials,
                    started_by=actor, created_at=now, updated_at=now)
        self.session.add(case)
        workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs)
        run = CaseRun(self.session, case, deployment, now, self.registry, self.policy, self.serializer, actor,
                      self.mail, workflow=workflow, projected=Projected())  # a new case: no rows yet
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(values)
        run.history.append(now, actor, "case_started", None,
                           {"process": process_key, "version": deployment.version, "data": values})
        self._step(run, "start", {"process": process_key, "data": values})
        return self._view(run)

    def show_case(self, case_id: str, *, viewer: Viewer) -> dict[str, Any]:
        """The case as it stands; `viewer` (a person reading it) is written to the access log."""
        case = self._case(case_id)
        self._may_read(case, viewer)
        self._log_access(case_id, viewer, "viewed case")
        deployment = self.specs.get(self.session, case.process_version_id)
        tasks = self.session.scalars(select(ReadyTask).where(ReadyTask.case_id == case_id)
                                     .order_by(ReadyTask.created_at, ReadyTask.id)).all()
        timers = self.session.scalars(select(Timer).where(Timer.case_id == case_id).order_by(Timer.due_at)).all()
        info = deployment.parsed.info
        return case_json(case, deployment.version, [task_json(t, info, case.pupil_initials) for t in tasks], timers)

    def process_info(self, case_id: str):
        """The description (titles, forms, lanes) of the process version the case is pinned to."""
        return self.specs.get(self.session, self._case(case_id).process_version_id).parsed.info

    def case_ids(self) -> list[str]:
        return list(self.session.scalars(select(Case.id).order_by(Case.created_at, Case.id)))

    def relink_parties(self, case_id: str, parties: dict[str, str], actor: str) -> dict[str, Any]:
        """Point a case's parties (field -> register entry id or exact name) at register entries: the
        case's data and workflow take the entries' names, recorded as a `parties_relinked` event (an
        admin resolving a name that matches no entry; see engine.party_links)."""
        require(actor_for(self.session, actor), permissions.ORGANISATIONS)
        case = self._case(case_id, to_run=True)
        unknown = {f: "is not a party field" for f in parties if f not in organisations.PARTY_FIELDS}
        values, errors = organisations.resolve_parties(self.session, parties, derive_authority=False)
        if unknown or errors:
            raise InvalidData({**unknown, **errors}, f"case {case_id}")
        before = {f: (case.data or {}).get(f) for f in values}
        changes = {f: v for f, v in values.items() if before[f] != v}
        if changes:
            run = self._run(case, actor)
            relink_workflow(run.workflow, before, changes)
            run.merge_data(changes)
            run.history.append(run.now, actor, "parties_relinked", None,
                               {"from": {f: before[f] for f in changes}, "to": changes})
            with self._conflicts(case_id):
                run.save()
                self.session.flush()
            self._keep(run)
        return {"case_id": case_id, "relinked": changes}

    def retry_case(self, case_id: str, actor: str) -> dict[str, Any]:
        """An operator puts a case in error back to running; its timers are tried again at once."""
        require(actor_for(self.session, actor), permissions.RETRY)
        case = self._case(case_id)
        if case.status != "error":
            raise Conflict(f"case {case_id} is {case.status}, not in error; there is nothing to retry")
        run = self._run(case, actor)
        previous = case.error
        set_case_status(self.session, case, "running", None, self.registry.extensions)
        for timer in self.session.scalars(select(Timer).where(Timer.case_id == case_id)):
            timer.attempts, timer.not_before, timer.last_error = 0, None, None
        run.history.append(run.now, actor, "retried", None, {"error": previous})
        run.history.write()
        return self.show_case(case_id, viewer=actor)

    def retry_timers(self, case_id: str, actor: str) -> dict[str, Any]:
        """Fire a case's due timers now, their back-off forgotten and an error state lifted (the retry
        of a timer's incident); a failure again raises StepFailed."""
        require(actor_for(self.session, actor), permissions.INCIDENTS)
        case = self._case(case_id, to_run=True)
        if case.status not in ("running", "error"):
            raise Conflict(f"case {case_id} is {case.status}; its timers no longer run")
        if case.status == "error":
            previous = case.error
            set_case_status(self.session, case, "running", None, self.registry.extensions)
            history = HistoryWriter(self.session, case)
            history.append(self.clock.now(), actor, "retried", None, {"error": previous})
            history.write()
        for timer in self.session.scalars(select(Timer).where(Timer.case_id == case_id)):
            timer.attempts, timer.not_before, timer.last_error, timer.claimed_until = 0, None, None, None
        self.session.flush()
        self.fire_case(case_id)
        return self.show_case(case_id, viewer=actor)

    def fire_case(self, case_id: str) -> list[str]:
        """Fire the case's timers that are due now (refresh_timers, then engine steps); [] if none are."""
        now = self.clock.now()
        # The case and its due timers in one query (a round trip saved per case fired).
        query = (select(Case, Timer.element).outerjoin(Timer, (Timer.case_id == Case.id) & (Timer.due_at <= now))
                 .where(Case.id == case_id).order_by(Timer.due_at, Timer.id).options(*self._state_options(case_id)))
        rows = self.session.execute(query).all()
        if not rows:
            raise NotFound(f"no case {case_id!r}")
        case, due = rows[0].Case, [r.element for r in rows if r.element is not None]
        if case.status != "running" or not due:
            return []
        run = self._run(case, "scheduler")
        run.history.append(now, "scheduler", "timer_fired", None, {"elements": list(due)})
        with self._failing(run, "timer", {"elements": list(due)}):
            run.workflow.refresh_timers()
        self._step(run, "timer", {"elements": list(due)})
        return list(due)


def _initials(name: Any) -> str:
    if not isinstance(name, str):
        return ""
    return "".join(part[0].upper() for part in name.split() if part)[:4]
