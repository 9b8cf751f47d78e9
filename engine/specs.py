"""Task specs and event definitions that SpiffWorkflow's Camunda support lacks.

- `TopicServiceTask`: a service task that carries its `camunda:topic` and dispatches to the
  handler registry through the case's script engine.
- `ClockedTimeDate` / `ClockedDuration`: timers that read the engine's clock, not the wall
  clock, so that a fake clock (tests, `REINTEGRATE_FAKE_NOW`) drives every deadline.
"""
from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask


class TopicServiceTask(ServiceTask, BpmnSpecMixin):
    """A `camunda:type="external"` service task; `topic` names its handler."""

    def __init__(self, wf_spec, bpmn_id, topic: str, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.topic = topic

    def _execute(self, task):
        task.workflow.script_engine.call_service(task, topic=self.topic)
        return True


class TopicServiceTaskConverter(BpmnTaskSpecConverter):
    def to_dict(self, spec):
        dct = self.get_default_attributes(spec)
        dct["topic"] = spec.topic
        return dct


def _engine_now(my_task) -> datetime:
    return my_task.workflow.script_engine.now()


class ClockedTimeDate(TimeDateEventDefinition):
    """A timeDate timer; the expression evaluates to an ISO date-time (usually a variable)."""

    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            if isinstance(event_value, datetime):
                event_value = event_value.isoformat()
            my_task._set_internal_data(event_value=event_value)
        if TimerEventDefinition.parse_time_or_duration(event_value) <= _engine_now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedDuration(DurationTimerEventDefinition):
    """A timeDuration timer; its absolute due time is fixed when it starts waiting."""

    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            parsed = TimerEventDefinition.parse_iso_duration(expression)
            start = _engine_now(my_task)
            event_value = (start + TimerEventDefinition.get_timedelta_from_start(parsed, start)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if TimerEventDefinition.get_datetime(event_value) <= _engine_now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


#: Extra entries for the serializer configuration.
SPEC_CONVERTERS = {
    TopicServiceTask: TopicServiceTaskConverter,
    ClockedTimeDate: TimerConditionalEventDefinitionConverter,
    ClockedDuration: TimerConditionalEventDefinitionConverter,
}
