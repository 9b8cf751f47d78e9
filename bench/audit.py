"""`audit verify --all`: cases verified per second (chain check, replay, comparison with the stored state).

The cases are short reintegration cases (consent, information, child's views: nine events each),
made once (timed: the baseline); then every case is verified as `reintegrate audit verify --all` does,
one transaction each: the chain, the replay, and the whole-state comparison. Both sides parse the
process from a warm cache.
"""
from __future__ import annotations

import tempfile
import time

from cli import scenarios as s
from engine.reads import SystemRead
from engine.wiring import Runtime

from .engine_vs_bare import make_runtime
from .replay import warm_parse

STEPS = ("record_parental_consent", "gather_information", "record_child_views")


def make_cases(rt: Runtime, n: int) -> None:
    for _ in range(n):
        with rt.engine() as eng:
            case = eng.start_case("reintegration", s.START_DATA, "ava.ap")
            for element in STEPS:
                task = next(t for t in case["ready_tasks"] if t["task"] == element)
                case = eng.complete_task(task["task_id"], s.HAPPY_PATH[element], "ava.ap")


def measure(cases: int = 1000) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        rt = make_runtime(f"sqlite:///{tmp}/audit.sqlite3")
        warm_parse(rt)
        t0 = time.perf_counter()
        make_cases(rt, cases)
        made = time.perf_counter() - t0
        with rt.engine() as eng:
            ids = eng.case_ids()
        t0 = time.perf_counter()
        failed = 0
        for case_id in ids:
            with rt.engine() as eng:
                failed += not eng.replay(case_id, verify=True, viewer=SystemRead("benchmark"))["ok"]
        elapsed = time.perf_counter() - t0
    assert failed == 0
    return [{"name": f"audit verify --all over {cases} cases (SQLite) / making them (start and 3 tasks each)",
             "ours_ms": round(elapsed * 1000), "base_ms": round(made * 1000), "ratio": round(elapsed / made, 2),
             "cases_per_s": round(cases / elapsed)}]
