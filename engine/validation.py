"""Every check a deploy runs, reporting all problems at once as `file:line: element: message`."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from .dmn import check_documents
from .errors import Problem
from .forms import CAMUNDA_NS, FIELD_TYPES
from .parser import executable_processes, parse_document
from .permissions import READ_ONLY_ROLES  # roles that read only: a lane of theirs is never done
from .process_info import BPMN_NS, MANUAL_KINDS, NS, describe
from .registry import HandlerRegistry
from .safe_xml import parse_xml
from .scripting import ExpressionRefused, compile_expression
from .specs import MIN_CYCLE

_ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_FLOW_NODES = ("task", "userTask", "serviceTask", "scriptTask", "manualTask", "businessRuleTask",
               "sendTask", "receiveTask", "callActivity", "subProcess", "startEvent", "endEvent",
               "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway",
               "parallelGateway", "inclusiveGateway", "eventBasedGateway")
_ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
#: Expressions that multi-instance activities evaluate (loopCardinality, completionCondition).
_LOOP_EXPRESSIONS = ("loopCardinality", "completionCondition")


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(XSD_PATH))


def _local(el) -> str:
    return el.tag.split("}")[1] if isinstance(el.tag, str) and "}" in el.tag else ""


def _timer_problem(expression: str, cycle: bool = False) -> str | None:
    text = (expression or "").strip()
    if not text:
        return "timer has no expression"
    if _ISO_DURATION.match(text) or text.upper().startswith("R/") or re.match(r"^R\d+/", text):
        return f"quote literal durations: write \"{text}\" (timer expressions are evaluated)"
    try:
        compile_expression(text)  # first: it bounds the size and depth that ast.parse then meets
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ExpressionRefused) as exc:
        return f"timer expression does not evaluate: {exc}"
    if isinstance(tree, ast.Constant):
        if not isinstance(tree.value, str):
            return f"timer expression {text} is not a date-time or a duration"
        value = tree.value
        if cycle:
            return _cycle_problem(value)
        if _ISO_DURATION.match(value):
            return None
        from datetime import datetime

        try:
            datetime.fromisoformat(value)
        except ValueError:
            return f"timer value {value!r} is neither an ISO 8601 duration nor a date-time"
    return None


def _cycle_problem(value: str) -> str | None:
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    try:
        _, _, interval = TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:
        return f"timer cycle {value!r} is not an ISO 8601 repeating interval such as \"R/2026-06-04T09:00:00Z/P7D\""
    if interval < MIN_CYCLE:
        return (f"timer cycle {value!r} repeats every {interval}: at least {MIN_CYCLE} between firings "
                "(a shorter one would fire without end)")
    return None


def _check_elements(root, process, filename, registry, roles) -> list[Problem]:
    problems: list[Problem] = []
    shapes = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    info, form_problems = describe(root, process)
    problems += [Problem(filename, line, msg, el) for line, el, msg in form_problems]
    flows_from: dict[str, list] = {}
    for el in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        flows_from.setdefault(el.get("sourceRef"), []).append(el)
        if el.get("id") not in edges:
            problems.append(Problem(filename, el.sourceline, "sequence flow has no diagram edge (BPMNDI)", el.get("id")))
        cond = el.find("bpmn:conditionExpression", NS)
        if cond is not None:
            try:
                compile_expression(cond.text or "")
            except ExpressionRefused as exc:
                problems.append(Problem(filename, cond.sourceline, f"condition: {exc}", el.get("id")))
            else:
                if _constant(cond.text) is False:
                    problems.append(Problem(filename, cond.sourceline,
                                            f"condition {cond.text.strip()!r} is never true: nothing can ever "
                                            "take this flow", el.get("id")))
    for el in process.iter():
        kind, el_id, line = _local(el), el.get("id"), el.sourceline
        if kind in _FLOW_NODES and el_id not in shapes:
            problems.append(Problem(filename, line, f"{kind} has no diagram shape (BPMNDI)", el_id))
        if kind == "scriptTask":
            problems.append(Problem(filename, line, "script tasks are not allowed: use a service task with camunda:topic", el_id))
        elif kind == "serviceTask":
            topic = info.topics.get(el_id)
            if not topic:
                problems.append(Problem(filename, line, "service task has no camunda:topic", el_id))
            elif topic not in registry:
                problems.append(Problem(filename, line, f"no handler is registered for topic {topic!r}", el_id))
        elif kind in ("userTask", *MANUAL_KINDS):  # a person does it: in the lane of a role that acts
            lane = info.user_tasks[el_id].lane
            if lane is None:
                what = "user task" if kind == "userTask" else f"{kind} (a person marks it done)"
                problems.append(Problem(filename, line, f"{what} stands in no lane: put it in a role's lane", el_id))
            elif roles is not None and lane not in roles:
                problems.append(Problem(filename, line, f"lane {lane!r} is not a known role", el_id))
            elif lane in READ_ONLY_ROLES:
                problems.append(Problem(filename, line, f"lane {lane!r} is a role that reads cases only: nobody "
                                        "could ever do this task; put it in the lane of a role that acts", el_id))
            due = info.user_tasks[el_id].due
            if due:
                try:
                    compile_expression(due)
                except ExpressionRefused as exc:
                    problems.append(Problem(filename, line, f"camunda:dueDate: {exc}", el_id))
        elif kind in ("exclusiveGateway", "inclusiveGateway"):
            outgoing = flows_from.get(el_id, [])
            default = el.get("default")
            if len(outgoing) > 1:
                for flow in outgoing:
                    if flow.get("id") != default and flow.find("bpmn:conditionExpression", NS) is None:
                        problems.append(Problem(filename, flow.sourceline,
                                                f"flow out of gateway {el_id} has no condition and is not its default",
                                                flow.get("id")))
        elif kind in _LOOP_EXPRESSIONS:
            owner = _owner_id(el)
            try:
                compile_expression(el.text or "")
            except ExpressionRefused as exc:
                problems.append(Problem(filename, line, f"{kind}: {exc}", owner))
            else:
                value = _constant(el.text)
                if kind == "loopCardinality" and (value is None or isinstance(value, bool)
                                                  or (isinstance(value, int) and value < 1)):
                    problems.append(Problem(filename, line, f"loopCardinality {(el.text or '').strip()!r} runs the "
                                            "activity no times: give a whole number of 1 or more, or a variable",
                                            owner))
        elif kind == "timerEventDefinition":
            owner = el.getparent().get("id")
            for expr in el:
                if not isinstance(expr.tag, str) or _local(expr) not in ("timeDate", "timeDuration", "timeCycle"):
                    continue
                msg = _timer_problem(expr.text, cycle=_local(expr) == "timeCycle")
                if msg:
                    problems.append(Problem(filename, expr.sourceline, msg, owner))
    return problems


_NOT_CONSTANT = object()


def _constant(text: str | None):
    """The value of an expression that is one literal (`False`, `0`), None if it is empty, and the
    sentinel _NOT_CONSTANT for anything else (a variable, a comparison)."""
    text = (text or "").strip()
    if not text:
        return None
    tree = ast.parse(text, mode="eval").body  # compile_expression accepted it: bounded and valid
    return tree.value if isinstance(tree, ast.Constant) else _NOT_CONSTANT


def _owner_id(el) -> str | None:
    """The id of the nearest BPMN element around `el` (a form field's task, say)."""
    while el is not None and not (el.tag.startswith(f"{{{BPMN_NS}}}") and el.get("id")):
        el = el.getparent()
    return el.get("id") if el is not None else None


def _has_definition(el, kind: str) -> bool:
    return el.find(f"bpmn:{kind}", NS) is not None


def _check_flows(process, filename) -> list[Problem]:
    """Sequence flows join elements of this process, and every node is reached and left by one."""
    problems: list[Problem] = []
    nodes = {el.get("id"): el for el in process.iter() if _local(el) in _FLOW_NODES}
    incoming, outgoing = set(), set()
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        for end, ref in (("comes from", flow.get("sourceRef")), ("leads to", flow.get("targetRef"))):
            if ref not in nodes:
                problems.append(Problem(filename, flow.sourceline,
                                        f"sequence flow {end} {ref!r}, which is no element of this process", flow.get("id")))
        outgoing.add(flow.get("sourceRef"))
        incoming.add(flow.get("targetRef"))
    for el_id, el in nodes.items():
        kind, event_sub = _local(el), el.get("triggeredByEvent") == "true"
        if kind == "boundaryEvent" and el.get("attachedToRef") not in nodes:
            problems.append(Problem(filename, el.sourceline,
                                    f"boundary event is attached to {el.get('attachedToRef')!r}, which is no task here", el_id))
        # an end event nothing leads to is left over from an edit and harmless: not worth a refusal
        starts = kind in ("startEvent", "boundaryEvent", "endEvent") or event_sub or (
            kind == "intermediateCatchEvent" and _has_definition(el, "linkEventDefinition"))
        if el_id not in incoming and not starts:
            problems.append(Problem(filename, el.sourceline, f"no sequence flow leads to this {kind}: it can never run", el_id))
        ends = kind == "endEvent" or event_sub or _has_definition(el, "compensateEventDefinition") or (
            kind == "intermediateThrowEvent" and _has_definition(el, "linkEventDefinition"))
        if el_id not in outgoing and not ends:
            problems.append(Problem(filename, el.sourceline,
                                    f"no sequence flow leaves this {kind}: connect it onward or to an end event", el_id))
    if process.find("bpmn:startEvent", NS) is None:
        problems.append(Problem(filename, process.sourceline, "process has no start event", process.get("id")))
    return problems


def _check_document_wide(root, process, filename) -> list[Problem]:
    """Messages, form field types and the extension namespace: things SpiffWorkflow takes silently."""
    problems: list[Problem] = []
    messages = {m.get("id"): m for m in root.iterfind("bpmn:message", NS)}
    for el_id, message in messages.items():
        if not message.get("name"):
            problems.append(Problem(filename, message.sourceline,
                                    "message has no name: cases receive messages by name", el_id))
    for definition in process.iter(f"{{{BPMN_NS}}}messageEventDefinition"):
        ref = definition.get("messageRef")
        if ref not in messages:
            problems.append(Problem(filename, definition.sourceline,
                                    f"messageRef {ref!r} names no bpmn:message of this document",
                                    definition.getparent().get("id")))
    for field in process.iter(f"{{{CAMUNDA_NS}}}formField"):
        if field.get("type") is None:
            problems.append(Problem(filename, field.sourceline,
                                    f"form field {field.get('id')!r} has no type (use {', '.join(FIELD_TYPES)})",
                                    _owner_id(field)))
    zeebe = next((el for el in root.iter() if isinstance(el.tag, str) and (
        el.tag.startswith(f"{{{_ZEEBE_NS}}}") or any(k.startswith(f"{{{_ZEEBE_NS}}}") for k in el.attrib))), None)
    if zeebe is not None:
        problems.append(Problem(filename, zeebe.sourceline,
                                "Camunda 8 (Zeebe) extensions: this engine reads Camunda 7's (xmlns:camunda="
                                f"\"{CAMUNDA_NS}\"); make it a Camunda 7 (Platform) diagram", _owner_id(zeebe)))
    return problems


def _check_declared_roles(root, process, filename: str, roles: set[str] | None) -> list[Problem]:
    """Every role a start event declares as `starters` and a message catch as `senders` is a known one,
    and some role may start the process and send each message (engine.permissions reads them)."""
    info, _ = describe(root, process)
    lines = {el.get("id"): el.sourceline for el in process.iter() if isinstance(el.tag, str) and el.get("id")}
    start = next((el for el in process.iterfind("bpmn:startEvent", NS)), None)
    declared = [(start.get("id") if start is not None else None, "start", info.starters)]
    declared += [(c.id, f"message {c.message!r}", c.senders) for c in info.catches.values()]
    problems = []
    for el_id, what, who in declared:
        if el_id is None:
            continue
        if not who:
            problems.append(Problem(filename, lines.get(el_id), f"nobody may send {what}: put the event in a "
                                    "role's lane or declare its senders" if what != "start" else
                                    "nobody may start the process: put the start event in a role's lane", el_id))
        for role in who:
            if roles is not None and role not in roles:
                problems.append(Problem(filename, lines.get(el_id), f"{role!r} ({what}) is not a known role", el_id))
    return problems


def validate_document(content: bytes, filename: str, registry: HandlerRegistry,
                      roles: Iterable[str] | None = None,
                      documents: Mapping[str, bytes] | None = None,
                      call_problems: Iterable[Problem] = ()) -> list[Problem]:
    """Run every check on one BPMN document and the `documents` (file name -> XML) deployed with it:
    DMN tables, and the BPMN of the processes its call activities call (`engine.calls`, which found
    `call_problems`); an empty list means it can be deployed."""
    roles = set(roles) if roles is not None else None
    try:
        root = parse_xml(content)
    except etree.XMLSyntaxError as exc:
        return [Problem(filename, exc.lineno, f"not well-formed XML: {exc.msg}")]
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return [Problem(filename, root.sourceline, f"not a BPMN 2.0 document: root element is {root.tag}")]
    entities = [Problem(filename, ref.sourceline, f"entity reference {ref.text} is not allowed: write the text itself",
                        _owner_id(ref.getparent())) for ref in root.iter(etree.Entity)]
    if entities:  # the schema validator cannot even look at a tree that holds them
        return entities
    schema = _schema()
    problems = [Problem(filename, err.line, f"BPMN schema: {err.message}")
                for err in (schema.error_log if not schema.validate(root) else [])]
    processes = executable_processes(root)
    if len(processes) != 1:
        problems.append(Problem(filename, root.sourceline,
                                f"expected exactly one executable process, found {len(processes)}"))
        return problems
    problems += _check_elements(root, processes[0], filename, registry, roles)
    problems += _check_flows(processes[0], filename)
    problems += _check_declared_roles(root, processes[0], filename, roles)
    problems += _check_document_wide(root, processes[0], filename)
    problems += check_documents(root, filename, {n: d for n, d in (documents or {}).items() if not n.endswith(".bpmn")})
    problems += call_problems
    if not problems:
        try:
            parse_document(content, filename, documents)
        except ValidationException as exc:
            line = exc.line_number if isinstance(exc.line_number, int) else None
            problems.append(Problem(filename, line, str(exc).splitlines()[0], exc.id or None))
        except Exception as exc:  # SpiffWorkflow raises assorted errors on odd documents
            problems.append(Problem(filename, None, f"SpiffWorkflow cannot parse it: {exc}"))
    return sorted(problems, key=lambda p: (p.file != filename, p.file, p.line or 0, p.message))
