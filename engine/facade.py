"""The engine's public operations. Callers pass the session and commit: one call, one transaction."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, undefer
from sqlalchemy.orm.exc import StaleDataError

from . import forms, organisations, permissions
from .active_versions import activate, active_numbers, active_version, process_events, redeployed, set_active
from .case_ids import free_case_id
from .clock import Clock
from .core_places import MESSAGE_RULES
from .dmn import content_hash
from .errors import Conflict, EngineError, Forbidden, InvalidData, InvalidProcess, NotFound, StepFailed
from .history import HistoryWriter, event_json
from .incidents import as_expression_failure, describe
from .json_input import json_problem
from .mail import MailRenderer
from .models import (
    Case,
    ClosedTask,
    HistoryEvent,
    OutboxMessage,
    ProcessVersion,
    ReadyTask,
    Timer,
    User,
    set_case_status,
)
from .party_links import relink_workflow
from .permissions import ROLES, actor_for, require
from .reads import Viewer, access_log, record_read
from .redactions import redactions_of
from .registry import HandlerRegistry
from .replay import StoredCase, replay_case
from .runtime import CaseRun, SpecCache, advance, deliver_message
from .serialization import StateSerializer
from .shapes import case_json, task_json
from .validation import validate_document
from .versions import describe_diff, migrate
from .workflow_cache import WorkflowCache


@dataclass
class Deployed:
    process: str
    version: int
    created: bool
    active: int = 0  # the version new cases start on after this deploy
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"process": self.process, "version": self.version, "created": self.created,
                "active": self.active, "message": self.message}


class Engine:
    """Deploy processes, run cases, complete tasks, deliver messages, fire timers."""

    def __init__(self, session: Session, clock: Clock, registry: HandlerRegistry, policy: Any,
                 specs: SpecCache | None = None, serializer: StateSerializer | None = None,
                 mail: MailRenderer | None = None, workflows: WorkflowCache | None = None):
        self.session, self.clock, self.registry, self.policy = session, clock, registry, policy
        self.specs = specs or SpecCache()
        self.serializer = serializer or StateSerializer()
        self.mail = mail or MailRenderer()
        self.workflows = workflows
        self._saved: dict[str, tuple[int, int, Any]] = {}  # case id -> what to cache once committed

    def committed(self) -> None:
        """The caller's transaction has committed: keep the workflows it saved for the next step."""
        if self.workflows is not None:
            database = self._database
            for case_id, (version_id, revision, workflow) in self._saved.items():
                self.workflows.put(database, case_id, version_id, revision, workflow)
        self._saved.clear()

    @cached_property
    def _database(self) -> str:
        """The database's URL: workflows are cached per database."""
        return str(self.session.get_bind().url)

    # -- process versions ---------------------------------------------------------------------
    def validate(self, content: bytes, filename: str, documents: Mapping[str, bytes] | None = None) -> list:
        """Every deploy check on a BPMN document and its DMN `documents` (file name -> XML)."""
        return validate_document(content, filename, self.registry, ROLES, documents)

    def deploy(self, content: bytes, filename: str, actor: str = "system",
               documents: Mapping[str, bytes] | None = None) -> Deployed:
        """Store a new immutable version: the BPMN and the DMN `documents` (file name -> XML) its
        business rule tasks reference. The same content twice is a no-op that says so."""
        require(actor_for(self.session, actor), permissions.DEPLOY)
        documents = dict(documents or {})
        problems = self.validate(content, filename, documents)
        if problems:
            raise InvalidProcess(problems)
        digest = content_hash(content, documents)
        existing = self.session.scalar(select(ProcessVersion).where(ProcessVersion.content_hash == digest))
        if existing is not None:
            key, number, active, message = redeployed(existing, active_version(self.session, existing.process_key))
            return Deployed(key, number, created=False, active=active, message=message)
        parsed = self.specs_parse(content, filename, documents)
        last = self.session.scalar(select(func.max(ProcessVersion.version))
                                   .where(ProcessVersion.process_key == parsed.key)) or 0
        self.session.add(ProcessVersion(
            process_key=parsed.key, version=last + 1, content_hash=digest, filename=filename,
            bpmn_xml=content.decode(), documents={n: d.decode() for n, d in documents.items()} or None,
            info=parsed.info.to_json(), deployed_at=self.clock.now(), deployed_by=actor))
        self.session.flush()
        version = self._version(parsed.key, last + 1)
        set_active(self.session, version, actor, self.clock.now(), "deployed", {"file": filename})
        return Deployed(parsed.key, last + 1, created=True, active=last + 1,
                        message=f"{parsed.key} v{last + 1} deployed: new cases start on it")

    def activate(self, process_key: str, number: int, actor: str) -> dict[str, Any]:
        """A process owner chooses the version new cases start on (a rollback after a bad deploy, say)."""
        return activate(self.session, process_key, number, actor, self.clock.now())

    def process_history(self, process_key: str) -> list[dict[str, Any]]:
        """Deploys and choices of the active version of a process, oldest first."""
        self._latest(process_key)
        return process_events(self.session, process_key)

    def specs_parse(self, content: bytes, filename: str, documents: Mapping[str, bytes] | None = None):
        from .parser import parse_document

        return parse_document(content, filename, documents)

    def versions(self) -> list[dict[str, Any]]:
        counts = dict(self.session.execute(
            select(Case.process_version_id, func.count()).group_by(Case.process_version_id)).all())
        rows = self.session.scalars(select(ProcessVersion).order_by(ProcessVersion.process_key,
                                                                    ProcessVersion.version))
        active = active_numbers(self.session)
        return [{"process": v.process_key, "version": v.version, "hash": v.content_hash[:12],
                 "file": v.filename, "deployed_at": v.deployed_at.isoformat(), "deployed_by": v.deployed_by,
                 "cases": counts.get(v.id, 0), "active": active.get(v.process_key) == v.version} for v in rows]

    def _version(self, process_key: str, number: int) -> ProcessVersion:
        version = self.session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == process_key,
                                                                   ProcessVersion.version == number))
        if version is None:
            raise NotFound(f"{process_key} has no version {number} (see `reintegrate process list`)")
        return version

    def diff_versions(self, process_key: str, old: int, new: int) -> dict[str, Any]:
        """Elements added, removed and changed between two versions of a process."""
        a = self.specs.get(self.session, self._version(process_key, old).id)
        b = self.specs.get(self.session, self._version(process_key, new).id)
        return {"process": process_key, "from": old, "to": new,
                **describe_diff(self.serializer.registry, a.parsed, b.parsed)}

    def migrate_case(self, case_id: str, to_version: int | None, actor: str, dry_run: bool = False) -> dict[str, Any]:
        """Move a running case to another version of its process (None: back to where it came from)."""
        require(actor_for(self.session, actor), permissions.MIGRATE)
        case = self._case(case_id, to_run=True)
        if case.status != "running":
            raise Conflict(f"case {case_id} is {case.status}; only running cases move between versions")
        run = self._run(case, actor)
        if to_version is None:
            last = self.session.scalar(select(HistoryEvent).where(HistoryEvent.case_id == case_id,
                                                                  HistoryEvent.kind == "version_migrated")
                                       .order_by(HistoryEvent.seq.desc()).limit(1))
            if last is None:
                raise Conflict(f"case {case_id} was never migrated; there is nothing to revert")
            to_version = last.data["from"]
        target = self.specs.get(self.session, self._version(case.process_key, to_version).id)
        if target.id == case.process_version_id:
            raise Conflict(f"case {case_id} is already on version {to_version}")
        affected = migrate(run.workflow, self.serializer.registry, target.parsed, dry_run=dry_run)
        result = {"case_id": case_id, "from": run.deployment.version, "to": target.version,
                  "affected": affected, "dry_run": dry_run}
        if dry_run:
            return result
        run.history.append(run.now, actor, "version_migrated", None,
                           {"from": run.deployment.version, "to": target.version, "affected": affected})
        case.process_version_id, run.deployment, run.parsed = target.id, target, target.parsed
        run.save()
        self._flush(case_id)
        self._keep(run)
        return result

    def local_today(self, now: datetime | None = None) -> date:
        """The service's date now (or at `now`), in its time zone: what a form's date rules compare with."""
        return (now or self.clock.now()).astimezone(ZoneInfo(self.policy.timezone)).date()

    def _latest(self, process_key: str) -> ProcessVersion:
        version = self.session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == process_key)
                                      .order_by(ProcessVersion.version.desc()).limit(1))
        if version is None:
            raise NotFound(f"no process {process_key!r} is deployed (see `reintegrate process list`)")
        return version

    # -- cases --------------------------------------------------------------------------------
    def start_case(self, process_key: str, data: Any, actor: str) -> dict[str, Any]:
        """Validate the start form, create the case and run it to its first waits."""
        deployment = self.specs.get(self.session, active_version(self.session, process_key).id)
        parsed = deployment.parsed
        values, errors = organisations.clean_form(self.session, parsed.info.start_form, data, derive_authority=True,
                                                  today=self.local_today())
        if errors:
            raise InvalidData(errors, f"cannot start {process_key}")
        starter, starters = actor_for(self.session, actor), parsed.info.starters
        values = permissions.starting_values(starter, values, starters)
        require(starter, permissions.START, case=values, starters=starters)
        now = self.clock.now()
        case = Case(id=free_case_id(self.session, process_key), process_version_id=deployment.id, process_key=process_key,
                    status="running", state="", data=values, pupil_initials=_initials(values.get("pupil_name")),
                    started_by=actor, created_at=now, updated_at=now)
        self.session.add(case)
        workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs)
        run = CaseRun(self.session, case, deployment, now, self.registry, self.policy, self.serializer, actor,
                      self.mail, workflow=workflow)
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

    def _view(self, run: CaseRun) -> dict[str, Any]:
        """The case as this run left it, without reading it back."""
        info, case = run.parsed.info, run.case
        return case_json(case, run.deployment.version, [task_json(t, info, case.pupil_initials) for t in run.ready],
                         run.timers)

    def _case(self, case_id: str, to_run: bool = False) -> Case:
        """The case row; `to_run`: a run will need its state, so read it in the same query unless the
        workflow is probably cached (`state` is deferred: most reads never need it)."""
        case = self.session.get(Case, case_id, options=self._state_options(case_id) if to_run else [])
        if case is None:
            raise NotFound(f"no case {case_id!r}")
        return case

    def _state_options(self, case_id: str) -> list:
        """Read the deferred `state` with the case row unless this process probably keeps its workflow."""
        if self.workflows is None or not self.workflows.holds(self._database, case_id):
            return [undefer(Case.state)]
        return []

    def _run(self, case: Case, actor: str) -> CaseRun:
        workflow = None
        if self.workflows is not None:
            workflow = self.workflows.take(self._database, case.id, case.process_version_id, case.revision)
        return CaseRun(self.session, case, self.specs.get(self.session, case.process_version_id), self.clock.now(),
                       self.registry, self.policy, self.serializer, actor, self.mail, workflow=workflow)

    def _step(self, run: CaseRun, action: str, payload: dict[str, Any]) -> None:
        # One UPDATE of the case per step: save() flushes it before the projections (where a lost
        # race shows), and the last flush writes what the effects added; either way a clean Conflict.
        with self._conflicts(run.case.id):
            with self._failing(run, action, payload):
                advance(run.workflow)
            run.save()
            self.session.flush()
        self._keep(run)

    def _keep(self, run: CaseRun) -> None:
        """Remember the saved workflow; it is cached only if the transaction commits (`committed`)."""
        case = run.case
        self._saved[case.id] = (case.process_version_id, case.revision, run.workflow)

    @contextmanager
    def _failing(self, run: CaseRun, action: str, payload: dict[str, Any]) -> Iterator[None]:
        """Anything a step of the workflow raises (an expression, a handler) as a StepFailed that says
        where and what was being done, for the caller to roll back and record as an incident."""
        try:
            yield
        except StepFailed as exc:
            describe(exc, run, action, payload)
            raise
        except (EngineError, SQLAlchemyError):
            raise
        except Exception as exc:
            raise describe(as_expression_failure(exc, run.case.id), run, action, payload) from exc

    def _flush(self, case_id: str) -> None:
        with self._conflicts(case_id):
            self.session.flush()

    @contextmanager
    def _conflicts(self, case_id: str) -> Iterator[None]:
        """A revision check that failed (another transaction saved the case first) as a Conflict."""
        try:
            yield
        except StaleDataError:
            raise Conflict(f"case {case_id} was changed by someone else at the same time; "
                           "nothing was saved, reload and try again") from None

    # -- tasks --------------------------------------------------------------------------------
    def list_tasks(self, case_id: str | None = None, lane: str | None = None) -> list[dict[str, Any]]:
        query = select(ReadyTask, Case.process_version_id, Case.pupil_initials).join(Case)
        if case_id:
            self._case(case_id)
            query = query.where(ReadyTask.case_id == case_id)
        if lane:
            query = query.where(ReadyTask.lane == lane)
        rows = self.session.execute(query.order_by(ReadyTask.due.is_(None), ReadyTask.due, ReadyTask.created_at))
        out = []
        for task, version_id, initials in rows:
            out.append(task_json(task, self.specs.get(self.session, version_id).parsed.info, initials))
        return out

    def show_task(self, task_id: str, *, viewer: Viewer) -> dict[str, Any]:
        """A ready task with its form; `viewer` (a person reading it) is written to the case's access log."""
        task = self.session.get(ReadyTask, task_id)
        if task is None:
            raise NotFound(self._gone_message(task_id))
        case = self._case(task.case_id)
        self._log_access(case.id, viewer, "viewed task")
        return task_json(task, self.specs.get(self.session, case.process_version_id).parsed.info, case.pupil_initials)

    def _task_for_actor(self, task_id: str, actor: str) -> tuple[ReadyTask, Case, User | None]:
        """The ready task, its case and the acting account, in one query: each read is a round trip,
        and a step is mostly round trips. The case's state is read with it only when no workflow is
        kept; when the kept one turns out stale, reading `state` loads it then (and should the case
        have moved on in between, the revision check on saving makes that a clean Conflict)."""
        query = (select(ReadyTask, Case, User).join(Case, Case.id == ReadyTask.case_id)
                 .outerjoin(User, User.name == actor).where(ReadyTask.id == task_id))
        if self.workflows is None:
            query = query.options(undefer(Case.state))
        found = self.session.execute(query).first()
        if found is None:
            message = self._gone_message(task_id)
            raise (Conflict(message) if "no longer ready" in message else NotFound(message))
        return found.ReadyTask, found.Case, found.User

    def _gone_message(self, task_id: str) -> str:
        closed = self.session.get(ClosedTask, task_id)
        if closed is None:
            return f"no ready task {task_id!r}"
        at = closed.closed_at.isoformat()
        if closed.how == "completed":
            return f"task {task_id} is no longer ready: {closed.closed_by} completed it at {at} (case {closed.case_id})"
        return (f"task {task_id} is no longer ready: it was withdrawn at {at}, when case {closed.case_id} "
                "moved on without it")

    def complete_task(self, task_id: str, data: Any, actor: str) -> dict[str, Any]:
        """Validate `data` against the task's form and complete it; a stale task is a Conflict."""
        row, case, user = self._task_for_actor(task_id, actor)
        run = self._run(case, actor)
        info = run.parsed.info.user_tasks[row.element]
        who = actor_for(self.session, actor, user)
        if not permissions.decide(who, permissions.READ, case=case.data):
            raise NotFound(f"no ready task {task_id!r}")  # a case one may not read is, to them, no case
        require(who, permissions.COMPLETE, lane=info.lane, case=case.data)
        task = run.find_task(task_id)
        if task is None or task.state != TaskState.READY:
            raise Conflict(f"task {task_id} is no longer ready; reload the case")
        values, errors = organisations.clean_form(self.session, info.form, data, today=self.local_today(run.now))
        if not errors:
            # Validators see the case as it would be, and today's local date (`_today`) for "not in the future".
            today = run.now.astimezone(ZoneInfo(self.policy.timezone)).date().isoformat()
            for validator in self.registry.validators(row.element):
                errors.update(validator(values, {**(case.data or {}), **values, "_today": today}, self.policy) or {})
        if errors:
            raise InvalidData(errors, f"{info.title} ({row.element})")
        task.data.update(values)
        run.completed[task_id] = actor
        run.merge_data(values)
        run.history.append(run.now, actor, "task_completed", row.element, {"task_id": task_id, "data": values})
        payload = {"task_id": task_id, "data": values}
        with self._failing(run, "complete", payload):
            task.run()
        self._step(run, "complete", payload)
        return self._view(run)

    # -- messages and timers --------------------------------------------------------------------
    def send_message(self, case_id: str, name: str, data: Any, actor: str) -> dict[str, Any]:
        """Deliver message `name` from `actor`: one of the senders the catching event declares (else its
        lane's role) on a case they may read, with data of the shape the event declares; a message
        that moves a quota (`MESSAGE_RULES`) goes through the code that keeps it. Nothing is changed
        on a refusal: NotFound, Forbidden, Conflict (not waiting for it) or InvalidData."""
        case = self._case(case_id, to_run=True)
        who = actor_for(self.session, actor)
        if not permissions.decide(who, permissions.READ, case=case.data):
            raise NotFound(f"no case {case_id!r}")
        info = self.specs.get(self.session, case.process_version_id).parsed.info
        catches = [c for c in info.catches.values() if c.message == name]
        if not catches:
            raise Conflict(f"case {case_id} is not waiting for message {name!r}: its process has no such message")
        require(who, permissions.MESSAGE, case=case.data, senders=dict.fromkeys(r for c in catches for r in c.senders))
        if case.status != "running":
            raise Conflict(f"case {case_id} is {case.status}; it takes no messages")
        if problem := json_problem(data):
            raise InvalidData({"_": f"message data: {problem}"}, name)
        run = self._run(case, actor)
        waiting = [c for c in catches if c.id in _waiting_elements(run.workflow)]
        if not waiting:
            raise Conflict(f"case {case_id} is not waiting for message {name!r} now")
        values, errors = forms.clean(waiting[0].form, data, self.local_today(run.now))
        if not errors:  # then the message's own checks, as a form's
            today = run.now.astimezone(ZoneInfo(self.policy.timezone)).date().isoformat()
            for validator in self.registry.validators(name):
                errors.update(validator(values, {**(case.data or {}), "_today": today}, self.policy) or {})
        if errors:
            raise InvalidData(errors, f"message {name}")
        rule = MESSAGE_RULES.get(name)
        payload = rule(self, case, values, actor) if rule else values
        try:
            deliver_message(run.workflow, name, payload)
        except WorkflowException:
            raise Conflict(f"case {case_id} is not waiting for message {name!r} now") from None
        run.merge_data({name: payload})
        run.history.append(run.now, actor, "message_received", None, {"message": name, "data": payload})
        self._step(run, "message", {"message": name, "data": payload})
        return self._view(run)

    def message_senders(self, case_id: str, name: str) -> tuple[str, ...]:
        """The roles that may send message `name` to the case (from its process version's diagram)."""
        info = self.process_info(case_id)
        return tuple(dict.fromkeys(r for c in info.catches.values() if c.message == name for r in c.senders))

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
        set_case_status(self.session, case, "running", None)
        for timer in self.session.scalars(select(Timer).where(Timer.case_id == case_id)):
            timer.attempts, timer.not_before, timer.last_error = 0, None, None
        run.history.append(run.now, actor, "retried", None, {"error": previous})
        self.session.flush()
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
            set_case_status(self.session, case, "running", None)
            HistoryWriter(self.session, case).append(self.clock.now(), actor, "retried", None, {"error": previous})
        for timer in self.session.scalars(select(Timer).where(Timer.case_id == case_id)):
            timer.attempts, timer.not_before, timer.last_error, timer.claimed_until = 0, None, None, None
        self.session.flush()
        self.fire_case(case_id)
        return self.show_case(case_id, viewer=actor)

    def outbox(self, limit: int = 200, *, viewer: Viewer) -> list[dict[str, Any]]:
        """Queued and sent messages, newest first; `viewer` has read the mail of each case shown."""
        rows = list(self.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))
        for case_id in dict.fromkeys(m.case_id for m in rows if m.case_id):
            self._log_access(case_id, viewer, "read mail")
        return [{"id": m.id, "case_id": m.case_id, "kind": m.kind, "to": m.recipient, "subject": m.subject,
                 "body": m.body,
                 "created_at": m.created_at.isoformat(), "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                 "failed_at": m.failed_at.isoformat() if m.failed_at else None,
                 "status": "sent" if m.sent_at else "failed" if m.failed_at else "queued",
                 "attempts": m.attempts, "last_error": m.last_error} for m in rows]

    def replay(self, case_id: str, until: int | None = None, at: datetime | None = None,
               verify: bool = False, *, viewer: Viewer) -> dict[str, Any]:
        """Rebuild the case from its events (up to seq `until` or time `at`); `verify` checks it all."""
        case = self._case(case_id)
        self._may_read(case, viewer)
        self._log_access(case_id, viewer, "replayed case")
        deployment = self.specs.get(self.session, case.process_version_id)
        events = list(self.session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case_id)
                                           .order_by(HistoryEvent.seq)))
        stored = None
        if verify and until is None and at is None:
            stored = StoredCase(
                self.serializer.loads(case.state, deployment.parsed.spec, deployment.parsed.subprocess_specs),
                list(self.session.scalars(select(ReadyTask).where(ReadyTask.case_id == case_id))),
                list(self.session.scalars(select(Timer).where(Timer.case_id == case_id))))
        elif verify:
            raise InvalidData({"verify": "verify the whole history: leave out --until and --at"})
        def deployment_of(number: int | None):
            if number is None:
                return deployment
            return self.specs.get(self.session, self._version(case.process_key, number).id)

        result = replay_case(case, events, deployment_of, self.registry, self.policy, stored, until, at,
                             self.serializer.registry).to_json()
        return {**result, "redactions": redactions_of(self.session, case_id)} if result["redacted_events"] else result

    def case_ids(self) -> list[str]:
        return list(self.session.scalars(select(Case.id).order_by(Case.created_at, Case.id)))

    def _may_read(self, case: Case, viewer: Viewer) -> None:
        """A person reading a case must be allowed to (one they may not read is, to them, no case); a
        system read (`SystemRead`) is the software's own."""
        if not isinstance(viewer, str) or not viewer.strip():  # a SystemRead, or no viewer: record_read decides
            return
        try:
            allowed = permissions.decide(actor_for(self.session, viewer), permissions.READ, case=case.data)
        except Forbidden:
            allowed = False
        if not allowed:
            raise NotFound(f"no case {case.id!r}")

    def _log_access(self, case_id: str, viewer: Viewer, action: str) -> None:
        record_read(self.session, self.clock.now(), case_id, viewer, action)

    def access_log(self, case_id: str) -> list[dict[str, Any]]:
        """Who read the case, when, newest first."""
        self._case(case_id)
        return access_log(self.session, case_id)

    def history(self, case_id: str, *, viewer: Viewer) -> list[dict[str, Any]]:
        """The case's events in order; `viewer` (a person reading them) is written to the access log."""
        self._may_read(self._case(case_id), viewer)
        self._log_access(case_id, viewer, "read history")
        events = self.session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case_id)
                                      .order_by(HistoryEvent.seq))
        return [event_json(e) for e in events]


def _waiting_elements(workflow: BpmnWorkflow) -> set[str]:
    """The BPMN ids of the events the workflow is waiting at (message catches among them)."""
    return {task.task_spec.bpmn_id for task in workflow.get_tasks(state=TaskState.WAITING)}


def _initials(name: Any) -> str:
    if not isinstance(name, str):
        return ""
    return "".join(part[0].upper() for part in name.split() if part)[:4]
