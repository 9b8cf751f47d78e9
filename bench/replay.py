"""Replay time against the original execution, for cases of 50, 500 and 5,000 events.

A long case is a placement with many emergency reviews that each decide to continue (two events
apiece: the request and the review). The original execution is timed as it happens, call by call,
each in its own transaction as the CLI or the web app would run it. The process is parsed before
either side is timed (both read it from the same cache). The replay verifies the whole case: the hash
chain, then the rebuilt workflow against the stored one task by task, the data and the projections.
"""
from __future__ import annotations

import tempfile
import time

from sqlalchemy import select

from cli import scenarios as s
from engine.models import ProcessVersion
from engine.reads import SystemRead
from engine.wiring import Runtime

from .engine_vs_bare import ACTORS, make_runtime

BENCH = SystemRead("benchmark")


def _timed(rt: Runtime, total: list[float], method: str, *args):
    t0 = time.perf_counter()
    with rt.engine() as eng:
        result = getattr(eng, method)(*args)
    total[0] += time.perf_counter() - t0
    return result


def build_case(rt: Runtime, events: int) -> tuple[str, float, int]:
    """A case with about `events` events; returns (case id, seconds the original execution took, events)."""
    spent = [0.0]
    case = _timed(rt, spent, "start_case", "reintegration", s.START_DATA, "ava.ap")
    for element, data in s.HAPPY_PATH.items():
        if element == "interim_review_1":
            break
        task = next(t for t in case["ready_tasks"] if t["task"] == element)
        s.recorded_on(rt.clock, data, task["form"])
        case = _timed(rt, spent, "complete_task", task["task_id"], data, ACTORS[task["lane"]])
    with rt.engine() as eng:
        count = len(eng.history(case["case_id"], viewer=BENCH))
    while count < events:
        rt.clock.advance(hours=1)
        case = _timed(rt, spent, "send_message", case["case_id"], "emergency_review_requested",
                       {"reason": f"Review {count}: a serious incident"}, "hana.host")
        task = next(t for t in case["ready_tasks"] if t["task"] == "hold_emergency_review")
        s.recorded_on(rt.clock, s.EMERGENCY_REVIEW_CONTINUE, task["form"])
        case = _timed(rt, spent, "complete_task", task["task_id"], s.EMERGENCY_REVIEW_CONTINUE, "hana.host")
        count += 2
    return case["case_id"], spent[0], count


def warm_parse(rt: Runtime) -> None:
    """Parse the process before anything is timed: the replay reads the parsed version from the same
    cache, so a cold parse on the original side only would flatter the replay."""
    with rt.engine() as eng:
        version = eng.session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_key == "reintegration")
                                     .order_by(ProcessVersion.version.desc()).limit(1))
        eng.specs.get(eng.session, version)


def measure(sizes=(50, 500, 5000)) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rt = make_runtime(f"sqlite:///{tmp}/replay.sqlite3")
        warm_parse(rt)
        for size in sizes:
            rt.clock.set(s.START_AT)  # each case from the start of the scenario's dates
            case_id, original, events = build_case(rt, size)
            t0 = time.perf_counter()
            with rt.engine() as eng:
                result = eng.replay(case_id, verify=True, viewer=BENCH)
            replay = time.perf_counter() - t0
            assert result["ok"], result["problems"]
            rows.append({"name": f"replay --verify of a case with {events} events / its original execution "
                                 "(the process parsed before either is timed)",
                         "ours_ms": round(replay * 1000), "base_ms": round(original * 1000),
                         "ratio": round(replay / original, 2), "events": events, "goal_ratio": 2.0})
    return rows


if __name__ == "__main__":
    for row in measure():
        print(row)
