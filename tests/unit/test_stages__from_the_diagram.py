"""The protocol's stages, read from the diagrams' `stage` properties, and where a case stands in each."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.process_info import NS, ProcessInfo, describe
from engine.stages import CANNOT_START, COMPLETED, IN_PROGRESS, NOT_NEEDED, NOT_STARTED, case_stages, process_stages

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "processes").glob("*.bpmn"))

MINI = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
  <bpmn:process id="mini" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>
    <bpmn:userTask id="ask" name="Ask">
      <bpmn:extensionElements><camunda:properties><camunda:property name="stage" value="Asking"/></camunda:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="ask_again"/>
    <bpmn:userTask id="ask_again" name="Ask again"/>
    <bpmn:sequenceFlow id="f3" sourceRef="ask_again" targetRef="note"/>
    <bpmn:serviceTask id="note" name="Note it"/>
    <bpmn:sequenceFlow id="f4" sourceRef="note" targetRef="work"/>
    <bpmn:subProcess id="work" name="Work">
      <bpmn:extensionElements><camunda:properties><camunda:property name="stage" value="Working"/></camunda:properties>
      </bpmn:extensionElements>
      <bpmn:startEvent id="work_start"/>
      <bpmn:sequenceFlow id="w1" sourceRef="work_start" targetRef="do"/>
      <bpmn:userTask id="do" name="Do it"/>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="too_long" name="Too long" attachedToRef="work" cancelActivity="false">
      <bpmn:timerEventDefinition id="t1"/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="work" targetRef="later"/>
    <bpmn:intermediateCatchEvent id="later" name="A term later">
      <bpmn:extensionElements><camunda:properties><camunda:property name="stage" value="Follow-up"/></camunda:properties>
      </bpmn:extensionElements>
      <bpmn:timerEventDefinition id="t2"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f6" sourceRef="later" targetRef="check"/>
    <bpmn:userTask id="check" name="Check"/>
  </bpmn:process>
</bpmn:definitions>"""


def _mini():
    root = etree.fromstring(MINI.encode())
    return process_stages(root.find("bpmn:process", NS))


def test_stages_are_declared_inherited_along_the_flow_and_ordered_by_it():
    stage_of, order = _mini()
    assert order == ["Asking", "Working", "Follow-up"]
    assert stage_of["ask"] == stage_of["ask_again"] == "Asking"  # a task declaring none takes the one before it
    assert "note" not in stage_of  # an automatic step belongs to no stage of its own
    assert stage_of["work"] == stage_of["do"] == stage_of["too_long"] == "Working"  # the sub-process's, its timer's
    assert stage_of["later"] == stage_of["check"] == "Follow-up"


def _states(events, waiting, closed=False):
    stage_of, order = _mini()
    return {s.name: s.status for s in case_stages(stage_of, order, events, waiting, closed)}


def test_a_case_stands_in_one_stage_after_those_it_finished():
    assert _states([{"kind": "case_started", "element": "start"}], ["ask"]) == {
        "Asking": IN_PROGRESS, "Working": CANNOT_START, "Follow-up": CANNOT_START}
    done = [{"kind": "task_completed", "element": "ask"}, {"kind": "task_completed", "element": "ask_again"}]
    assert _states(done, ["do", "too_long"]) == {"Asking": COMPLETED, "Working": IN_PROGRESS, "Follow-up": CANNOT_START}
    # waiting on a timer between stages: the stage the timer declares is under way
    assert _states(done + [{"kind": "task_completed", "element": "do"}], ["later"])["Follow-up"] == IN_PROGRESS
    # a step failed after the first stage and nothing waits: the next stage can start, but has not
    assert _states(done, []) == {"Asking": COMPLETED, "Working": NOT_STARTED, "Follow-up": CANNOT_START}


def test_a_stage_the_case_went_past_or_never_reached_was_not_needed():
    done = [{"kind": "task_completed", "element": "ask"}, {"kind": "timer_fired", "data": {"elements": ["later"]}}]
    assert _states(done, ["check"])["Working"] == NOT_NEEDED
    assert _states([{"kind": "task_completed", "element": "ask"}], [], closed=True) == {
        "Asking": COMPLETED, "Working": NOT_NEEDED, "Follow-up": NOT_NEEDED}


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_every_task_of_the_shipped_processes_is_in_a_stage(diagram):
    root = etree.parse(str(diagram)).getroot()
    process = next(p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true")
    info, _ = describe(root, process)
    assert len(info.stage_order) >= 4, info.stage_order
    assert [t for t in info.user_tasks if t not in info.stages] == []
    assert ProcessInfo.from_json(info.to_json()) == info  # kept with the rest of the description


def test_the_reintegration_protocol_in_its_order():
    root = etree.parse(str(ROOT / "processes" / "reintegration.bpmn")).getroot()
    info, _ = describe(root, root.find("bpmn:process", NS))
    assert info.stage_order == ["Consent", "Information and the child's views", "Advocacy, if needed",
                                "A school place through Fair Access", "Initial meeting", "Placement and reviews",
                                "Outcome"]
    assert info.stages["hold_emergency_review"] == "Placement and reviews"
    assert info.boundaries["fair_access_deadline_missed"] == "allocate_place"
