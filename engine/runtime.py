"""One engine run on one case: load the workflow, step it, and write everything it changed.

`CaseRun` is the unit of work behind every facade call that changes a case. It attaches a fresh
script engine (SpiffWorkflow does not serialise them), dispatches service tasks to handlers, and on
`save()` writes the state, the ready-task projection, the timer table, the effects the handlers
asked for and the history events, all in the caller's transaction: the case row, the events and
the projection rows that changed as one batch (one round trip on PostgreSQL, `engine.batch`).
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from . import parties
from .batch import batched
from .case_row import save_case
from .effects import HandlerContext, Mail
from .errors import HandlerFailed
from .history import HistoryWriter
from .mail import MailRenderer, resolve_recipients
from .models import Case, OutboxMessage, ProcessVersion, ReadyTask, Timer
from .parser import ParsedProcess, parse_document
from .projection import Projected, write_tasks, write_timers
from .registry import HandlerRegistry
from .role_names import role_name
from .scripting import CaseScriptEngine, evaluate_expression
from .serialization import StateSerializer
from .specs import timer_due

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deployment:
    """A deployed version, parsed: versions are immutable, so this is safe to keep."""

    id: int
    key: str
    version: int
    parsed: ParsedProcess


class SpecCache:
    """Parsed process versions by id; parsing is the slow part of loading a case."""

    def __init__(self, size: int = 32):
        self._size = size
        self._items: OrderedDict[tuple[str, int], Deployment] = OrderedDict()

    def get(self, session: Session, version_id: int) -> Deployment:
        key = (str(session.get_bind().url), version_id)
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        row = session.get(ProcessVersion, version_id)
        if row is None:
            raise LookupError(f"process version {version_id} is not deployed")
        found = Deployment(row.id, row.process_key, row.version,
                           parse_document(row.bpmn_xml.encode(), row.filename, row.documents))
        self._items[key] = found
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return found


class CaseRun:
    """A case loaded for one change, with the services its handlers need."""

    def __init__(self, session: Session, case: Case, deployment: Deployment, now: datetime,
                 registry: HandlerRegistry, policy: Any, serializer: StateSerializer, actor: str,
                 mail: MailRenderer, workflow: BpmnWorkflow | None = None, projected: Projected | None = None):
        self.session, self.case, self.deployment = session, case, deployment
        self.parsed = parsed = deployment.parsed
        self.now, self.registry, self.policy, self.actor = now, registry, policy, actor
        self._serializer = serializer
        self.mail = mail
        self.effects: list[Any] = []
        self.history = HistoryWriter(session, case)
        self.ready: list[ReadyTask] = []
        self.completed: dict[str, str] = {}  # task id -> who completed it in this run
        self.without_drafts: set[str] = set()  # tasks known to have no draft: none to delete when they close
        # What the ready-task and timer rows hold (kept with a cached workflow; None: read them at save).
        self.projected: Projected | None = projected
        self.timers: list[Timer] = []
        self.workflow = workflow or serializer.loads(case.state, parsed.spec, parsed.subprocess_specs, case.id)
        self.workflow.script_engine = CaseScriptEngine(lambda: self.now, self._call_service)

    def _call_service(self, task, topic: str) -> None:
        facts = self.registry.extensions.lookup(topic, self.session, self.case.id)
        updates, effects = call_handler(self.registry, topic, task, self.case.id, self.now, self.policy, facts)
        self.merge_data(updates)
        self.effects.extend(effects)
        record = {"topic": topic, "outputs": updates, "effects": [type(e).__name__ for e in effects]}
        if facts:  # replay must see what this run saw, not what the database says later
            record["facts"] = facts
        self.history.append(self.now, "system", "service_completed", task.task_spec.bpmn_id, record)

    def merge_data(self, values: dict[str, Any]) -> None:
        if values:
            self.case.data = {**(self.case.data or {}), **values}

    def _open_tasks(self):
        """Ready user tasks and waiting tasks, in one walk of the task tree."""
        ready, waiting = [], []
        for task in self.workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
            if task.state == TaskState.WAITING:
                waiting.append(task)
            elif task.task_spec.manual:
                ready.append(task)
        return ready, waiting

    def find_task(self, task_id: str):
        try:
            return self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, KeyError):
            return None

    def save(self) -> None:
        """Write state, projections, effects; the caller commits."""
        wf = self.workflow
        case = self.case
        case.state = self._serializer.dumps(wf)
        case.updated_at = self.now
        if wf.is_completed() and case.status not in ("completed", "cancelled"):  # not again on a re-save
            case.status = "completed" if wf.success else "cancelled"
            self.history.append(self.now, "system", "case_completed", None,
                                {"status": case.status, "outcome": (case.data or {}).get("outcome")})
        self._connection = self.session.connection()
        if not inspect(case).persistent:  # a new case: the session inserts it
            self.session.flush()
        ready, waiting = self._open_tasks()
        tasks, timers = self._task_rows(ready), sorted(waiting_timers(waiting), key=lambda t: t[1])
        before = self.projected or Projected.stored(self._connection, case.id)
        self._forget(ReadyTask, Timer)
        ready_rows, timer_rows = self._write_rows(before, tasks, timers)
        self.session.flush()
        self.projected = Projected(ready_rows, timer_rows)
        self.ready = [ReadyTask(case_id=case.id, **row) for row in tasks]
        self.timers = [Timer(case_id=case.id, element=element, due_at=due, attempts=0) for element, due in timers]
        for projection in self.registry.extensions.projections:  # the service's rows, in the same transaction
            projection.save(self)
        self._write_effects()

    def _write_rows(self, before: Projected, tasks: list[dict[str, Any]], timers: list[tuple[str, datetime]]):
        """The case row (where a lost race shows: StaleDataError), the history events and the changed
        ready-task and timer rows, sent together (engine.batch). Returns what the rows now hold."""
        pending = None
        try:
            with batched(self._connection):
                pending = save_case(self.session, self.case)
                self.history.write_events(self._connection)
                ready_rows = write_tasks(self._connection, self.case.id, before, tasks, self.now, self.completed,
                                         self.without_drafts)
                timer_rows = write_timers(self._connection, self.case.id, before, timers)
        except DBAPIError:
            if pending is not None:
                pending.check(failed=True)
            raise
        pending.check()
        return ready_rows, timer_rows

    def _clear_rows(self, model) -> None:
        """Delete this case's rows of `model` with a plain statement."""
        self._forget(model)
        self._connection.execute(_statements(model.__table__, "delete"), {"case_id": self.case.id})

    def _replace_rows(self, model, rows: list[dict[str, Any]]) -> None:
        """Replace this case's projection rows with plain Core statements (no unit-of-work cost)."""
        self._clear_rows(model)
        if rows:
            self._connection.execute(_statements(model.__table__, "insert"), rows)

    def upsert_row(self, model, row: dict[str, Any]) -> None:
        """Insert or overwrite the case's one row of `model` (keyed by case id), as a projection does:
        one statement where the database has ON CONFLICT."""
        dialect = self._connection.dialect.name
        if dialect not in _UPSERTS:  # another database: the portable two statements
            self._replace_rows(model, [row])
            return
        self._forget(model)
        self._connection.execute(_statements(model.__table__, f"upsert_{dialect}"), row)

    def _forget(self, *models) -> None:
        """Drop this case's rows of `models` from the session: plain statements are about to change them."""
        for obj in [o for o in self.session.identity_map.values() if isinstance(o, models) and o.case_id == self.case.id]:
            self.session.expunge(obj)

    def _task_rows(self, ready) -> list[dict[str, Any]]:
        """The ready user tasks as rows of the task list (engine.projection writes what changed)."""
        rows = []
        for task in ready:
            element = task.task_spec.bpmn_id
            info = self.parsed.info.user_tasks.get(element)
            rows.append({"id": str(task.id), "element": element, "title": info.title if info else element,
                         "lane": info.lane if info else None, "due": _due(info.due if info else None, task.data)})
        return rows

    def _write_effects(self) -> None:
        for effect in self.effects:
            if isinstance(effect, Mail):
                self._queue_mail(effect)
            else:  # the service's own kinds of effect (engine.extensions)
                self.registry.extensions.write_effect(self, effect)
        self.effects.clear()

    def _queue_mail(self, effect: Mail) -> None:
        """Render and address an email; one outbox row per recipient, keyed so a repeat is a no-op."""
        rendered = self.mail.render(effect.kind, _mail_context(self, effect))
        recipients = resolve_recipients(self.session, effect.to, self.case.data or {}, self.policy)
        rows = [{"case_id": self.case.id, "idempotency_key": f"{effect.key}:{address}", "kind": effect.kind,
                 "recipient": address, "subject": rendered.subject, "body": rendered.text, "html": rendered.html,
                 "about_task": effect.about_task, "cancelled_at": None,
                 "created_at": self.now, "next_attempt_at": self.now if recipients else None, "attempts": 0,
                 "last_error": None if recipients else f"no address for {_addressee(effect.to)}: add a contact to the policy"}
                for address in dict.fromkeys(recipients or [effect.to])]
        dialect = self._connection.dialect.name
        if dialect in _UPSERTS:  # a key already queued is skipped by the database itself
            self._connection.execute(_statements(OutboxMessage.__table__, f"skip_{dialect}"), rows)
            return
        for row in rows:
            if not self.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == row["idempotency_key"])):
                self.session.add(OutboxMessage(**row))


_UPSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


@cache
def _statements(table, kind: str):
    """The statements every save runs, built once: building a statement costs more than running it."""
    if kind == "insert":
        return table.insert()
    if kind.startswith("skip_"):  # a row whose key is there already (an outbox idempotency key) is not
        return _UPSERTS[kind.removeprefix("skip_")](table).on_conflict_do_nothing()
    if kind.startswith("upsert_"):
        statement = _UPSERTS[kind.removeprefix("upsert_")](table)
        keys = [c.name for c in table.primary_key.columns]
        return statement.on_conflict_do_update(
            index_elements=keys, set_={c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys})
    return table.delete().where(table.c.case_id == bindparam("case_id"))


def call_handler(registry: HandlerRegistry, topic: str, task, case_id: str, now: datetime,
                 policy: Any, facts: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Any]]:
    """Run a service task's handler; its outputs go into the task's data. Returns (outputs, effects)."""
    element = task.task_spec.bpmn_id
    ctx = HandlerContext(case_id=case_id, element=element, data=dict(task.data), now=now, policy=policy,
                         params=getattr(task.task_spec, "extensions", None) or {}, facts=facts or {})
    try:
        updates = registry.handler(topic)(ctx) or {}
    except Exception as exc:
        log.exception("handler %s failed on case %s at %s", topic, case_id, element)
        raise HandlerFailed(f"case {case_id}: service task {element} (topic {topic}) failed: {exc}",
                            case_id=case_id, element=element, topic=topic,
                            title=getattr(task.task_spec, "bpmn_name", None) or element,
                            detail=f"{type(exc).__name__}: {exc}") from exc
    task.data.update(updates)
    return updates, ctx.effects


def advance(workflow: BpmnWorkflow) -> None:
    """Run engine steps, fire any timer already due, and run the steps that follow.

    SpiffWorkflow's `do_engine_steps` ends by refreshing the timers, which makes a due one READY; the
    steps it leads to run in a second pass, taken only when some engine task is READY (a walk of
    the task tree per subprocess costs more than this look at the task tables)."""
    workflow.do_engine_steps()
    if _engine_task_ready(workflow):
        workflow.do_engine_steps()


def _engine_task_ready(workflow: BpmnWorkflow) -> bool:
    """Whether a task the engine runs itself (not a person's) is READY, in the workflow or a subprocess."""
    for wf in (workflow, *workflow.subprocesses.values()):
        for task in wf.tasks.values():
            if task.state == TaskState.READY and not task.task_spec.manual:
                return True
    return False


def deliver_message(workflow: BpmnWorkflow, name: str, data: Any, variables: dict[str, Any] | None = None) -> None:
    """Deliver a named message: its payload lands in a variable of that name (as Camunda's message
    catches store it), and each of `variables` (the fields the catching event declares, see
    `message_variables`) in a variable of its own, so that a gateway after it can test them.

    Raises SpiffWorkflow's WorkflowException when nothing waits for it."""
    workflow.send_event(BpmnEvent(MessageEventDefinition(name), {"payload": data, "result_var": name}))
    if variables:  # the catching event is ready now; what it holds passes on to the tasks after it
        for task in workflow.get_tasks(state=TaskState.READY):
            definition = getattr(task.task_spec, "event_definition", None)
            if isinstance(definition, MessageEventDefinition) and definition.name == name:
                task.data.update(variables)


def message_variables(catch, payload: Any) -> dict[str, Any]:
    """The fields of a message's payload that its catching event (a MessageCatchInfo) declares in
    its form: each becomes a case variable of the same name."""
    if not isinstance(payload, dict):
        return {}
    declared = {f.id for f in catch.form}
    return {k: v for k, v in payload.items() if k in declared}


def _addressee(to: str) -> str:
    """`role:home_school` as "the home school" (role_names' words), an address as it is."""
    return f"the {role_name(to.removeprefix('role:'))}" if to.startswith("role:") else to


def _mail_context(run: CaseRun, effect: Mail) -> dict[str, Any]:
    """The template's variables. A message about a task (`task` in its context: the user task's id in
    the diagram) also gets `task_title`, the task's name as the pages show it, and `task_link`, the
    task's own page while it is ready (else the case's)."""
    case = run.case
    context = {"case_id": case.id, "initials": case.pupil_initials or f"the {parties.table().subject.word}",
               "link": run.mail.case_link(case.id), "authority": run.policy.authority_name, **effect.context}
    element = effect.context.get("task")
    if element:
        info = run.parsed.info.user_tasks.get(element)
        ready = next((t for t in run.workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == element), None)
        context.setdefault("task_title", info.title if info else element)
        context["task_link"] = run.mail.task_link(str(ready.id)) if ready else context["link"]
    return context


def _due(expression: str | None, data: dict[str, Any]) -> str | None:
    if not expression:
        return None
    try:
        value = evaluate_expression(expression, data)
    except Exception:  # a due date that cannot be computed yet is shown as none, not an error
        return None
    return str(value) if value is not None else None


def waiting_timers(waiting_tasks) -> list[tuple[str, datetime]]:
    """(element id, absolute due time) of every timer among a workflow's waiting tasks."""
    out = []
    for task in waiting_tasks:
        if not isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            continue
        due = timer_due(task)
        if due is not None:
            out.append((task.task_spec.bpmn_id, due))
    return out
