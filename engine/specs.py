"""Task specs and event definitions that SpiffWorkflow's Camunda support lacks.

- `TopicServiceTask`: a service task that carries its `camunda:topic` and dispatches to the
  handler registry through the case's script engine.
- `ClockedTimeDate` / `ClockedDuration`: timers that read the engine's clock, not the wall
  clock, so that a fake clock (tests, `REINTEGRATE_FAKE_NOW`) drives every deadline.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask

#: The shortest interval a timer cycle may repeat at: a shorter one is a burst of firings, not a reminder.
MIN_CYCLE = timedelta(hours=1)


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


class ClockedCycle(CycleTimerEventDefinition):
    """A timeCycle timer ("R/start/P7D"): fires at start, then every interval, on the engine clock.

    Cycles missed while nothing ran are not replayed one by one: a late firing fires once and the
    next one is set after now, so downtime does not turn into a burst of repeated escalations.
    """

    def cycle_complete(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(expression)
            event_value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
        ready = False
        if event_value["cycles"] != 0:
            now = _engine_now(my_task)
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= now:
                step = timedelta(seconds=event_value["duration"])
                if step < MIN_CYCLE:  # deploy refuses such literals; this is one computed while running
                    raise WorkflowTaskException(f"timer cycle repeats every {step}: at least {MIN_CYCLE} between "
                                                "firings", task=my_task)
                next_event += step * ((now - next_event) // step + 1)  # the first firing after now
                event_value["next"] = next_event.isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def timer_due(task) -> datetime | None:
    """The absolute time a waiting timer task will next fire, if it has one."""
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):
        return datetime.fromisoformat(value["next"]) if value.get("cycles") != 0 else None
    if isinstance(value, str):
        return TimerEventDefinition.get_datetime(value)
    return None


#: Extra entries for the serializer configuration.
SPEC_CONVERTERS = {
    TopicServiceTask: TopicServiceTaskConverter,
    ClockedTimeDate: TimerConditionalEventDefinitionConverter,
    ClockedDuration: TimerConditionalEventDefinitionConverter,
    ClockedCycle: TimerConditionalEventDefinitionConverter,
}
