"""Small BPMN documents built in code, with lanes and a diagram layout, for tests that need a process
of a given shape (plain tasks, call activities, messages) without a fixture file for each."""
from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from cli.scenarios import START_DATA

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
          'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
          'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_{key}" '
          'targetNamespace="http://bpmn.io/schema/bpmn">\n')


@dataclass
class _Node:
    kind: str
    id: str
    name: str
    lane: str
    attrs: dict[str, str]
    body: str
    attached_to: str | None = None


@dataclass
class Diagram:
    """One executable process: add nodes and flows, then `xml()`; every node gets a lane and a shape."""

    key: str
    lane: str = "ap_setting"  # the default lane of a node
    nodes: list[_Node] = field(default_factory=list)
    flows: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # id, source, target, condition
    messages: dict[str, str] = field(default_factory=dict)  # message id -> name
    defaults: dict[str, str] = field(default_factory=dict)  # gateway id -> default flow id

    def node(self, kind: str, node_id: str, name: str | None = None, lane: str | None = None,
             body: str = "", attached_to: str | None = None, **attrs: str) -> str:
        self.nodes.append(_Node(kind, node_id, name or node_id, lane or self.lane, attrs, body, attached_to))
        return node_id

    def flow(self, source: str, target: str, condition: str | None = None, default: bool = False) -> str:
        flow_id = f"flow_{len(self.flows) + 1}"
        self.flows.append((flow_id, source, target, condition))
        if default:
            self.defaults[source] = flow_id
        return flow_id

    def chain(self, *ids: str) -> None:
        for a, b in zip(ids, ids[1:], strict=False):
            self.flow(a, b)

    def message(self, name: str) -> str:
        message_id = f"Message_{name}"
        self.messages[message_id] = name
        return message_id

    def xml(self) -> bytes:
        lanes = list(dict.fromkeys(n.lane for n in self.nodes))
        out = [HEADER.format(key=self.key)]
        out += [f'  <bpmn:message id="{mid}" name="{name}" />\n' for mid, name in self.messages.items()]
        out.append(f'  <bpmn:collaboration id="Collab_{self.key}"><bpmn:participant id="Pool_{self.key}" '
                   f'processRef="{self.key}" /></bpmn:collaboration>\n')
        out.append(f'  <bpmn:process id="{self.key}" name="{self.key}" isExecutable="true">\n'
                   f'    <bpmn:laneSet id="LaneSet_{self.key}">\n')
        for lane in lanes:
            refs = "".join(f"<bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>" for n in self.nodes if n.lane == lane)
            out.append(f'      <bpmn:lane id="Lane_{self.key}_{lane}" name="{lane}">{refs}</bpmn:lane>\n')
        out.append("    </bpmn:laneSet>\n")
        for n in self.nodes:
            out.append(self._node_xml(n))
        for flow_id, source, target, condition in self.flows:
            cond = (f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}'
                    "</bpmn:conditionExpression>") if condition else ""
            out.append(f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">{cond}'
                       "</bpmn:sequenceFlow>\n")
        out.append("  </bpmn:process>\n")
        out.append(self._diagram(lanes))
        out.append("</bpmn:definitions>\n")
        return "".join(out).encode()

    def _node_xml(self, n: _Node) -> str:
        attrs = {"id": n.id, "name": n.name, **n.attrs}
        if n.attached_to:
            attrs["attachedToRef"] = n.attached_to
        if n.id in self.defaults:
            attrs["default"] = self.defaults[n.id]
        text = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
        incoming = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f, _s, t, _c in self.flows if t == n.id)
        outgoing = "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f, s, _t, _c in self.flows if s == n.id)
        # the schema wants extensionElements first, then incoming/outgoing, then event definitions
        ext, rest = _split_extensions(n.body)
        return f"    <bpmn:{n.kind} {text}>{ext}{incoming}{outgoing}{rest}</bpmn:{n.kind}>\n"

    def _diagram(self, lanes: list[str]) -> str:
        out = [f'  <bpmndi:BPMNDiagram id="Diagram_{self.key}"><bpmndi:BPMNPlane id="Plane_{self.key}" '
               f'bpmnElement="Collab_{self.key}">\n']
        width = 200 + 150 * len(self.nodes)
        out.append(f'    <bpmndi:BPMNShape id="Pool_{self.key}_di" bpmnElement="Pool_{self.key}" isHorizontal="true">'
                   f'<dc:Bounds x="0" y="0" width="{width}" height="{200 * len(lanes)}" /></bpmndi:BPMNShape>\n')
        for i, lane in enumerate(lanes):
            out.append(f'    <bpmndi:BPMNShape id="Lane_{self.key}_{lane}_di" bpmnElement="Lane_{self.key}_{lane}" '
                       f'isHorizontal="true"><dc:Bounds x="30" y="{200 * i}" width="{width - 30}" height="200" />'
                       "</bpmndi:BPMNShape>\n")
        where: dict[str, tuple[int, int]] = {}
        for i, n in enumerate(self.nodes):
            x, y = 100 + 150 * i, 200 * lanes.index(n.lane) + 60
            if n.attached_to in where:
                x, y = where[n.attached_to][0] + 30, where[n.attached_to][1] + 60
            where[n.id] = (x, y)
            out.append(f'    <bpmndi:BPMNShape id="{n.id}_di" bpmnElement="{n.id}"><dc:Bounds x="{x}" y="{y}" '
                       'width="80" height="60" /></bpmndi:BPMNShape>\n')
        for flow_id, source, target, _c in self.flows:
            (x1, y1), (x2, y2) = where.get(source, (0, 0)), where.get(target, (0, 0))
            out.append(f'    <bpmndi:BPMNEdge id="{flow_id}_di" bpmnElement="{flow_id}"><di:waypoint x="{x1 + 80}" '
                       f'y="{y1 + 30}" /><di:waypoint x="{x2}" y="{y2 + 30}" /></bpmndi:BPMNEdge>\n')
        out.append("  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n")
        return "".join(out)


def _split_extensions(body: str) -> tuple[str, str]:
    start = body.find("<bpmn:extensionElements>")
    if start < 0:
        return "", body
    end = body.index("</bpmn:extensionElements>") + len("</bpmn:extensionElements>")
    return body[start:end], body[:start] + body[end:]


def form(*fields: tuple[str, str]) -> str:
    """A `camunda:formData` body of optional fields, each (id, type)."""
    inner = "".join(f'<camunda:formField id="{fid}" label="{fid}" type="{ftype}" />' for fid, ftype in fields)
    return f"<bpmn:extensionElements><camunda:formData>{inner}</camunda:formData></bpmn:extensionElements>"


def timer(duration: str = "P1D") -> str:
    return (f'<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"{duration}"'
            "</bpmn:timeDuration></bpmn:timerEventDefinition>")


def message_definition(message_id: str) -> str:
    return f'<bpmn:messageEventDefinition messageRef="{message_id}" />'


def simple(key: str, *middle: tuple[str, str], lane: str = "ap_setting", start_form: str = "") -> Diagram:
    """start -> each (kind, id) in turn -> end."""
    d = Diagram(key, lane)
    d.node("startEvent", "start", body=start_form)
    for kind, node_id in middle:
        d.node(kind, node_id)
    d.node("endEvent", "end")
    d.chain("start", *(node_id for _k, node_id in middle), "end")
    return d


#: A start form with the parties that decide who may read a case (an AP setting, an authority), and
#: start data for it that the test accounts ava.ap (the AP) and lee.la (the authority) match.
PARTIES_FORM = form(("pupil_name", "string"), ("ap_setting", "string"), ("local_authority", "string"))
PARTIES_START = {"pupil_name": "Sam Smith", "ap_setting": START_DATA["ap_setting"],
                 "local_authority": START_DATA["local_authority"]}
