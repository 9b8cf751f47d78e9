"""Run the benchmarks, print a table and write it as JSON to bench/results/latest.json.

    python -m bench.run [--only NAME ...] [--timer-cases N] [--task-list-sizes 1000 100000] ...

Each row is a ratio measured within one run (ours against a baseline, or the large size against the
small one), so that the machine's speed and load affect both sides alike. A line on stderr says
which benchmark is running; the machine the table was measured on is written with it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
BENCHMARKS = ("whole_case", "timers", "schedulers", "task_list", "reports", "replay", "audit", "http", "memory")


def report_rows(sizes: tuple[int, int]) -> list[dict]:
    """Every report over the small and the large number of cases (SQLite files): first with the cases
    spread over ten years (so the year reported grows a hundredfold too), then with the large database
    made of the small one plus past years' cases (the year reported stays the same)."""
    from bench import reports

    small, large = sizes
    with tempfile.TemporaryDirectory() as tmp:
        urls = {n: f"sqlite:///{Path(tmp) / f'reports_{n}.sqlite3'}" for n in sizes}
        for n, url in urls.items():
            reports.populate(url, n)
        urls["grown"] = f"sqlite:///{Path(tmp) / 'reports_grown.sqlite3'}"
        reports.populate(urls["grown"], small)
        reports.add_past_years(urls["grown"], large - small, first=small)
        results = reports.measure(urls)  # the three databases take turns, run by run
    rows = []
    for label in results[small]:
        a, b = results[small][label], results[large][label]
        rows.append({"name": f"report {label}: {large:,} / {small:,} cases over ten years (SQLite)", "ours_ms": b,
                     "base_ms": a, "ratio": round(b / a, 2) if a else None})
    for label in results[small]:
        a, b = results[small][label], results["grown"][label]
        rows.append({"name": f"report {label}: the same year's cases in a database of {large:,} / {small:,} (SQLite)",
                     "ours_ms": b, "base_ms": a, "ratio": round(b / a, 2) if a else None, "goal_ratio": 1.0})
    return rows


def machine() -> dict:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = None
    return {"cpus": os.cpu_count(), "memory_gib": round(memory, 1) if memory else None,
            "python": platform.python_version(), "platform": platform.platform(), "at": datetime.now(UTC).isoformat()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS), help="run only these")
    parser.add_argument("--runs", type=int, default=15, help="whole cases per variant")
    parser.add_argument("--timer-cases", type=int, default=2000, help="due cases for the timer benchmark")
    parser.add_argument("--scheduler-cases", type=int, default=2000, help="due cases, one scheduler against two (PostgreSQL)")
    parser.add_argument("--replay-events", type=int, nargs="+", default=[50, 500],
                        help="case sizes for the replay benchmark (5000 takes most of an hour: see the note)")
    parser.add_argument("--audit-cases", type=int, default=1000, help="cases for `audit verify --all`")
    parser.add_argument("--task-list-sizes", type=int, nargs=2, default=[1000, 100000], metavar=("SMALL", "LARGE"),
                        help="open cases for the task-list, report and memory benchmarks (bulk-inserted)")
    parser.add_argument("--http-seconds", type=int, default=10, help="seconds of load per HTTP run")
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"],
                        help="for the whole-case and task-list benchmarks")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()
    sizes = tuple(args.task_list_sizes)
    from bench import audit, engine_vs_bare, http_load, memory, replay, schedulers, task_list, timers

    plan = {
        "whole_case": lambda: engine_vs_bare.measure(args.runs, tuple(args.databases)),
        "timers": lambda: timers.measure(args.timer_cases),
        "schedulers": lambda: schedulers.measure(args.scheduler_cases),
        "task_list": lambda: task_list.measure(sizes, databases=tuple(args.databases)),
        "reports": lambda: report_rows(sizes),
        "replay": lambda: replay.measure(tuple(args.replay_events)),
        "audit": lambda: audit.measure(args.audit_cases),
        # enough ready tasks for the run at ~300 completions a second
        "http": lambda: http_load.measure(cases=max(2000, 300 * args.http_seconds), seconds=args.http_seconds),
        "memory": lambda: memory.measure(sizes),
    }
    rows = []
    for name in args.only:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        new = plan[name]()
        for row in new:
            row.setdefault("benchmark", name)
        rows += new
        print(f"bench: {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(f"{'benchmark (ms, or bytes for state written)':<100} {'ours':>9} {'base':>9} {'ratio':>7}")
    for r in rows:
        ours, base = r.get("ours_ms", r.get("ours_bytes")), r.get("base_ms", r.get("base_bytes"))
        print(f"{r['name']:<100} {ours or '':>9} {base or '':>9} {r.get('ratio') or '':>7}")
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    print(f"written to {args.out}; `python -m bench.table` prints it as the README's Markdown table", file=sys.stderr)


if __name__ == "__main__":
    main()
