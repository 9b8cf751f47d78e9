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
# The benchmark run must never fire the boundary timer on ``allocate_place``.
FAR_FUTURE_ESCALATION = "2999-12-31T09:00:00+00:00"

# --------------------------------------------------------------------------------------------------
# Scenario data
# --------------------------------------------------------------------------------------------------

#: Start form (start event ``start``).
START_DATA: dict[str, Any] = {
    "pupil_name": "Jordan Ellis",
    "pupil_dob": "2012-05-14",
    "ap_setting": "Severn Vale Learning Centre",
    "home_school": "Hollybrook High School",
    "parent_name": "Samantha Ellis",
    "parent_email": "samantha.ellis@example.org",
    "local_authority": "Worcestershire County Council",
}

#: Task id -> form data, for the happy path (consent given, place allocated in time, no emergency
#: review, final review successful, transport needed).
HAPPY_PATH: dict[str, dict[str, Any]] = {
    "record_parental_consent": {
        "parent_name": "Samantha Ellis",
        "relationship": "Mother",
        "has_parental_responsibility": True,
        "other_parent_agreement": "yes",
        "understands_reasons": True,
        "parent_agrees": True,
        "preferred_school": "Kingsmead High School",
        "consent_to_share_information": True,
        "consent_date": "2027-01-11",
    },
    "gather_information": {
        "proposed_school": "Kingsmead High School",
        "attainment": "satisfactory",
        "effort": "good",
        "attitude_to_staff": "good",
        "attitude_to_peers": "satisfactory",
        "homework": "poor",
        "reasons_for_reintegration": (
            "Jordan has had no behaviour incidents since October and has met every PSP target this term. "
            "He travels independently, responds well to a consistent key adult and is keen on Kingsmead's "
            "engineering and DT options, which we cannot offer at the centre."
        ),
        "send_level": "SEN Support - SEMH",
        "lac_status": False,
        "ethnicity": "White British",
        "attendance_percent": 91,
        "exclusions_this_year": 0,
        "professionals_involved": (
            "Early Help family support worker (fortnightly home visits); "
            "CAMHS (discharged November, open referral route)"
        ),
        "measures_taken": (
            "Pastoral Support Plan since September with daily check-in (successful); "
            "anger management sessions with the learning mentor (mostly successful); "
            "reduced timetable lifted in November"
        ),
        "ks4_subjects": (
            "English Language (AQA), English Literature (AQA), Mathematics (Edexcel), "
            "Combined Science (AQA), Design and Technology (AQA)"
        ),
        "alternative_curriculum": "One day a week construction skills at the college, to stop at reintegration",
        "transport_plan": "Bus number 44 from Barbourne; mother will accompany him for the first week",
        "parent_involved_in_transport": True,
    },
    "record_child_views": {
        "views_date": "2027-01-18",
        "background": "I moved to the centre in Year 8 after getting excluded. My grandad is ill and I help look after him.",
        "good_at": "Making things in DT, football, fixing bikes",
        "challenges_and_support": "Big classes and noisy corridors. I need somewhere to go when I get wound up.",
        "school_could_support_by": "Giving me a time-out card and one teacher I can talk to every morning.",
        "aspirations": "Pass my GCSEs and get an apprenticeship as a mechanic.",
    },
    "record_fair_access_decision": {
        "agreed_to_consider_date": "2027-01-25",
        "host_school": "Kingsmead High School",
        "panel": "virtual",
        "notes": "FAAP not meeting until March; virtual approach agreed with Kingsmead, to be noted at next FAAP.",
    },
    "allocate_place": {
        "place_offered_date": "2027-02-08",
        "host_school_confirmed": True,
    },
    "hold_initial_meeting": {
        "meeting_date": "2027-02-22",
        "start_date": "2027-03-01",
        "ap_representative": "Daniel Okafor (Deputy Head, Severn Vale Learning Centre)",
        "host_school_representative": "Priya Shah (Head of Year 10) and Mark Dunn (key worker)",
        "parent_and_child_present": True,
        "reasons": "Sustained improvement in behaviour and attendance; Jordan wants a full GCSE curriculum.",
        "why_successful": "Consistent progress on the PSP for two terms and strong support from home.",
        "expectations_child": "Attend every day, use the time-out card instead of leaving lessons, meet Mr Dunn each morning.",
        "expectations_school": "Named key worker, daily check-in, time-out space, DT and engineering options.",
        "named_contact": "Mark Dunn, key worker, 01905 000123, m.dunn@kingsmead.example.sch.uk",
        "expectations_parent": "Keep in weekly contact with Mr Dunn and attend all reviews.",
        "ap_support": "Outreach visit weekly for the first three weeks; learning mentor available by phone.",
        "other_agency_commitment": "Early Help worker continues home visits until the final review.",
        "transport_required": True,
        "transport_arrangements": "Bus pass for the 44 route; school transport to be redesignated if successful.",
        "uniform_arrangements": "Kingsmead to provide blazer and tie from the uniform bank.",
        "review_1_date": "2027-03-15",
        "review_2_date": "2027-03-26",
        "review_3_date": "2027-04-16",
    },
    "confirm_dual_registration": {
        "joiner_form_completed": True,
        "ap_register_code_d": True,
        "paperwork_sent_to_admissions": True,
    },
    "interim_review_1": {
        "meeting_date": "2027-03-15",
        "progress": "Settled well; attended every day.",
        "school_support": "Daily check-in working; used the time-out card twice.",
        "concerns": "Late to period 5 on three occasions.",
        "additional_support": "Lunchtime DT club place offered.",
        "child_views": "Jordan says the work is hard but he likes his DT teacher.",
        "outcome_of_review": "Continue as planned.",
        "next_meeting_date": "2027-03-26",
    },
    "interim_review_2": {
        "meeting_date": "2027-03-26",
        "progress": "Attendance 97%; one behaviour point in two weeks.",
        "school_support": "Key worker sessions reduced to three a week at Jordan's request.",
        "concerns": "Maths homework not being handed in.",
        "additional_support": "Homework club on Tuesdays.",
        "child_views": "Jordan feels part of the form group now.",
        "outcome_of_review": "Continue; final review after Easter.",
        "next_meeting_date": "2027-04-16",
    },
    "final_review": {
        "meeting_date": "2027-04-16",
        "progress": "Fully integrated into Year 10; on track in all GCSE subjects.",
        "school_support": "Key worker check-ins weekly from now on.",
        "concerns": "None significant.",
        "additional_support": "None required beyond the usual pastoral support.",
        "child_views": "Jordan wants to stay at Kingsmead.",
        "outcome_of_review": "Permanent admission agreed by all parties.",
        "next_meeting_date": "",
        "final_outcome": "successful",
    },
    "record_successful_outcome": {
        "date_on_roll": "2027-04-19",
        "joiner_form_completed": True,
        "notes": "AP setting to complete the Leavers Form on the Children's Services Portal.",
    },
}

#: Parent refuses at the consent stage (ends at ``end_not_agreed``).
CONSENT_REFUSED_PATH: dict[str, dict[str, Any]] = {
    "record_parental_consent": {
        **HAPPY_PATH["record_parental_consent"],
        "understands_reasons": True,
        "parent_agrees": False,
        "preferred_school": "",
        "consent_to_share_information": False,
    },
}

#: The final review decides the reintegration failed (ends at ``end_unsuccessful``).
UNSUCCESSFUL_PATH: dict[str, dict[str, Any]] = {
    **HAPPY_PATH,
    "final_review": {
        **HAPPY_PATH["final_review"],
        "progress": "Attendance fell to 68% after Easter; two fixed-term suspensions.",
        "concerns": "Repeated walk-outs and a serious incident with a peer on 12 April.",
        "outcome_of_review": "All parties agree the reintegration has not succeeded.",
        "final_outcome": "unsuccessful",
    },
    "record_unsuccessful_outcome": {
        "reasons_for_failure": "Persistent walk-outs and a serious incident with a peer; attendance 68% since Easter.",
        "provision_for_return": "Full-time place at Severn Vale Learning Centre with outreach from Hollybrook.",
        "date_of_return": "2027-04-26",
        "completed_by": "Helen Marsh, Deputy Head, Hollybrook High School",
        "support_put_in_place": "Key worker, time-out card, homework club, weekly AP outreach.",
    },
}

#: Emergency review forms: the first decides to continue, the second to end the reintegration.
EMERGENCY_REVIEW_CONTINUE: dict[str, Any] = {
    "meeting_date": "2027-03-19",
    "la_present": True,
    "ap_present": True,
    "family_present": True,
    "reasons": "Fight with a Year 11 pupil on 17 March; Jordan left the site without permission.",
    "measures_to_avoid_failure": "Staggered lunch, restorative meeting with the other pupil, daily report card.",
    "support_required": "AP outreach increased to twice a week for three weeks.",
    "emergency_decision": "continue",
}
EMERGENCY_REVIEW_END: dict[str, Any] = {
    "meeting_date": "2027-03-31",
    "la_present": True,
    "ap_present": True,
    "family_present": True,
    "reasons": "Second serious assault on a peer despite the agreed measures; risk to other pupils.",
    "measures_to_avoid_failure": "All measures from the previous emergency review were in place.",
    "support_required": "",
    "emergency_decision": "end",
}

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


def simulate_service(topic: str, data: Mapping[str, Any], *, far_future_timers: bool = True) -> dict[str, Any]:
    """The variables the handler for ``topic`` would set, computed from the task data."""
    if topic == "record_not_agreed":
        return {"outcome": "not_agreed"}
    if topic == "notify_la_referral":
        return {"la_referral_notified": True}
    if topic == "fair_access_deadline":
        deadline = add_school_days(_date(data["agreed_to_consider_date"]), FAIR_ACCESS_SCHOOL_DAYS)
        escalate = dt.datetime.combine(deadline, dt.time(9, 0), dt.UTC).isoformat()
        return {
            "fair_access_deadline": deadline.isoformat(),
            "fair_access_escalate_at": FAR_FUTURE_ESCALATION if far_future_timers else escalate,
        }
    if topic == "escalate_deadline":
        return {}
    if topic == "schedule_reviews":
        start = _date(data["start_date"])
        result = {}
        for n, weeks in enumerate(DEFAULT_REVIEW_WEEKS, start=1):
            key = f"review_{n}_date"
            result[key] = data.get(key) or (start + dt.timedelta(weeks=weeks)).isoformat()
        return result
    if topic == "adjust_weightings":
        return {"weightings_adjusted": True}
    if topic == "redesignate_transport":
        return {"transport_redesignated": True}
    if topic == "failure_letter":
        return {"failure_letter_sent": True}
    if topic == "notify_la_outcome":
        successful = data.get("final_outcome") == "successful" and data.get("emergency_decision") != "end"
        return {"outcome": "successful" if successful else "unsuccessful", "la_notified_of_outcome": True}
    raise KeyError(f"no simulation for service topic {topic!r}")


# --------------------------------------------------------------------------------------------------
# Driving the workflow
# --------------------------------------------------------------------------------------------------


def read_topics(bpmn_path: str) -> dict[str, str]:
    """serviceTask id -> camunda:topic (bare SpiffWorkflow's parser drops the topic)."""
    tree = etree.parse(bpmn_path)
    return {
        node.get("id"): node.get(f"{{{CAMUNDA_NS}}}topic")
        for node in tree.iter(f"{{{BPMN_NS}}}serviceTask")
    }


def load_workflow(bpmn_path: str) -> BpmnWorkflow:
    parser = CamundaParser()
    parser.add_bpmn_file(bpmn_path)
    spec = parser.get_spec(PROCESS_ID)
    return BpmnWorkflow(spec, parser.get_subprocess_specs(PROCESS_ID))


def start_workflow(workflow: BpmnWorkflow, start_data: Mapping[str, Any]) -> None:
    """Put the start form's data on the root task and run until the first user task."""
    workflow.get_next_task(spec_name="Start").data.update(copy.deepcopy(dict(start_data)))


def advance(workflow: BpmnWorkflow, topics: Mapping[str, str], *, far_future_timers: bool = True) -> None:
    """Run engine steps, playing the external worker for every started service task."""
    workflow.do_engine_steps()
    while True:
        started = [
            t for t in workflow.get_tasks(state=TaskState.STARTED) if isinstance(t.task_spec, ServiceTask)
        ]
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
) -> BpmnWorkflow:
    """Complete ready user tasks from ``scenario`` (in order of readiness) until the workflow ends.

    ``before_task(workflow, task_id)`` may interfere (send a message, say) before a task is completed.
    """
    topics = read_topics(bpmn_path)
    workflow = load_workflow(bpmn_path)
    start_workflow(workflow, start_data)
    advance(workflow, topics, far_future_timers=far_future_timers)
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
    raise RuntimeError(f"workflow not complete after {max_steps} user tasks")


def last_end_event(workflow: BpmnWorkflow) -> str | None:
    """bpmn id of the top-level end event that completed last (the one that finished the case)."""
    ends = [
        t for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if t.workflow is workflow and type(t.task_spec).__name__ == "EndEvent"
    ]
    return max(ends, key=lambda t: t.last_state_change).task_spec.bpmn_id if ends else None


def run_reintegration_case(bpmn_path: str) -> dict:
    """Run the happy path of ``reintegration.bpmn`` to completion and return the final workflow data."""
    workflow = run_case(bpmn_path, START_DATA, HAPPY_PATH)
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
    print(f"completed={wf.completed} end_event={last_end_event(wf)} outcome={wf.data.get('outcome')!r} "
          f"in {elapsed * 1000:.1f} ms")
    sys.exit(0 if wf.completed else 1)
