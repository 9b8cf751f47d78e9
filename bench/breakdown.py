"""Where a whole reintegration case's time goes in the engine: a table of the parts of a step.

The whole-case benchmark says how much slower a case through the engine is than bare SpiffWorkflow
in memory; this says why, so that the next speed-up goes where the time is. The same happy path
runs `--runs` times (one transaction per step, SQLite file or PostgreSQL) with a stopwatch around
each part below. Each moment is counted once, in the outermost part running then (a handler's
query inside SpiffWorkflow's stepping counts as stepping); what no part covers is "the rest"
(the facade, sessions, the case's JSON view). The parts:

- SpiffWorkflow stepping: `task.run()` and `advance()` (engine steps, timers, service-task handlers);
- state: encoding the workflow (`StateSerializer.dumps`) and decoding it when it was not cached;
- the case row (its UPDATE with the revision check), the history events, and the ready-task and
  timer rows that changed: one batch (`engine.batch`), and any ORM flush;
- report facts and outbox rows;
- reads: the task's row, the case row, the acting user's account;
- commit.

It also counts the SQL statements of one whole case (SQLAlchemy's `before_cursor_execute`), per
step, and how many of them went in a batch (`engine.batch`: one round trip for the lot on
PostgreSQL), so the round trips a step costs besides BEGIN and COMMIT. The like-for-like baseline
runs one statement a step.

    python -m bench.breakdown [--runs 20] [--database sqlite|postgresql]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

from SpiffWorkflow.task import Task
from sqlalchemy import event
from sqlalchemy.orm import Session

from cli import scenarios
from engine import engine_core, runtime, task_operations
from engine.history import HistoryWriter
from engine.serialization import StateSerializer

from .engine_vs_bare import make_runtime, run_engine_case, temporary_databases
from .run import RESULTS

PARTS = {
    "SpiffWorkflow stepping": [(Task, "run"), (engine_core, "advance")],
    "state: encode, or decode when not cached": [(StateSerializer, "dumps"), (StateSerializer, "loads")],
    "the case row, history, ready tasks and timers (a batch)": [(HistoryWriter, "write"), (Session, "flush"),
                                                                 (runtime.CaseRun, "_write_rows")],
    "report facts, outbox": [(runtime.CaseRun, "upsert_row"), (runtime.CaseRun, "_write_effects")],
    "reads: task row, case row, the user's account": [(task_operations.TaskOperations, "_task_for_actor"),
                                                        (Session, "get"), (task_operations, "actor_for"),
                                                        (task_operations, "require")],
    "commit": [(Session, "commit")],
}


class Stopwatch:
    """Time spent in each part, each moment counted in the outermost part only."""

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()
        self._depth = 0

    def wrap(self, part: str, fn):
        def timed(*args, **kwargs):
            if self._depth:
                return fn(*args, **kwargs)
            self._depth += 1
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[part] += time.perf_counter() - began
                self._depth -= 1

        return timed


@contextmanager
def timed_parts(watch: Stopwatch):
    """Put the stopwatch around every part; the originals are back when the block ends."""
    with ExitStack() as undo:
        for part, targets in PARTS.items():
            for owner, name in targets:
                original = getattr(owner, name)
                setattr(owner, name, watch.wrap(part, original))
                undo.callback(setattr, owner, name, original)
        yield watch


def count_statements(rt) -> dict:
    """The statements one whole case sends, per step: in all, in batches, and the round trips."""
    sent, batched = [], []

    def count(conn, cursor, statement, params, context, executemany):
        sent.append(statement)
        if getattr(conn.connection.driver_connection, "_pipeline", None) is not None:  # psycopg's pipeline
            batched.append(statement)

    event.listen(rt.db, "before_cursor_execute", count)
    try:
        run_engine_case(rt)
    finally:
        event.remove(rt.db, "before_cursor_execute", count)
    steps = 1 + len(scenarios.HAPPY_PATH)  # `case start`, then one `task complete` a task
    trips = len(sent) - len(batched) + (steps if batched else 0)  # a batch a step
    return {"statements_per_step": round(len(sent) / steps, 2), "batched_per_step": round(len(batched) / steps, 2),
            "round_trips_per_step": round(trips / steps, 2)}


def measure(runs: int = 20, database: str = "sqlite") -> dict:
    """Milliseconds per whole case in each part, the total, and each part's share of it."""
    with tempfile.TemporaryDirectory() as tmp, temporary_databases((database,), tmp) as urls:
        rt = make_runtime(urls[database])
        try:
            for _ in range(3):  # warm: parsed spec, statement caches
                run_engine_case(rt)
            statements = count_statements(rt)
            with timed_parts(Stopwatch()) as watch:
                began = time.perf_counter()
                for _ in range(runs):
                    run_engine_case(rt)
                total = time.perf_counter() - began
        finally:
            rt.db.dispose()
    parts = {part: watch.spent[part] / runs * 1000 for part in PARTS}
    parts["the rest (facade, sessions, views)"] = total / runs * 1000 - sum(parts.values())
    return {"database": database, "runs": runs, "total_ms": round(total / runs * 1000, 1), **statements,
            "parts_ms": {k: round(v, 2) for k, v in parts.items()},
            "share": {k: round(v / (total / runs * 1000), 3) for k, v in parts.items()}}


def render(result: dict) -> str:
    lines = [f"whole case through the engine ({result['database']}), {result['runs']} runs: "
             f"{result['total_ms']} ms a case", f"{'part':<60} {'ms':>8} {'share':>7}"]
    for part, ms in result["parts_ms"].items():
        lines.append(f"{part:<60} {ms:>8.2f} {result['share'][part]:>7.1%}")
    lines.append(f"SQL statements a step: {result['statements_per_step']} ({result['batched_per_step']} of them "
                 f"batched), round trips a step besides BEGIN and COMMIT: {result['round_trips_per_step']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--out", type=Path, default=RESULTS / "breakdown.json")
    args = parser.parse_args()
    result = measure(args.runs, args.database)
    print(render(result))
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
