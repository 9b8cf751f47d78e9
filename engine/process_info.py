"""What people need to know about a diagram, read straight from its XML.

SpiffWorkflow's specs run the process; this module describes it: each task a person does (a user
task with its form, or a plain `bpmn:task` or `bpmn:manualTask`, done by marking it done with an
optional note) with its title, lane, form and due-date expression, the start form, service-task
topics and message names. Lanes are resolved from `flowNodeRef` anywhere in the document, falling
back to the lane whose diagram shape contains the node's shape (SpiffWorkflow gives a subprocess's
children the subprocess's lane).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .forms import CAMUNDA_NS, FormField, parse_form
from .stages import process_stages

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {
    "bpmn": BPMN_NS,
    "camunda": CAMUNDA_NS,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
}
_DUE = re.compile(r"^\s*\$\{\s*(.+?)\s*\}\s*$")
#: The one field of a plain or manual task: someone marks it done and may say something about it.
NOTE = FormField("note", "Note", "string", constraints={"maxlength": 2000}, multiline=True)
#: The BPMN tasks a person marks as done (no form of their own: the note is their form).
MANUAL_KINDS = ("task", "manualTask")


@dataclass
class UserTaskInfo:
    id: str
    title: str
    lane: str | None
    form: list[FormField]
    due: str | None  # an expression over case variables
    kind: str = "user"  # "user": a form to fill in; "manual": a plain or manual task, marked as done
    #: The answers are shown to check before the task completes (a decision that cannot be undone):
    #: `<camunda:property name="check_answers" value="true"/>` on the task, or a form in sections.
    check_answers: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "lane": self.lane, "due": self.due,
                "form": [f.to_json() for f in self.form], "kind": self.kind, "check_answers": self.check_answers}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> UserTaskInfo:
        return cls(d["id"], d["title"], d["lane"], [FormField.from_json(f) for f in d["form"]], d["due"],
                   d.get("kind", "user"), d.get("check_answers", False))


@dataclass
class MessageCatchInfo:
    """An event that catches a message: who may send it and the shape of its data.

    The senders are the roles named by `<camunda:property name="senders" value="role, role"/>` on the
    event, else the role of the lane it stands in; the data's shape is its `camunda:formData`, as on a
    user task (no form: the message carries no data)."""

    id: str
    message: str
    lane: str | None
    senders: tuple[str, ...]
    form: list[FormField]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "message": self.message, "lane": self.lane, "senders": list(self.senders),
                "form": [f.to_json() for f in self.form]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MessageCatchInfo:
        return cls(d["id"], d["message"], d["lane"], tuple(d["senders"]), [FormField.from_json(f) for f in d["form"]])


@dataclass
class ProcessInfo:
    key: str
    name: str
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    start_form: list[FormField] = field(default_factory=list)
    topics: dict[str, str] = field(default_factory=dict)  # element id -> topic
    messages: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # every flow node id -> name
    start_lane: str | None = None  # the lane of the start event
    starters: tuple[str, ...] = ()  # the roles that start a case: declared on the start event, else its lane's
    catches: dict[str, MessageCatchInfo] = field(default_factory=dict)  # catching event id -> who, what
    start_event: str | None = None  # the id of the process's own start event
    stages: dict[str, str] = field(default_factory=dict)  # element id -> its stage (engine.stages)
    stage_order: list[str] = field(default_factory=list)  # the stages in the order the flow reaches them
    boundaries: dict[str, str] = field(default_factory=dict)  # boundary event id -> the activity it is on
    #: A timer that sends a deadline's reminder or escalation (it leads to a `deadline_reminder` or
    #: `deadline_escalation` service task) -> the case-data field holding that deadline ("" if it names none).
    reminders: dict[str, str] = field(default_factory=dict)
    escalations: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name,
            "user_tasks": {k: v.to_json() for k, v in self.user_tasks.items()},
            "start_form": [f.to_json() for f in self.start_form],
            "topics": self.topics, "messages": self.messages, "titles": self.titles,
            "start_lane": self.start_lane, "starters": list(self.starters),
            "catches": {k: v.to_json() for k, v in self.catches.items()}, "start_event": self.start_event,
            "stages": self.stages, "stage_order": self.stage_order, "boundaries": self.boundaries,
            "reminders": self.reminders, "escalations": self.escalations,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ProcessInfo:
        return cls(
            key=d["key"], name=d["name"],
            user_tasks={k: UserTaskInfo.from_json(v) for k, v in d["user_tasks"].items()},
            start_form=[FormField.from_json(f) for f in d["start_form"]],
            topics=d["topics"], messages=d["messages"], titles=d["titles"], start_lane=d.get("start_lane"),
            starters=tuple(d.get("starters", ())),
            catches={k: MessageCatchInfo.from_json(v) for k, v in d.get("catches", {}).items()},
            start_event=d.get("start_event"), stages=dict(d.get("stages", {})),
            stage_order=list(d.get("stage_order", [])), boundaries=dict(d.get("boundaries", {})),
            reminders=dict(d.get("reminders", {})), escalations=dict(d.get("escalations", {})),
        )


def _bounds(root) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for shape in root.iterfind(".//bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        if b is not None and shape.get("bpmnElement"):
            out[shape.get("bpmnElement")] = (
                float(b.get("x", 0)), float(b.get("y", 0)), float(b.get("width", 0)), float(b.get("height", 0)))
    return out


def lanes_by_node(root) -> dict[str, str]:
    """Map each flow node id to its lane's name, by reference or, failing that, by geometry."""
    lanes: dict[str, str] = {}
    lane_nodes = root.findall(".//bpmn:lane", NS)
    for lane in lane_nodes:
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            if ref.text:
                lanes[ref.text.strip()] = lane.get("name") or lane.get("id")
    bounds = _bounds(root)
    lane_boxes = [(lane.get("name") or lane.get("id"), bounds[lane.get("id")])
                  for lane in lane_nodes if lane.get("id") in bounds]
    for node_id, (x, y, w, h) in bounds.items():
        if node_id in lanes:
            continue
        cx, cy = x + w / 2, y + h / 2
        for name, (lx, ly, lw, lh) in lane_boxes:
            if lx <= cx <= lx + lw and ly <= cy <= ly + lh:
                lanes[node_id] = name
                break
    return lanes


def describe(root, process_el) -> tuple[ProcessInfo, list[tuple[int | None, str | None, str]]]:
    """Describe one `bpmn:process` element: (info, problems as (line, element id, message))."""
    problems: list[tuple[int | None, str | None, str]] = []
    lanes = lanes_by_node(root)
    info = ProcessInfo(key=process_el.get("id"), name=process_el.get("name") or process_el.get("id"))
    for el in process_el.iter():
        if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{BPMN_NS}}}"):
            continue
        local = el.tag.split("}")[1]
        el_id = el.get("id")
        if el_id and local not in ("sequenceFlow", "laneSet", "lane", "process"):
            info.titles[el_id] = el.get("name") or el_id
        if local == "userTask":
            fields, form_problems = parse_form(el)
            problems.extend((line, el_id, msg) for line, msg in form_problems)
            due = el.get(f"{{{CAMUNDA_NS}}}dueDate")
            if due:
                m = _DUE.match(due)
                due = m.group(1) if m else due
            check = _declared_roles(el, "check_answers") == ("true",) or any(f.section for f in fields)
            info.user_tasks[el_id] = UserTaskInfo(el_id, el.get("name") or el_id, lanes.get(el_id), fields, due,
                                                  check_answers=check)
        elif local in MANUAL_KINDS:
            info.user_tasks[el_id] = UserTaskInfo(el_id, el.get("name") or el_id, lanes.get(el_id), [NOTE], None,
                                                  "manual")
        elif local == "startEvent" and el.getparent() is process_el:
            fields, form_problems = parse_form(el)
            problems.extend((line, el_id, msg) for line, msg in form_problems)
            info.start_form = fields
            info.start_lane, info.start_event = lanes.get(el_id), el_id
            info.starters = _declared_roles(el, "starters") or ((info.start_lane,) if info.start_lane else ())
        elif local == "serviceTask":
            info.topics[el_id] = el.get(f"{{{CAMUNDA_NS}}}topic") or ""
        elif local in ("intermediateCatchEvent", "boundaryEvent", "startEvent"):
            problems.extend(_message_catch(root, el, lanes, info))
        if local == "boundaryEvent" and el.get("attachedToRef"):
            info.boundaries[el_id] = el.get("attachedToRef")
    for msg in root.iterfind("bpmn:message", NS):
        if msg.get("name"):
            info.messages.append(msg.get("name"))
    info.stages, info.stage_order = process_stages(process_el)
    _deadline_timers(process_el, info)
    return info, problems


def _deadline_timers(process_el, info: ProcessInfo) -> None:
    """Fill `info.reminders` and `info.escalations`: the timers whose flow goes straight to a deadline's
    reminder or escalation (the deadline itself is the service task's `due` property, a case-data field)."""
    tasks = {el.get("id"): el for el in process_el.iterfind(".//bpmn:serviceTask", NS)}
    kinds = {"deadline_reminder": info.reminders, "deadline_escalation": info.escalations}
    for flow in process_el.iterfind(".//bpmn:sequenceFlow", NS):
        source, target = flow.get("sourceRef"), tasks.get(flow.get("targetRef"))
        if target is None or info.topics.get(target.get("id")) not in kinds:
            continue
        timer = process_el.find(f".//*[@id='{source}']/bpmn:timerEventDefinition", NS)
        if timer is not None:
            due = [p.get("value") or "" for p in target.iterfind(
                "bpmn:extensionElements/camunda:properties/camunda:property", NS) if p.get("name") == "due"]
            kinds[info.topics[target.get("id")]][source] = due[0] if due else ""


def _declared_roles(el, name: str) -> tuple[str, ...]:
    """The roles an element declares in `<camunda:property name="NAME" value="role, role"/>`."""
    declared = [p.get("value") or "" for p in el.iterfind("bpmn:extensionElements/camunda:properties/camunda:property",
                                                         NS) if (p.get("name") or p.get("id")) == name]
    return tuple(r.strip() for value in declared for r in value.split(",") if r.strip())


def _message_catch(root, el, lanes: dict[str, str], info: ProcessInfo) -> list[tuple[int | None, str | None, str]]:
    """Record a message-catching event's senders and data shape in `info`; the problems found."""
    definition = el.find("bpmn:messageEventDefinition", NS)
    if definition is None:
        return []
    el_id = el.get("id")
    ref = definition.get("messageRef")
    message = next((m.get("name") for m in root.iterfind("bpmn:message", NS) if m.get("id") == ref), None) or ref
    fields, form_problems = parse_form(el)
    problems = [(line, el_id, msg) for line, msg in form_problems]
    senders = _declared_roles(el, "senders")
    lane = lanes.get(el_id)
    if not senders and lane:
        senders = (lane,)
    info.catches[el_id] = MessageCatchInfo(el_id, message or "", lane, senders, fields)
    return problems
