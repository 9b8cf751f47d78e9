"""Run one reintegration case in bare SpiffWorkflow 3.2.0, in memory.

This is the baseline for benchmarking our engine against plain SpiffWorkflow on the same diagram
(``processes/reintegration.bpmn``). It uses only what SpiffWorkflow ships: ``CamundaParser``,
``BpmnWorkflow`` and the default Python script engine.

Service tasks: SpiffWorkflow's plain ``ServiceTask`` does nothing and returns ``None`` from its run hook,
so the task is left ``STARTED`` (like a Camunda external task waiting for a worker). We play the worker:
after every ``do_engine_steps()`` we find the started service tasks, read their ``camunda:topic`` from the
XML (the bare parser does not keep it), set the variables the real handler would produce
(:func:`simulate_service`), complete the task and step the engine again.

The scenario dicts (``START_DATA``, ``HAPPY_PATH`` and the alternatives below) are reused by the
engine's tests: every required form field is filled with realistic values.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.util.task import TaskState

PROCESS_ID = "reintegration"
EMERGENCY_MESSAGE = "emergency_review_requested"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

# Fair Access: an offer of a place within 20 school days of the referral being agreed for consideration.
FAIR_ACCESS_SCHOOL_DAYS = 20
# Reviews at 2, 4 and 6 weeks after the start date unless the initial meeting agreed other dates.
DEFAULT_REVIEW_WEEKS = (2, 4, 6)
# The HNRG advocacy pilot: the advocacy for a reintegration at risk runs for 9 weeks.
ADVOCACY_WEEKS = 9
# The benchmark run must never fire the boundary timer on ``allocate_place``.
FAR_FUTURE_ESCALATION = "2999-12-31T09:00:00+00:00"

from cli.scenarios import (  # noqa: E402  (the scenario data is shared with tests and the demo)
    HAPPY_PATH,
    START_DATA,
)

# --------------------------------------------------------------------------------------------------
# Service-task simulation
# --------------------------------------------------------------------------------------------------


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def add_school_days(start: dt.date, days: int) -> dt.date:
    """``days`` school days after ``start``, counting Monday to Friday only.

    (The real handler uses the authority's calendar: bank holidays, term dates and INSET days.)
    """
    current, left = start, days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def _watch(task: str, at: str) -> dict[str, str]:
    """Reminder and escalation timer variables for a deadline task (set far ahead: they must not fire)."""
    return {f"{task}_remind_at": at, f"{task}_escalation_cycle": f"R/{at}/P7D"}


def simulate_service(topic: str, data: Mapping[str, Any], *, far_future_timers: bool = True) -> dict[str, Any]:
    """The variables the handler for ``topic`` would set, computed from the task data."""
    if topic == "record_not_agreed":
        return {"outcome": "not_agreed"}
    if topic == "notify_la_referral":
        return {"la_referral_notified": True}
    if topic == "fair_access_deadline":
        deadline = add_school_days(_date(data["agreed_to_consider_date"]), FAIR_ACCESS_SCHOOL_DAYS)
        escalate = dt.datetime.combine(deadline, dt.time(9, 0), dt.UTC).isoformat()
        escalate = FAR_FUTURE_ESCALATION if far_future_timers else escalate
        return {
            "fair_access_deadline": deadline.isoformat(),
            **_watch("allocate_place", escalate),
        }
    if topic in ("deadline_reminder", "deadline_escalation"):
        return {}
    if topic == "fair_access_attempt":
        attempt = {"host_school": data.get("host_school"), "confirmed": data.get("host_school_confirmed") is True}
        return {"fair_access_attempts": [*data.get("fair_access_attempts", []), attempt]}
    if topic == "review_next_date":
        n, to = int(data.get("next_review", 1)) + 1, data.get("next_meeting_date")
        moved = {f"review_{n}_date": to, **_watch(("interim_review_2", "final_review")[n - 2], FAR_FUTURE_ESCALATION)}
        return {"next_review": n, "next_meeting_date": None, **(moved if to else {})}
    if topic == "schedule_reviews":
        start = _date(data["start_date"])
        result = {}
        tasks = ("interim_review_1", "interim_review_2", "final_review")
        for n, (weeks, task) in enumerate(zip(DEFAULT_REVIEW_WEEKS, tasks, strict=True), start=1):
            key = f"review_{n}_date"
            result[key] = data.get(key) or (start + dt.timedelta(weeks=weeks)).isoformat()
            result.update(_watch(task, FAR_FUTURE_ESCALATION))
        result["dual_registration_due"] = start.isoformat()
        result.update(_watch("confirm_dual_registration", FAR_FUTURE_ESCALATION))
        return {**result, "next_review": 1}
    if topic == "adjust_weightings":
        return {"weightings_adjusted": True}
    if topic == "redesignate_transport":
        return {"transport_redesignated": True}
    if topic == "failure_letter":
        return {"failure_letter_sent": True, "remove_from_roll_escalation_cycle": f"R/{FAR_FUTURE_ESCALATION}/P7D"}
    if topic == "notify_la_outcome":
        successful = data.get("final_outcome") == "successful" and data.get("emergency_decision") != "end"
        return {"outcome": "successful" if successful else "unsuccessful", "la_notified_of_outcome": True}
    if topic == "advocacy_plan":
        end = dt.date.fromisoformat(data.get("student_engaged_on") or "2027-01-18") + dt.timedelta(weeks=ADVOCACY_WEEKS)
        return {"advocacy_status": "engaged", "advocacy_end_date": end.isoformat(),
                "advocacy_end_at": FAR_FUTURE_ESCALATION, "advocacy_contacts": [],
                **_watch("close_advocacy", FAR_FUTURE_ESCALATION)}
    if topic == "advocacy_contact":
        contacts = [*data.get("advocacy_contacts", []), {"date": data.get("advocacy_contact_date")}]
        return {"advocacy_contacts": contacts, "advocacy_contacts_count": len(contacts)}
    if topic == "advocacy_closed":
        return {"advocacy_status": "closed"}
    if topic == "leavers_form_deadline":
        return {"leavers_form_due": data["date_on_roll"], **_watch("complete_leavers_form", FAR_FUTURE_ESCALATION)}
    if topic == "emergency_review_held":
        return {"next_review_date": None, "emergency_review_moves_next": False, "emergency_review_move": None}
    if topic == "unsuccessful_outcome_recorder":
        return {"outcome_recorded_by": "home_school" if data.get("home_school") else "ap_setting"}
    if topic == "deletion_return":
        return {"deletion_return": {"ground": "regulation 9(1)(c)", "deletion_date": data.get("deletion_date")}}
    raise KeyError(f"no simulation for service topic {topic!r}")


# --------------------------------------------------------------------------------------------------
# Driving the workflow
# --------------------------------------------------------------------------------------------------


def read_topics(bpmn_path: str) -> dict[str, str]:
    """serviceTask id -> camunda:topic (bare SpiffWorkflow's parser drops the topic)."""
    tree = etree.parse(bpmn_path)
    return {node.get("id"): node.get(f"{{{CAMUNDA_NS}}}topic") for node in tree.iter(f"{{{BPMN_NS}}}serviceTask")}


def parse(bpmn_path: str) -> tuple[Any, dict]:
    """The process spec and its subprocess specs, parsed once per diagram."""
    parser = CamundaParser()
    parser.add_bpmn_file(bpmn_path)
    return parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)


def load_workflow(bpmn_path: str, parsed: tuple[Any, dict] | None = None) -> BpmnWorkflow:
    spec, subprocess_specs = parsed or parse(bpmn_path)
    return BpmnWorkflow(spec, subprocess_specs)


def start_workflow(workflow: BpmnWorkflow, start_data: Mapping[str, Any]) -> None:
    """Put the start form's data on the root task and run until the first user task."""
    workflow.get_next_task(spec_name="Start").data.update(copy.deepcopy(dict(start_data)))


def advance(workflow: BpmnWorkflow, topics: Mapping[str, str], *, far_future_timers: bool = True) -> None:
    """Run engine steps, playing the external worker for every started service task."""
    workflow.do_engine_steps()
    while True:
        started = [t for t in workflow.get_tasks(state=TaskState.STARTED) if isinstance(t.task_spec, ServiceTask)]
        if not started:
            return
        for task in started:
            topic = topics[task.task_spec.bpmn_id]
            task.data.update(simulate_service(topic, task.data, far_future_timers=far_future_timers))
            task.complete()
        workflow.do_engine_steps()


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    return [t for t in workflow.get_tasks(state=TaskState.READY) if isinstance(t.task_spec, UserTask)]


def complete_user_task(workflow: BpmnWorkflow, task_id: str, form_data: Mapping[str, Any]) -> None:
    ready = [t for t in ready_user_tasks(workflow) if t.task_spec.bpmn_id == task_id]
    if not ready:
        raise LookupError(f"{task_id} is not ready; ready: {[t.task_spec.bpmn_id for t in ready_user_tasks(workflow)]}")
    task = ready[0]
    task.data.update(copy.deepcopy(dict(form_data)))
    task.run()


def request_emergency_review(workflow: BpmnWorkflow, requested_by: str = "host_school") -> None:
    """Send the ``emergency_review_requested`` message (Camunda message payload format)."""
    payload = {"payload": {"requested_by": requested_by}, "result_var": "emergency_review_request"}
    workflow.send_event(BpmnEvent(MessageEventDefinition(EMERGENCY_MESSAGE), payload))


def run_case(
    bpmn_path: str,
    start_data: Mapping[str, Any],
    scenario: Mapping[str, Mapping[str, Any]],
    *,
    before_task: Callable[[BpmnWorkflow, str], None] | None = None,
    far_future_timers: bool = True,
    max_steps: int = 200,
    parsed: tuple[Any, dict] | None = None,
    topics: Mapping[str, str] | None = None,
    after_step: Callable[[BpmnWorkflow], BpmnWorkflow] | None = None,
) -> BpmnWorkflow:
    """Complete ready user tasks from ``scenario`` (in order of readiness) until the workflow ends.

    ``before_task(workflow, task_id)`` may interfere (send a message, say) before a task is completed.
    ``parsed`` and ``topics`` skip parsing the diagram again; ``after_step(workflow)`` may replace the
    workflow once the case has started and after each completed task (to save and restore it, say).
    """
    topics = topics or read_topics(bpmn_path)
    workflow = load_workflow(bpmn_path, parsed)
    start_workflow(workflow, start_data)
    advance(workflow, topics, far_future_timers=far_future_timers)
    if after_step is not None:  # the started case is saved too, as the engine's `case start` saves it
        workflow = after_step(workflow)
    for _ in range(max_steps):
        if workflow.completed:
            return workflow
        ready = [t.task_spec.bpmn_id for t in ready_user_tasks(workflow)]
        todo = [task_id for task_id in ready if task_id in scenario]
        if not todo:
            raise RuntimeError(f"stuck: ready user tasks {ready} have no scenario data")
        task_id = todo[0]
        if before_task is not None:
            before_task(workflow, task_id)
            advance(workflow, topics, far_future_timers=far_future_timers)
            if task_id not in [t.task_spec.bpmn_id for t in ready_user_tasks(workflow)]:
                continue
        complete_user_task(workflow, task_id, scenario[task_id])
        advance(workflow, topics, far_future_timers=far_future_timers)
        if after_step is not None:
            workflow = after_step(workflow)
    raise RuntimeError(f"workflow not complete after {max_steps} user tasks")


def last_end_event(workflow: BpmnWorkflow) -> str | None:
    """bpmn id of the top-level end event that completed last (the one that finished the case)."""
    ends = [
        t
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if t.workflow is workflow and type(t.task_spec).__name__ == "EndEvent"
    ]
    return max(ends, key=lambda t: t.last_state_change).task_spec.bpmn_id if ends else None


def run_reintegration_case(bpmn_path: str, **kwargs: Any) -> dict:
    """Run the happy path of ``reintegration.bpmn`` to completion and return the final workflow data."""
    workflow = run_case(bpmn_path, START_DATA, HAPPY_PATH, **kwargs)
    if not workflow.completed:
        raise RuntimeError("workflow did not complete")
    return dict(workflow.data)


if __name__ == "__main__":
    import pathlib
    import sys
    import time

    default = pathlib.Path(__file__).resolve().parents[1] / "processes" / "reintegration.bpmn"
    path = sys.argv[1] if len(sys.argv) > 1 else str(default)
    began = time.perf_counter()
    wf = run_case(path, START_DATA, HAPPY_PATH)
    elapsed = time.perf_counter() - began
    print(
        f"completed={wf.completed} end_event={last_end_event(wf)} outcome={wf.data.get('outcome')!r} in {elapsed * 1000:.1f} ms"
    )
    sys.exit(0 if wf.completed else 1)
