"""The BPMN parser: SpiffWorkflow's CamundaParser, plus topics on service tasks and clocked timers."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, CamundaTaskParser

from .process_info import NS, ProcessInfo, describe
from .safe_xml import parse_xml
from .specs import ClockedCycle, ClockedDuration, ClockedTimeDate, TopicServiceTask


class TopicServiceTaskParser(CamundaTaskParser):
    def create_task(self):
        topic = self.node.get(f"{{{CAMUNDA_MODEL_NS}}}topic") or ""
        return self.spec_class(self.spec, self.bpmn_id, topic=topic, **self.bpmn_attributes)


class _ClockedTimers:
    """Swap SpiffWorkflow's wall-clock timers for ones that read the engine's clock."""

    def parse_timer_event(self, event):
        parsed = super().parse_timer_event(event)
        kind = {TimeDateEventDefinition: ClockedTimeDate, DurationTimerEventDefinition: ClockedDuration,
                CycleTimerEventDefinition: ClockedCycle}
        cls = kind.get(type(parsed))
        if cls is None:
            return parsed
        return cls(parsed.name, parsed.expression, description=parsed.description)


class _StartParser(_ClockedTimers, CamundaStartEventParser):
    pass


class _CatchParser(_ClockedTimers, CamundaIntermediateCatchEventParser):
    pass


class _BoundaryParser(_ClockedTimers, CamundaBoundaryEventParser):
    pass


class ProcessParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (TopicServiceTaskParser, TopicServiceTask),
        full_tag("startEvent"): (_StartParser, StartEvent),
        full_tag("intermediateCatchEvent"): (_CatchParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (_BoundaryParser, BoundaryEvent),
    }


@dataclass
class ParsedProcess:
    """A parsed diagram: SpiffWorkflow's specs to run it and the description to show it."""

    key: str
    spec: object
    subprocess_specs: dict
    info: ProcessInfo


def executable_processes(root) -> list:
    return [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "true") != "false"]


def parse_document(content: bytes, filename: str = "<bpmn>",
                   documents: Mapping[str, bytes | str] | None = None) -> ParsedProcess:
    """Parse a BPMN document with one executable process, and the DMN `documents` (file name -> XML)
    its business rule tasks reference. Raises on any problem; validate first."""
    root = parse_xml(content)
    processes = executable_processes(root)
    if len(processes) != 1:
        raise ValueError(f"{filename}: expected one executable process, found {len(processes)}")
    parser = ProcessParser()
    called = []  # the BPMN of the processes its call activities call (engine.calls)
    for name, doc in sorted((documents or {}).items()):
        if name.endswith(".bpmn"):
            called.append(parse_xml(doc))
            parser.add_bpmn_xml(etree.ElementTree(called[-1]), filename=name)
        else:
            parser.add_dmn_xml(parse_xml(doc), filename=name)
    parser.add_bpmn_xml(etree.ElementTree(root), filename=filename)
    key = processes[0].get("id")
    info, _ = describe(root, processes[0])
    for other in called:  # their tasks, lanes, forms and messages are this case's too
        merge_called(info, describe(other, executable_processes(other)[0])[0])
    return ParsedProcess(key, parser.get_spec(key), parser.get_subprocess_specs(key), info)


def merge_called(info: ProcessInfo, called: ProcessInfo) -> None:
    """Add what a called process's elements are (tasks, forms, lanes, topics, message catches) to the
    caller's description; element ids are unique across a call (engine.calls refuses a clash)."""
    for mine, theirs in ((info.user_tasks, called.user_tasks), (info.catches, called.catches),
                         (info.titles, called.titles), (info.topics, called.topics)):
        for element, value in theirs.items():
            mine.setdefault(element, value)
    info.messages.extend(m for m in called.messages if m not in info.messages)
