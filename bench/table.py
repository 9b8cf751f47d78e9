"""The benchmark table as Markdown, for the README: `python -m bench.table [bench/results/latest.json]`.

One line says the machine it ran on; each row gives ours, the baseline, the ratio measured in the
same run, and the goal the issue set with whether this run met it.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.run import RESULTS

#: A "flat" goal (the same time at the large size as at the small one) is met at this ratio or under:
#: one run's noise on a shared machine.
FLAT = 1.5


def _ms(value) -> str:
    if value is None or value == "":
        return ""
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def _goal(row: dict) -> str:
    """The goal and whether it is met: a ratio at most `goal_ratio`, or at least it for a speed-up."""
    goal, ratio = row.get("goal_ratio"), row.get("ratio")
    if goal is None or ratio is None:
        return row.get("goal", "")
    if row.get("benchmark") == "schedulers":  # a speed-up: higher is better
        return f"{goal}x: {'met' if ratio >= goal else 'not met'}"
    if goal == 1.0:  # flat: allow the noise of one run
        return f"flat (at most {FLAT}x): {'met' if ratio <= FLAT else 'not met'}"
    return f"{goal}x: {'met' if ratio <= goal else 'not met'}"


def _sides(row: dict) -> tuple[str, str]:
    """What to show as ours and as the baseline: throughput, latency or memory where the row has them."""
    if "ours_per_s" in row:  # timers: fired per second
        return f"{row['ours_per_s']:,}/s", f"{row['base_per_s']:,}/s"
    if "cases_per_s" in row:  # audit verify: cases verified per second, against the time to make them
        made = f"made in {_ms(row['base_ms'])}" if row.get("base_ms") else ""
        return f"{row['cases_per_s']:,} cases/s ({_ms(row.get('ours_ms'))})", made
    if "per_s" in row:  # schedulers: two against one
        return f"two: {row['per_s']['two']:,}/s", f"one: {row['per_s']['one']:,}/s"
    if "rps" in row:  # HTTP
        return f"{row['rps']:,.0f} req/s, p95 {_ms(row.get('p95_ms'))}", ""
    if "ours_bytes" in row:  # state written per step
        return f"{row['ours_bytes']:,} B", f"{row['base_bytes']:,} B"
    if "rss_mib" in row:  # memory at the large size / the small one
        small, large = sorted(row["rss_mib"], key=int)[0], sorted(row["rss_mib"], key=int)[-1]
        return f"{row['rss_mib'][large]:.1f} MiB", f"{row['rss_mib'][small]:.1f} MiB"
    return _ms(row.get("ours_ms")), _ms(row.get("base_ms"))


def markdown(results: dict) -> str:
    m = results.get("machine", {})
    lines = [f"Measured {m.get('at', '')[:10]} on {m.get('cpus')} CPUs, {m.get('memory_gib')} GiB, Python "
             f"{m.get('python')} ({m.get('platform')}).", "",
             "| benchmark | ours | baseline | ratio | goal |", "| --- | --- | --- | --- | --- |"]
    for row in results["rows"]:
        ratio = row.get("ratio")
        ours, base = _sides(row)
        lines.append(f"| {row['name']} | {ours} | {base} | {f'{ratio}x' if ratio is not None else ''} | {_goal(row)} |")
    return "\n".join(lines)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS / "latest.json"
    print(markdown(json.loads(path.read_text())))


if __name__ == "__main__":
    main()
