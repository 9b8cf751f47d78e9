"""One whole reintegration case: our engine (CLI path, SQLite file) against bare SpiffWorkflow.

Both run the same diagram and the same scenario. Ours goes the way `reintegrate` commands go: a
transaction per step, the case loaded from and saved to the database each time, projections,
history and outbox written. Bare SpiffWorkflow keeps the workflow in memory and saves nothing.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from bench.bare_spiff import parse, read_topics, run_reintegration_case
from cli import scenarios as s
from engine.access import add_user
from engine.clock import FixedClock
from engine.policy import load_policy
from engine.wiring import Runtime
from handlers import default_registry

ROOT = Path(__file__).resolve().parent.parent
BPMN = ROOT / "processes" / "reintegration.bpmn"
ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}


def make_runtime(url: str) -> Runtime:
    rt = Runtime(url=url, clock=FixedClock(datetime(2027, 1, 11, 9, tzinfo=UTC)), policy=load_policy(),
                 registry=default_registry())
    rt.upgrade()
    with rt.engine() as eng:
        eng.deploy(BPMN.read_bytes(), str(BPMN), "bench")
        for name, lane in ((v, k) for k, v in ACTORS.items()):
            add_user(eng.session, name, lane, None, rt.clock.now())
    return rt


def run_engine_case(rt: Runtime) -> str:
    """The happy path, one transaction per step, as `task complete` runs it (which prints the ready tasks)."""
    with rt.engine() as eng:
        case = eng.start_case("reintegration", s.START_DATA, "ava.ap")
    for element, data in s.HAPPY_PATH.items():
        task = next(t for t in case["ready_tasks"] if t["task"] == element)
        with rt.engine() as eng:
            case = eng.complete_task(task["task_id"], data, ACTORS[task["lane"]])
    assert case["status"] == "completed", case["status"]
    return case["case_id"]


def _round_trip(serializer: BpmnWorkflowSerializer, path: Path):
    """Save the workflow to a JSON file and load it back, as a bare SpiffWorkflow app would."""

    def step(workflow):
        path.write_text(serializer.serialize_json(workflow))
        return serializer.deserialize_json(path.read_text())

    return step


def measure(runs: int = 15) -> list[dict]:
    """Median times of one whole case, interleaved so that machine drift affects all three alike."""
    parsed, topics = parse(str(BPMN)), read_topics(str(BPMN))
    config = dict(CAMUNDA_CONFIG)
    config[ServiceTask] = BpmnTaskSpecConverter  # the Camunda config lacks one (a known 3.2.0 gap)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
    with tempfile.TemporaryDirectory() as tmp:
        rt = make_runtime(f"sqlite:///{tmp}/bench.sqlite3")
        saving = _round_trip(serializer, Path(tmp) / "state.json")
        variants = {
            "engine": lambda: run_engine_case(rt),
            "bare": lambda: run_reintegration_case(str(BPMN), parsed=parsed, topics=topics),
            "bare_saved": lambda: run_reintegration_case(str(BPMN), parsed=parsed, topics=topics,
                                                         after_step=saving),
        }
        times: dict[str, list[float]] = {k: [] for k in variants}
        for fn in variants.values():  # warm: caches, imports
            fn()
        for _ in range(runs):
            for name, fn in variants.items():
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
    ms = {k: statistics.median(v) * 1000 for k, v in times.items()}
    return [
        {"name": "whole case: engine (SQLite file, a transaction per step) / bare SpiffWorkflow in memory",
         "runs": runs, "ours_ms": round(ms["engine"], 1), "base_ms": round(ms["bare"], 1),
         "ratio": round(ms["engine"] / ms["bare"], 2), "goal_ratio": 1.5},
        {"name": "whole case: engine / bare SpiffWorkflow saving its JSON to a file after each step",
         "runs": runs, "ours_ms": round(ms["engine"], 1), "base_ms": round(ms["bare_saved"], 1),
         "ratio": round(ms["engine"] / ms["bare_saved"], 2)},
    ]
