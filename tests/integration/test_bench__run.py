"""`make bench` at a tiny size: the runner, the whole-case and timer benchmarks, and the JSON it
writes still work together (no time is asserted: a benchmark's figures are for the note). The
benchmarks choose their own databases, so these tests use none of the suite's: `make test` runs them
once, in the pass of the tests that use no database."""
from __future__ import annotations

import json
import sys

import pytest

from bench import engine_vs_bare, run, table, timers


def test_whole_case_rows_compare_one_run_against_each_baseline_and_count_the_state_written():
    rows = engine_vs_bare.measure(runs=1, databases=("sqlite",))
    timed = [r for r in rows if "ours_ms" in r]
    assert len(timed) == 4
    for row in timed:
        assert row["ours_ms"] > 0 and row["base_ms"] > 0
        assert row["ratio"] == pytest.approx(row["ours_ms"] / row["base_ms"], rel=0.05)
    like, memory = timed[0], timed[1]
    assert like["goal_ratio"] == 1.2 and "like-for-like" in like["name"] and "its state only" in like["name"]
    assert memory["goal_ratio"] == 1.5 and "in memory" in memory["name"]
    both, before = [r for r in rows if "ours_bytes" in r]
    # the like-for-like baseline saves with the engine's own serializer: about the same bytes a step
    assert both["ratio"] == pytest.approx(1.0, abs=0.1) and both["base_bytes"] > 0
    assert before["goal_ratio"] == 0.25 and before["ours_bytes"] * 4 < before["base_bytes"]


def test_timer_rows_fire_every_case(tmp_path):
    [row] = timers.measure(30)  # asserts inside that all 30 fired, none failed
    assert row["ours_per_s"] > 0 and row["base_per_s"] > 0


def test_runner_writes_the_table_with_the_machine(tmp_path, monkeypatch, capsys):
    out = tmp_path / "latest.json"
    monkeypatch.setattr(sys, "argv", ["bench.run", "--only", "whole_case", "--runs", "1", "--databases", "sqlite",
                                      "--out", str(out)])
    run.main()
    written = json.loads(out.read_text())
    assert written["machine"]["cpus"] >= 1 and written["machine"]["python"].startswith("3.")
    assert [r["benchmark"] for r in written["rows"]] == ["whole_case"] * 6
    printed = capsys.readouterr().out
    assert all(r["name"] in printed for r in written["rows"])
    md = table.markdown(written).splitlines()
    assert md[0].startswith("Measured ") and f"{written['machine']['cpus']} CPUs" in md[0]
    rows = [line for line in md if line.startswith("| whole case")]
    assert len(rows) == 4 and rows[0].endswith("| 1.2x: met |" if written["rows"][0]["ratio"] <= 1.2
                                               else "| 1.2x: not met |")
    [state] = [line for line in md if line.startswith("| state written per step") and "plain JSON" in line]
    assert " B | " in state and state.endswith("| 0.25x: met |")


def test_a_flat_goal_says_its_threshold():
    row = {"name": "x", "ours_ms": 3.0, "base_ms": 2.0, "ratio": 1.5, "goal_ratio": 1.0}
    line = table.markdown({"rows": [row, {**row, "ratio": 1.51}]}).splitlines()
    assert line[-2].endswith("| flat (at most 1.5x): met |") and line[-1].endswith("| flat (at most 1.5x): not met |")


def test_report_rows_measure_every_report_at_both_sizes_and_with_the_same_year():
    rows = run.report_rows((40, 200))
    spread = [r for r in rows if "over ten years" in r["name"]]
    same_year = [r for r in rows if "the same year's cases" in r["name"]]
    assert len(spread) == len(same_year) >= 10
    assert all(r["ours_ms"] > 0 and r["base_ms"] > 0 for r in rows)
    assert all(r["goal_ratio"] == 1.0 for r in same_year)


def test_breakdown_parts_add_up_to_the_whole_case_and_the_stopwatch_comes_off():
    from SpiffWorkflow.task import Task
    from sqlalchemy.orm import Session

    from bench import breakdown

    originals = (Task.run, Session.flush, Session.get, Session.commit)
    result = breakdown.measure(runs=1)
    assert (Task.run, Session.flush, Session.get, Session.commit) == originals
    parts = result["parts_ms"]
    assert set(parts) == {*breakdown.PARTS, "the rest (facade, sessions, views)"}
    assert all(parts[p] > 0 for p in breakdown.PARTS)  # every part runs in a case
    assert sum(parts.values()) == pytest.approx(result["total_ms"], abs=0.1)
    assert "SpiffWorkflow stepping" in breakdown.render(result)


def test_scheduler_rows_fire_every_batch_exactly_once_one_two_two_one():
    from bench import schedulers

    [row] = schedulers.measure(12)  # asserts inside: each batch fired in full, every case exactly once
    assert row["per_s"]["one"] > 0 and row["per_s"]["two"] > 0 and row["goal_ratio"] == 1.7
    assert row["ratio"] == pytest.approx(row["base_ms"] / row["ours_ms"], rel=0.05)


def test_task_list_rows_time_both_sizes_in_turn_for_both_users():
    from bench import task_list

    rows = task_list.measure(sizes=(20, 80), runs=3, databases=("sqlite",))
    assert [r["name"].split(" (")[0] for r in rows] == ["task list of a school user", "task list of an LA admissions officer"]
    for row in rows:
        assert set(row["median_ms"]) == {"20", "80"} and row["goal_ratio"] == 1.0
        assert row["ratio"] == pytest.approx(row["ours_ms"] / row["base_ms"], rel=0.05)


def test_the_report_benchmark_runs_on_its_own(tmp_path):
    """`python -m bench.reports` in a process of its own (nothing else has declared the service's kinds of
    organisation, which the shipped register needs): each report timed at a tiny size."""
    import subprocess
    from pathlib import Path

    done = subprocess.run([sys.executable, "-m", "bench.reports", "--sizes", "40"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "weightings (spring, one school)" in done.stdout and "timetables" in done.stdout
