"""Workflow state to JSON and back, without the process spec inside it.

A case's spec is its pinned process version, stored once (docs/architecture.md, rule 7); the saved state
holds only tasks, data and events, and is joined to the cached spec when loaded.

What is stored is the JSON compressed with zlib and written as base64 text behind a `z1:` prefix
(`pack`): a reintegration case's state is 6-68 kB of JSON a step, much of it the case data repeated
on every task, and compresses to about a seventh. The column stays text, so no migration, backup or
`pg_dump` changes; a state saved before this (plain JSON, starting with `{`) still loads (`unpack`).
"""
from __future__ import annotations

import base64
import json
import threading
import zlib
from copy import deepcopy
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from .errors import DamagedState
from .specs import SPEC_CONVERTERS

STATE_VERSION = 1
#: Marks a stored state that is zlib-compressed JSON in base64; plain JSON starts with "{".
PACKED = "z1:"
#: zlib's default: at level 1 a case's state is a fifth larger and saves a tenth of a millisecond.
LEVEL = 6


def pack(text: str) -> str:
    """The stored form of a state's JSON text: compressed, in base64, behind the `z1:` prefix."""
    return PACKED + base64.b64encode(zlib.compress(text.encode(), LEVEL)).decode("ascii")


def unpack(stored: str) -> str:
    """The JSON text of a stored state, packed or (as saved before packing) plain JSON."""
    if stored.startswith(PACKED):
        try:
            return zlib.decompress(base64.b64decode(stored[len(PACKED):], validate=True)).decode()
        except (ValueError, zlib.error) as exc:
            raise DamagedState(f"saved state is damaged: {exc}") from exc
    return stored


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
        """The state as stored: packed JSON."""
        return pack(self.to_json(workflow))

    def to_json(self, workflow: BpmnWorkflow) -> str:
        """The state as JSON text (what `dumps` compresses)."""
        registry = self._serializer.registry
        with self._dumping:
            registry._encoder_mode = True
            try:
                dct = registry.convert(workflow)
            finally:
                registry._encoder_mode = False
        dct["state_version"] = STATE_VERSION
        return json.dumps(dct, cls=self._serializer._encoder_cls, separators=(",", ":"))

    def loads(self, stored: str, spec, subprocess_specs, case_id: str = "") -> BpmnWorkflow:
        """A workflow from its stored state (packed, or plain JSON as saved before packing); DamagedState,
        naming `case_id`, when the state cannot be read."""
        where = f"case {case_id}: " if case_id else ""
        try:
            dct = json.loads(unpack(stored))
        except DamagedState as exc:
            raise DamagedState(f"{where}{exc}") from exc
        except ValueError as exc:  # JSON that does not parse
            raise DamagedState(f"{where}saved state is damaged: {exc}") from exc
        version = dct.pop("state_version", None) if isinstance(dct, dict) else None
        if version != STATE_VERSION:
            raise DamagedState(f"{where}saved state has version {version!r}; this engine reads {STATE_VERSION}")
        return self._serializer.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
