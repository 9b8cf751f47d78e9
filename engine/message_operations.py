"""Engine operations on messages: deliver a message to a case from one of its declared senders."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from . import forms, permissions
from .engine_core import EngineCore
from .errors import Conflict, InvalidData, NotFound
from .json_input import json_problem
from .permissions import actor_for, require
from .runtime import deliver_message, message_variables


class MessageOperations(EngineCore):
    """Engine operations on messages."""

    def send_message(self, case_id: str, name: str, data: Any, actor: str) -> dict[str, Any]:
        """Deliver message `name` from `actor`: one of the senders the catching event declares (else its
        lane's role) on a case they may read, with data of the shape the event declares; a message
        that moves a quota (`Extensions.message_rules`) goes through the code that keeps it. Nothing is changed
        on a refusal: NotFound, Forbidden, Conflict (not waiting for it) or InvalidData."""
        case = self._case(case_id, to_run=True)
        who = actor_for(self.session, actor)
        if not self._may_read_as(who, case):
            raise NotFound(f"no case {case_id!r}")
        info = self.specs.get(self.session, case.process_version_id).parsed.info
        catches = [c for c in info.catches.values() if c.message == name]
        if not catches:
            raise Conflict(f"case {case_id} is not waiting for message {name!r}: its process has no such message")
        require(who, permissions.MESSAGE, case=case.data, senders=dict.fromkeys(r for c in catches for r in c.senders))
        if case.status != "running":
            raise Conflict(f"case {case_id} is {case.status}; it takes no messages")
        if problem := json_problem(data):
            raise InvalidData({"_": f"message data: {problem}"}, name)
        run = self._run(case, actor)
        waiting = [c for c in catches if c.id in _waiting_elements(run.workflow)]
        if not waiting:
            raise Conflict(f"case {case_id} is not waiting for message {name!r} now")
        values, errors = forms.clean(waiting[0].form, data, self.local_today(run.now))
        if not errors:  # then the message's own checks, as a form's
            today = run.now.astimezone(ZoneInfo(self.policy.timezone)).date().isoformat()
            for validator in self.registry.validators(name):
                errors.update(validator(values, {**(case.data or {}), "_today": today}, self.policy) or {})
        if errors:
            raise InvalidData(errors, f"message {name}")
        rule = self.registry.extensions.message_rules.get(name)
        payload = rule(self, case, values, actor) if rule else values
        variables = message_variables(waiting[0], payload)  # the declared fields, each a variable of its own
        try:
            deliver_message(run.workflow, name, payload, variables)
        except WorkflowException:
            raise Conflict(f"case {case_id} is not waiting for message {name!r} now") from None
        run.merge_data({name: payload, **variables})
        record = {"message": name, "data": payload, **({"variables": variables} if variables else {})}
        run.history.append(run.now, actor, "message_received", None, record)
        self._step(run, "message", {"message": name, "data": payload})
        return self._view(run)

    def message_senders(self, case_id: str, name: str) -> tuple[str, ...]:
        """The roles that may send message `name` to the case (from its process version's diagram)."""
        info = self.process_info(case_id)
        return tuple(dict.fromkeys(r for c in info.catches.values() if c.message == name for r in c.senders))


def _waiting_elements(workflow: BpmnWorkflow) -> set[str]:
    """The BPMN ids of the events the workflow is waiting at (message catches among them)."""
    return {task.task_spec.bpmn_id for task in workflow.get_tasks(state=TaskState.WAITING)}
