"""Workflow state to JSON and back, without the process spec inside it.

A case's spec is its pinned process version, stored once (docs/architecture.md, rule 7); the saved state
holds only tasks, data and events, and is joined to the cached spec when loaded.
"""
from __future__ import annotations

import json
import threading
from copy import deepcopy
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from .specs import SPEC_CONVERTERS

STATE_VERSION = 1


class _StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry():
    config = deepcopy(CAMUNDA_CONFIG)
    config.update(SPEC_CONVERTERS)
    config[BpmnWorkflow] = _StateOnlyWorkflowConverter
    return BpmnWorkflowSerializer.configure(config)


class StateSerializer:
    """Dumps and loads a workflow's state; the spec comes from the caller."""

    def __init__(self) -> None:
        self._serializer = BpmnWorkflowSerializer(_registry())
        # The registry converts in "encoder mode" through a flag on itself: one dump at a time per
        # registry, as one serializer serves every thread of a web worker.
        self._dumping = threading.Lock()

    @property
    def registry(self):
        """The converter registry (SpiffWorkflow's spec diff compares specs through it)."""
        return self._serializer.registry

    def dumps(self, workflow: BpmnWorkflow) -> str:
        registry = self._serializer.registry
        with self._dumping:
            registry._encoder_mode = True
            try:
                dct = registry.convert(workflow)
            finally:
                registry._encoder_mode = False
        dct["state_version"] = STATE_VERSION
        return json.dumps(dct, cls=self._serializer._encoder_cls, separators=(",", ":"))

    def loads(self, text: str, spec, subprocess_specs) -> BpmnWorkflow:
        dct = json.loads(text)
        version = dct.pop("state_version", None)
        if version != STATE_VERSION:
            raise ValueError(f"saved state has version {version!r}; this engine reads {STATE_VERSION}")
        return self._serializer.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
