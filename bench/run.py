"""Run the benchmarks, print a table and write it as JSON to bench/results/latest.json."""
from __future__ import annotations

import json
from pathlib import Path

from bench import engine_vs_bare

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    rows = engine_vs_bare.measure()
    print(f"{'benchmark':<90} {'ours ms':>9} {'base ms':>9} {'ratio':>7}")
    for r in rows:
        print(f"{r['name']:<90} {r['ours_ms']:>9} {r['base_ms']:>9} {r['ratio']:>7}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
