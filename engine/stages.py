"""The stages of a process as people talk about them ("Consent", "A school place", "Outcome"), read from
its diagram, and where a case stands in each: the GOV.UK task list at the top of the case page.

A step declares its stage in the diagram with `<camunda:property name="stage" value="Consent"/>` (the
modeller's properties panel edits it). A sub-process's stage is its children's; a boundary event's is
that of the activity it is attached to; a user task or a waiting event that declares none takes the
stage of the step before it along the flow. Stages are ordered by where the flow first reaches them,
walking breadth-first from the start event. A process that declares no stage has none: the case page
then shows the next steps alone.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
STAGE_PROPERTY = "stage"
#: Steps that wait (so a case can stand in them) and so take the stage before them when they declare none.
_WAITING = {"userTask", "intermediateCatchEvent", "receiveTask", "manualTask"}

COMPLETED, IN_PROGRESS, NOT_STARTED, CANNOT_START, NOT_NEEDED = (
    "completed", "in_progress", "not_started", "cannot_start", "not_needed")
#: A stage's status as the GOV.UK task list says it.
STATUS_TEXT = {COMPLETED: "Completed", IN_PROGRESS: "In progress", NOT_STARTED: "Not yet started",
               CANNOT_START: "Cannot start yet", NOT_NEEDED: "Not needed"}


def _local(el) -> str:
    return el.tag[len(BPMN):] if isinstance(el.tag, str) and el.tag.startswith(BPMN) else ""


def _declared(el) -> str | None:
    for prop in el.iterfind(f"{BPMN}extensionElements/{CAMUNDA}properties/{CAMUNDA}property"):
        if (prop.get("name") or prop.get("id")) == STAGE_PROPERTY and (prop.get("value") or "").strip():
            return prop.get("value").strip()
    return None


def process_stages(process_el) -> tuple[dict[str, str], list[str]]:
    """(element id -> stage name for every step that belongs to a stage, the stages in flow order)."""
    nodes = {el.get("id"): el for el in process_el.iter() if _local(el) and el.get("id")}
    outgoing: dict[str, list[str]] = {}
    attached: dict[str, list[str]] = {}
    for el in nodes.values():
        if _local(el) == "sequenceFlow":
            outgoing.setdefault(el.get("sourceRef"), []).append(el.get("targetRef"))
        elif _local(el) == "boundaryEvent" and el.get("attachedToRef"):
            attached.setdefault(el.get("attachedToRef"), []).append(el.get("id"))

    def own(el) -> str | None:
        """Declared on the step, on a sub-process around it, or on the activity a boundary event is on."""
        while el is not None and el is not process_el:
            found = _declared(el)
            if found:
                return found
            if _local(el) == "boundaryEvent" and el.get("attachedToRef") in nodes:
                return own(nodes[el.get("attachedToRef")])
            el = el.getparent()
        return None

    stage_of: dict[str, str] = {}
    order: list[str] = []
    starts = [el.get("id") for el in process_el if _local(el) == "startEvent" and el.get("id")]
    queue: deque[tuple[str, str | None]] = deque((s, None) for s in starts)
    seen: set[str] = set()
    while queue:
        node_id, before = queue.popleft()
        if node_id in seen or node_id not in nodes:
            continue
        seen.add(node_id)
        el = nodes[node_id]
        stage = own(el) or (before if _local(el) in _WAITING else None)
        if not stage and _local(el) == "boundaryEvent":
            stage = stage_of.get(el.get("attachedToRef"))
        if stage:
            stage_of[node_id] = stage
            if stage not in order:
                order.append(stage)
        carry = stage or before
        following = outgoing.get(node_id, []) + attached.get(node_id, [])
        if _local(el) in ("subProcess", "transaction"):
            following = [c.get("id") for c in el if _local(c) == "startEvent"] + following
        queue.extend((n, carry) for n in following)
    # Steps the walk never reached (an event sub-process, say) still belong to what they declare.
    for node_id, el in nodes.items():
        flow_node = _local(el.getparent()) in ("process", "subProcess", "transaction") and _local(el) != "sequenceFlow"
        if node_id not in stage_of and flow_node and own(el):
            stage_of[node_id] = own(el)
            if stage_of[node_id] not in order:
                order.append(stage_of[node_id])
    return stage_of, order


@dataclass
class StageState:
    """One stage of one case: `status` (one of the constants above), the steps waiting in it now, and
    when its last recorded step happened."""

    name: str
    status: str
    waiting: list[str] = field(default_factory=list)
    last_at: str | None = None

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]


def case_stages(stage_of: dict[str, str], order: list[str], events: list[dict[str, Any]],
                waiting: list[str], closed: bool) -> list[StageState]:
    """Where a case stands in each stage, from its history `events`, the elements `waiting` now (ready
    tasks, timers and messages awaited) and whether it is `closed`.

    A stage with a step waiting is in progress; one the case has passed through is completed; one the
    case went past without entering (or a closed case never reached) was not needed; the first stage
    after the completed ones has not started yet; the rest cannot start yet."""
    last_at: dict[str, str] = {}
    for event in events:
        elements = [event["element"]] if event.get("element") else []
        if event.get("kind") == "timer_fired":
            elements += list((event.get("data") or {}).get("elements") or [])
        for element in elements:
            if element in stage_of:
                last_at[stage_of[element]] = event.get("at")
    now: dict[str, list[str]] = {}
    for element in waiting:
        if element in stage_of:
            now.setdefault(stage_of[element], []).append(element)
    out: list[StageState] = []
    previous_done = True
    for i, name in enumerate(order):
        later = any(s in last_at or s in now for s in order[i + 1:])
        if name in now and not closed:
            status = IN_PROGRESS
        elif name in last_at:
            status = COMPLETED
        elif closed or later:
            status = NOT_NEEDED
        else:
            status = NOT_STARTED if previous_done else CANNOT_START
        previous_done = status in (COMPLETED, NOT_NEEDED)
        out.append(StageState(name, status, now.get(name, []), last_at.get(name)))
    return out
