"""The engine is generic: a process, its handler and its own roles and organisations, all declared here,
run to the end on `engine/` alone, without the service's rules (`schooling/`) or its handlers ever being
imported; and no module of `engine/` imports them."""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PACKAGES = ("schooling", "handlers", "web", "cli")

#: A small process of its own: a start form, a user task in the lane of a role the script declares, a
#: service task whose handler the script registers, an exclusive gateway on what the handler set, and two ends.
BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_double" targetNamespace="http://example.org/double">
  <bpmn:collaboration id="collab"><bpmn:participant id="pool" processRef="double" /></bpmn:collaboration>
  <bpmn:process id="double" name="Double a number" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_clerk" name="clerk">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>give_number</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>double_it</bpmn:flowNodeRef><bpmn:flowNodeRef>big</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_big</bpmn:flowNodeRef><bpmn:flowNodeRef>end_small</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="subject_name" label="Name" type="string" />
        <camunda:formField id="office" label="Office" type="string" />
      </camunda:formData></bpmn:extensionElements>
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="give_number" name="Give a number">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="number" label="Number" type="long">
          <camunda:validation><camunda:constraint name="required" /></camunda:validation>
        </camunda:formField>
      </camunda:formData></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:serviceTask id="double_it" name="Double it" camunda:type="external" camunda:topic="double">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:exclusiveGateway id="big" default="f5"><bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing><bpmn:outgoing>f5</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="end_big"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_small"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="give_number" />
    <bpmn:sequenceFlow id="f2" sourceRef="give_number" targetRef="double_it" />
    <bpmn:sequenceFlow id="f3" sourceRef="double_it" targetRef="big" />
    <bpmn:sequenceFlow id="f4" sourceRef="big" targetRef="end_big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">doubled &gt; 10</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f5" sourceRef="big" targetRef="end_small" />
  </bpmn:process>
</bpmn:definitions>
"""


def with_layout(xml: str) -> str:
    """The document with a diagram shape for each node and an edge for each flow, laid out in a row
    (deploy refuses a process that the modeller could not draw)."""
    nodes = re.findall(r'<bpmn:(?:startEvent|userTask|serviceTask|exclusiveGateway|endEvent) id="(\w+)"', xml)
    flows = re.findall(r'<bpmn:sequenceFlow id="(\w+)" sourceRef="(\w+)" targetRef="(\w+)"', xml)
    x = {node: 100 + 150 * i for i, node in enumerate(nodes)}
    shapes = "".join(f'<bpmndi:BPMNShape id="{n}_di" bpmnElement="{n}"><dc:Bounds x="{x[n]}" y="100" width="100" '
                     f'height="80" /></bpmndi:BPMNShape>' for n in nodes)
    edges = "".join(f'<bpmndi:BPMNEdge id="{f}_di" bpmnElement="{f}"><di:waypoint x="{x[a] + 100}" y="140" />'
                    f'<di:waypoint x="{x[b]}" y="140" /></bpmndi:BPMNEdge>' for f, a, b in flows)
    diagram = ('<bpmndi:BPMNDiagram id="diagram" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
               'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI">'
               f'<bpmndi:BPMNPlane id="plane" bpmnElement="collab">{shapes}{edges}</bpmndi:BPMNPlane>'
               '</bpmndi:BPMNDiagram>')
    return xml.replace("</bpmn:definitions>", diagram + "</bpmn:definitions>")

SCRIPT = """
import json, sys
from datetime import UTC, datetime

from sqlalchemy import select

from engine.access import add_user
from engine.clock import FixedClock
from engine.extensions import BasicPolicy, register_parties
from engine.organisations import Organisation, add_organisation
from engine.parties import OrganisationKind, Party, PartyTable, Role
from engine.registry import HandlerRegistry
from engine.wiring import Runtime

db, bpmn = sys.argv[1], sys.argv[2]
register_parties(PartyTable(roles=(Role("clerk", "clerk", party="office", kinds=("office",)),),
                            parties=(Party("office", "office", ("office",)),),
                            kinds=(OrganisationKind("office", "office"),), listed=("office",)))
registry = HandlerRegistry()
registry.add("double", lambda ctx: {"doubled": ctx.data["number"] * 2})
runtime = Runtime(url=f"sqlite:///{db}", clock=FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)),
                  policy=BasicPolicy(), registry=registry)
runtime.upgrade()
with runtime.sessions() as session:
    add_organisation(session, "North Office", "office", runtime.clock.now())
    add_user(session, "cal.clerk", "clerk", "North Office", runtime.clock.now())
    session.commit()
runtime.transact(lambda eng: eng.deploy(bpmn.encode(), "double.bpmn", "system"))
case = runtime.transact(lambda eng: eng.start_case("double", {"subject_name": "Sam Smith"}, "cal.clerk"))
task = case["ready_tasks"][0]
done = runtime.transact(lambda eng: eng.complete_task(task["task_id"], {"number": 7}, "cal.clerk"))
service = sorted(m for m in sys.modules if m.split(".")[0] in {names})
with runtime.sessions() as session:
    kinds = session.scalars(select(Organisation.kind)).all()
print(json.dumps({{"task": task["task"], "status": done["status"], "data": done["data"], "service": service,
                  "kinds": sorted(set(kinds))}}))
"""


def test_a_process_and_handler_of_its_own_run_to_the_end_on_the_engine_alone(tmp_path):
    script = SCRIPT.replace("{names}", repr(set(SERVICE_PACKAGES))).replace("{{", "{").replace("}}", "}")
    processes = tmp_path / "processes"  # a site of its own: not the service's diagrams and register
    processes.mkdir()
    env = {**os.environ, "REINTEGRATE_PROCESSES_DIR": str(processes)}
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "alone.db"), with_layout(BPMN)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["task"] == "give_number"
    assert out["status"] == "completed"
    assert out["data"]["number"] == 7 and out["data"]["doubled"] == 14
    assert out["data"]["office"] == "North Office"  # the starter's organisation, as its role's party
    assert out["kinds"] == ["office"]  # no service's register was loaded, only the entry added here
    assert out["service"] == []  # neither schooling/ nor handlers/ (nor web/, cli/) was ever imported


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_of_the_engine_imports_the_service():
    modules = sorted((ROOT / "engine").rglob("*.py"))
    assert len(modules) > 30
    offending = {str(path.relative_to(ROOT)): sorted(name for name in _imports(path)
                                                     if name.split(".")[0] in SERVICE_PACKAGES)
                 for path in modules}
    assert {path: names for path, names in offending.items() if names} == {}
