"""Run the benchmarks, print a table and write it as JSON to bench/results/latest.json.

    python -m bench.run [--timer-cases N] [--task-list-sizes 1000 100000] [--scheduler-cases N]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import audit, engine_vs_bare, replay, schedulers, task_list, timers

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timer-cases", type=int, default=2000, help="due cases for the timer benchmark")
    parser.add_argument("--replay-events", type=int, nargs="+", default=[50, 500],
                        help="case sizes for the replay benchmark (5000 takes most of an hour: see the note)")
    parser.add_argument("--audit-cases", type=int, default=1000, help="cases for `audit verify --all`")
    parser.add_argument("--task-list-sizes", type=int, nargs=2, default=[1000, 100000], metavar=("SMALL", "LARGE"),
                        help="open cases for the task-list benchmark (bulk-inserted), SQLite and PostgreSQL")
    parser.add_argument("--scheduler-cases", type=int, default=2000,
                        help="due cases for one scheduler against two on PostgreSQL (0 to leave it out)")
    args = parser.parse_args()
    print("whole case: engine against bare SpiffWorkflow ...", flush=True)
    rows = engine_vs_bare.measure()
    print(f"timers: {args.timer_cases} due cases ...", flush=True)
    rows += timers.measure(args.timer_cases)
    print(f"replay: cases of {args.replay_events} events ...", flush=True)
    rows += replay.measure(tuple(args.replay_events))
    print(f"audit verify --all: {args.audit_cases} cases ...", flush=True)
    rows += audit.measure(args.audit_cases)
    print(f"task list: {args.task_list_sizes} open cases, SQLite and PostgreSQL ...", flush=True)
    rows += task_list.measure(tuple(args.task_list_sizes))
    if args.scheduler_cases:
        print(f"schedulers: one against two on PostgreSQL, {args.scheduler_cases} due cases ...", flush=True)
        rows += schedulers.measure(args.scheduler_cases)
    print(f"{'benchmark':<96} {'ours ms':>9} {'base ms':>9} {'ratio':>7}")
    for r in rows:
        print(f"{r['name']:<96} {r['ours_ms']:>9} {r['base_ms'] or '':>9} {r['ratio'] or '':>7}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
