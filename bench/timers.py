"""Timer firing throughput: our scheduler pass against bare SpiffWorkflow doing the same work.

N cases of `tests/fixtures/timer_mail.bpmn` wait on a due timer. Ours: one `fire_due` pass (claim,
then each case in its own transaction: load, refresh_timers, do_engine_steps, handler, save,
projections, history, outbox). Bare: for the same diagram and N workflows kept as JSON strings,
load, refresh_timers, do_engine_steps, complete the service task, save.
"""
from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.clock import FixedClock
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy

ROOT = Path(__file__).resolve().parent.parent
BPMN = ROOT / "tests" / "fixtures" / "timer_mail.bpmn"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def prepare_engine(url: str, cases: int) -> Runtime:
    rt = Runtime(url=url, clock=FixedClock(T0), policy=load_policy(), registry=default_registry())
    rt.upgrade()
    with rt.engine() as eng:
        eng.deploy(BPMN.read_bytes(), str(BPMN), "system")
    for i in range(cases):
        with rt.engine() as eng:
            eng.start_case("timer_mail", {"pupil_name": f"Pupil {i}", "due_date": "2026-03-04"}, "system")
    rt.clock.set(T0 + timedelta(days=2))
    return rt


def time_engine(rt: Runtime, cases: int) -> float:
    t0 = time.perf_counter()
    report = rt.fire_due("bench")
    while len(report.fired) < cases and report.fired:
        more = rt.fire_due("bench")
        report.fired += more.fired
        if not more.fired:
            break
    elapsed = time.perf_counter() - t0
    assert len(report.fired) == cases and not report.failed, (len(report.fired), report.failed[:1])
    return elapsed


def _bare_serializer() -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[ServiceTask] = BpmnTaskSpecConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


def prepare_bare(cases: int) -> tuple[BpmnWorkflowSerializer, list[str]]:
    parser = CamundaParser()
    parser.add_bpmn_file(str(BPMN))
    spec, subs = parser.get_spec("timer_mail"), parser.get_subprocess_specs("timer_mail")
    serializer = _bare_serializer()
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    states = []
    for i in range(cases):
        wf = BpmnWorkflow(spec, subs)
        wf.get_next_task(spec_name="Start").data.update({"pupil_name": f"Pupil {i}", "due_date": "2026-03-04"})
        wf.do_engine_steps()
        for task in wf.get_tasks(state=TaskState.WAITING):
            task._set_internal_data(event_value=past)  # due: bare timers read the wall clock
        states.append(serializer.serialize_json(wf))
    return serializer, states


def time_bare(serializer: BpmnWorkflowSerializer, states: list[str]) -> float:
    t0 = time.perf_counter()
    for i, state in enumerate(states):
        wf = serializer.deserialize_json(state)
        wf.refresh_timers()
        wf.do_engine_steps()
        for task in wf.get_tasks(state=TaskState.STARTED):
            task.complete()  # the external worker's part: nothing to do
        wf.do_engine_steps()
        assert wf.completed
        states[i] = serializer.serialize_json(wf)
    return time.perf_counter() - t0


def measure(cases: int = 2000) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        rt = prepare_engine(f"sqlite:///{tmp}/timers.sqlite3", cases)
        ours = time_engine(rt, cases)
    serializer, states = prepare_bare(cases)
    bare = time_bare(serializer, states)
    return [{"name": f"timers fired/s, one scheduler, {cases} due cases: engine (SQLite) / bare SpiffWorkflow",
             "ours_ms": round(ours * 1000), "base_ms": round(bare * 1000), "ratio": round(ours / bare, 2),
             "ours_per_s": round(cases / ours), "base_per_s": round(cases / bare), "goal_ratio": 1.5}]
