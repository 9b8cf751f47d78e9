"""Replaying a case from its history against its pinned process version (docs/architecture.md, rule 6).

A fresh workflow is driven by the recorded events (case started, tasks completed with their data,
messages, timers fired), on a clock set to each event's time. Service tasks run their handlers again;
their outputs must equal the recorded ones, and their side effects are dropped. With `verify`, the
hash chain is checked and the rebuilt case is compared with the stored one, task by task, with its
data and its projections (engine/state_compare.py); the first difference is named by its path.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from .clock import FixedClock
from .history import is_redacted, verify_chain
from .models import Case, HistoryEvent, ReadyTask, Timer
from .party_links import relink_workflow
from .runtime import _due, advance, call_handler, deliver_message, timer_due, waiting_timers
from .scripting import CaseScriptEngine
from .state_compare import Difference, compare_rows, compare_workflows, first_difference, numbered
from .versions import migrate

TRIGGERS = ("case_started", "task_completed", "message_received", "timer_fired")


class Divergence(Exception):
    """Replay and record disagree at event `seq`."""

    def __init__(self, seq: int, message: str):
        self.seq = seq
        super().__init__(f"event {seq}: {message}")


@dataclass
class ReplayResult:
    case_id: str
    events: int
    replayed: int
    ok: bool = True
    first_bad_event: int | None = None
    problems: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    difference: dict[str, Any] | None = None  # where verify found the stored case departing from the rebuilt one
    redacted_events: int = 0  # payloads erased by retention: their digests still chain, nothing replays past them
    # "verified" | "replayed" (no verify asked) | "redacted" (chain intact, payloads erased) | "tampered"
    # (chain, payload or stored case edited) | "diverged" (the record is intact but replays otherwise)
    status: str = "replayed"

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "events": self.events, "replayed": self.replayed, "ok": self.ok,
                "status": self.status, "first_bad_event": self.first_bad_event, "problems": self.problems,
                "state": self.state, "difference": self.difference, "redacted_events": self.redacted_events}


class _Replayer:
    def __init__(self, case: Case, deployment_of, registry, policy, spec_registry, first: HistoryEvent | None):
        self.case, self.registry, self.policy = case, registry, policy
        self.deployment_of, self.spec_registry = deployment_of, spec_registry
        started_on = (first.data or {}).get("version") if first is not None else None
        deployment = deployment_of(started_on) if started_on else deployment_of(None)
        self.deployment = deployment
        self.clock = FixedClock(case.created_at)
        self.workflow = BpmnWorkflow(deployment.parsed.spec, deployment.parsed.subprocess_specs)
        self.workflow.script_engine = CaseScriptEngine(self.clock.now, self._call)
        self.data: dict[str, Any] = {}
        self.outputs: list[tuple[str, dict[str, Any]]] = []
        self.facts: list[dict[str, Any]] = []  # figures the live run looked up, in the order it did

    def _call(self, task, topic: str) -> None:
        facts = self.facts.pop(0) if self.facts else {}
        updates, _effects = call_handler(self.registry, topic, task, self.case.id, self.clock.now(), self.policy,
                                         facts)
        self.data.update(updates)
        self.outputs.append((task.task_spec.bpmn_id, updates))

    def apply(self, event: HistoryEvent) -> None:
        self.clock.set(event.at)
        data = event.data or {}
        if event.kind == "case_started":
            for task in self.workflow.get_tasks(state=TaskState.READY):
                task.data.update(data["data"])
            self.data.update(data["data"])
        elif event.kind == "task_completed":
            ready = [t for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
                     if t.task_spec.bpmn_id == event.element]
            if not ready:
                raise Divergence(event.seq, f"{event.element} was not ready when replayed")
            ready[0].data.update(data["data"])
            self.data.update(data["data"])
            ready[0].run()
        elif event.kind == "message_received":
            try:
                deliver_message(self.workflow, data["message"], data["data"], data.get("variables"))
            except WorkflowException:
                raise Divergence(event.seq, f"nothing waited for message {data['message']!r}") from None
            self.data.update({data["message"]: data["data"], **data.get("variables", {})})
        elif event.kind == "timer_fired":
            self.workflow.refresh_timers()
        elif event.kind == "service_completed":
            if not self.outputs:
                raise Divergence(event.seq, f"service task {event.element} did not run on replay")
            element, outputs = self.outputs.pop(0)
            if (element, outputs) != (event.element, data.get("outputs")):
                raise Divergence(event.seq, f"service task {event.element} gave different outputs on replay")
            return
        elif event.kind == "version_migrated":
            self.deployment = self.deployment_of(data["to"])
            migrate(self.workflow, self.spec_registry, self.deployment.parsed)
            return
        elif event.kind == "parties_relinked":  # an admin pointed parties at register entries
            relink_workflow(self.workflow, data["from"], data["to"])
            self.data.update(data["to"])
            return
        elif event.kind == "case_completed":
            if not self.workflow.is_completed():
                raise Divergence(event.seq, "the case was recorded as completed but is not on replay")
            return
        else:  # error, retried, and other records that change no workflow state
            return
        if self.outputs:
            raise Divergence(event.seq, f"replay ran service task {self.outputs[0][0]} that was not recorded")
        advance(self.workflow)

    def state(self) -> dict[str, Any]:
        info = self.deployment.parsed.info
        ready = [{"task": t.task_spec.bpmn_id, "due": _due(getattr(info.user_tasks.get(t.task_spec.bpmn_id), "due", None),
                                                           t.data)}
                 for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)]
        timers = sorted((t.task_spec.bpmn_id, timer_due(t).isoformat())
                        for t in self.workflow.get_tasks(state=TaskState.WAITING) if timer_due(t) is not None)
        return {"completed": self.workflow.is_completed(), "data": self.data,
                "ready_tasks": sorted(ready, key=lambda r: r["task"]),
                "waiting_timers": [{"task": e, "due": d} for e, d in timers],
                "task_states": task_states(self.workflow)}


def task_states(workflow: BpmnWorkflow) -> dict[str, int]:
    """How many tasks of each (element, state) the workflow holds: comparable across task ids."""
    counts = Counter(f"{t.task_spec.name}:{TaskState.get_name(t.state)}" for t in workflow.get_tasks())
    return dict(sorted(counts.items()))


def replay_case(case: Case, events: list[HistoryEvent], deployment_of, registry, policy,
                stored: StoredCase | None, until: int | None = None, at: datetime | None = None,
                spec_registry=None) -> ReplayResult:
    """Replay `events` (all, or up to seq `until` / time `at`); compare with `stored` when given.

    `deployment_of(version number)` gives a parsed version (None: the case's current one): a case
    replays on the version it started on and moves where its history says it was migrated.
    """
    result = ReplayResult(case.id, len(events), 0)
    broken = verify_chain(events) if stored is not None else None
    if broken is not None:
        result.ok, result.first_bad_event = False, broken
        result.problems.append(f"event {broken}: the hash chain is broken (an event was edited, removed or moved)")
    chosen = [e for e in events if (until is None or e.seq <= until) and (at is None or e.at <= at)]
    redacted = [e.seq for e in events if is_redacted(e)]
    if redacted:  # an erased payload cannot be replayed: the case is rebuilt as far as the first
        chosen = [e for e in chosen if e.seq < redacted[0]]
    replayer = _Replayer(case, deployment_of, registry, policy, spec_registry, events[0] if events else None)
    replayer.facts = [(e.data or {}).get("facts", {}) for e in chosen if e.kind == "service_completed"]
    try:
        for event in chosen:
            replayer.apply(event)
            result.replayed += 1
    except Divergence as exc:
        result.ok = False
        result.first_bad_event = min(filter(None, (result.first_bad_event, exc.seq)))
        result.problems.append(str(exc))
    result.state = replayer.state()
    if stored is not None and result.ok and not redacted:
        _compare(result, case, stored, replayer, events[-1].seq if events else 0)
    result.redacted_events = len(redacted)
    result.status = ("tampered" if broken is not None or result.difference else "diverged" if not result.ok
                     else "redacted" if redacted else "verified" if stored is not None else "replayed")
    return result


@dataclass
class StoredCase:
    """What the database holds for a case beside its history: the saved workflow and its projections."""

    workflow: BpmnWorkflow
    ready_rows: list[ReadyTask]
    timer_rows: list[Timer]


def _compare(result: ReplayResult, case: Case, stored: StoredCase, rebuilt: _Replayer, last_seq: int) -> None:
    """The first difference between the stored case and the rebuilt one, with its path."""
    found = (compare_workflows(stored.workflow, rebuilt.workflow)
             or first_difference(case.data or {}, rebuilt.data, "data")
             or _compare_status(case, rebuilt.workflow)
             or compare_rows("ready_tasks", *_ready_rows(stored, rebuilt.deployment.parsed.info))
             or compare_rows("timers", *_timer_rows(stored, rebuilt.workflow)))
    if found is not None:
        result.ok, result.first_bad_event, result.difference = False, last_seq, found.to_json()
        result.problems.append(f"after event {last_seq}: the stored case differs from the rebuilt one at {found}")


def _compare_status(case: Case, rebuilt: BpmnWorkflow) -> Difference | None:
    finished = ("completed" if rebuilt.success else "cancelled") if rebuilt.is_completed() else None
    stored = case.status if case.status in ("completed", "cancelled") else None
    return Difference("status", case.status, finished or "running") if stored != finished else None


def _ready_rows(stored: StoredCase, info) -> tuple[list, list]:
    """(stored rows, rows the stored workflow's ready user tasks give), each labelled `element #n`."""
    ready = numbered(stored.workflow.get_tasks(state=TaskState.READY, manual=True), lambda t: t.task_spec.bpmn_id)
    label = {str(t.id): key for key, t in ready}
    expected = []
    for key, t in ready:
        spec = info.user_tasks.get(t.task_spec.bpmn_id)
        expected.append((key, {"id": str(t.id), "element": t.task_spec.bpmn_id,
                               "title": spec.title if spec else t.task_spec.bpmn_id, "lane": spec.lane if spec else None,
                               "due": _due(spec.due if spec else None, t.data)}))
    rows = [(label.get(r.id, f"{r.element} {r.id}"),
             {"id": r.id, "element": r.element, "title": r.title, "lane": r.lane, "due": r.due})
            for r in stored.ready_rows]
    return rows, expected


def _timer_rows(stored: StoredCase, rebuilt: BpmnWorkflow) -> tuple[list, list]:
    """(stored timer rows, the rebuilt workflow's waiting timers), each labelled `element #n` in due order."""
    waiting = sorted(waiting_timers(rebuilt.get_tasks(state=TaskState.WAITING)), key=lambda t: t[1])
    expected = [(key, {"due": due.isoformat()}) for key, (_e, due) in numbered(waiting, lambda t: t[0])]
    rows = sorted(stored.timer_rows, key=lambda r: (r.due_at, r.id))
    return [(key, {"due": r.due_at.isoformat()}) for key, r in numbered(rows, lambda r: r.element)], expected
