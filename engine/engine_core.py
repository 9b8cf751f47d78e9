"""What every engine operation shares: the session, clock, handlers and policy of one transaction, and
how a case is read, run one step, saved and kept (the workflow cache) with conflicts and failures
turned into the engine's errors."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, undefer
from sqlalchemy.orm.exc import StaleDataError

from . import permissions
from .case_shares import shared_with
from .clock import Clock
from .errors import Conflict, EngineError, Forbidden, NotFound, StepFailed
from .incidents import as_expression_failure, describe
from .mail import MailRenderer
from .models import (
    Case,
)
from .permissions import actor_for
from .reads import Viewer, record_read
from .registry import HandlerRegistry
from .runtime import CaseRun, SpecCache, advance
from .serialization import StateSerializer
from .shapes import case_json, task_json
from .workflow_cache import WorkflowCache


class EngineCore:
    """What every engine operation shares."""

    def __init__(self, session: Session, clock: Clock, registry: HandlerRegistry, policy: Any,
                 specs: SpecCache | None = None, serializer: StateSerializer | None = None,
                 mail: MailRenderer | None = None, workflows: WorkflowCache | None = None):
        self.session, self.clock, self.registry, self.policy = session, clock, registry, policy
        self.specs = specs or SpecCache()
        self.serializer = serializer or StateSerializer()
        self.mail = mail or MailRenderer()
        self.workflows = workflows
        self._saved: dict[str, tuple[int, int, Any, Any]] = {}  # case id -> what to cache once committed

    def local_today(self, now: datetime | None = None) -> date:
        """The service's date now (or at `now`), in its time zone: what a form's date rules compare with."""
        return (now or self.clock.now()).astimezone(ZoneInfo(self.policy.timezone)).date()

    def committed(self) -> None:
        """The caller's transaction has committed: keep the workflows it saved for the next step."""
        if self.workflows is not None:
            database = self._database
            for case_id, (version_id, revision, workflow, projected) in self._saved.items():
                self.workflows.put(database, case_id, version_id, revision, workflow, projected)
        self._saved.clear()

    @cached_property
    def _database(self) -> str:
        """The database's URL: workflows are cached per database."""
        return str(self.session.get_bind().url)

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
        kept = None
        if self.workflows is not None:
            kept = self.workflows.take(self._database, case.id, case.process_version_id, case.revision)
        workflow, projected = kept or (None, None)
        return CaseRun(self.session, case, self.specs.get(self.session, case.process_version_id), self.clock.now(),
                       self.registry, self.policy, self.serializer, actor, self.mail, workflow=workflow,
                       projected=projected)

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
        self._saved[case.id] = (case.process_version_id, case.revision, run.workflow, run.projected)

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

    def _may_read(self, case: Case, viewer: Viewer) -> None:
        """A person reading a case must be allowed to (one they may not read is, to them, no case); a
        system read (`SystemRead`) is the software's own."""
        if not isinstance(viewer, str) or not viewer.strip():  # a SystemRead, or no viewer: record_read decides
            return
        try:
            allowed = self._may_read_as(actor_for(self.session, viewer), case)
        except Forbidden:
            allowed = False
        if not allowed:
            raise NotFound(f"no case {case.id!r}")

    def _may_read_as(self, who: permissions.Actor, case: Case) -> permissions.Decision:
        """engine.permissions' READ on this case, with the organisations it was shared with (asked only
        for the agencies, the one kind of reader they decide for)."""
        shared = shared_with(self.session, case.id) if who.role in permissions.AGENCY_ROLES else ()
        return permissions.decide(who, permissions.READ, case=case.data, shared_with=shared)

    def _log_access(self, case_id: str, viewer: Viewer, action: str) -> None:
        record_read(self.session, self.clock.now(), case_id, viewer, action)
