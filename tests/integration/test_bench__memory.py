"""The memory benchmark at tiny sizes: the databases, gunicorn with its worker found and its memory read,
the request mix, and the real `reintegrate scheduler` firing every due timer still work together (no
figure is asserted against a goal: they are for the note)."""
from __future__ import annotations

import pytest

from bench import memory

pytestmark = [
    pytest.mark.bench,  # make bench-check runs it, make test does not
    pytest.mark.sqlite_only(reason="builds its own SQLite files and starts its own gunicorn and scheduler "
                            "whatever --db says; one pass is enough"),
]


def test_memory_rows_at_tiny_sizes():
    web, scheduler = memory.measure(sizes=(50, 200), rounds=3, timer_cases=12, reintegration_cases=2)
    sizes = ("50", "200")

    for row in (web, scheduler):
        assert {"name", "ours_ms", "base_ms", "ratio"} <= row.keys()
        assert row["ratio"] == pytest.approx(row["rss_mib"]["200"] / row["rss_mib"]["50"], abs=0.01)
        assert row["cases"]["200"] - row["cases"]["50"] == 150  # the same real cases besides the bulk ones

    assert "web worker" in web["name"] and "scheduler" in scheduler["name"]
    for size in sizes:
        assert 0 < web["startup_rss_mib"][size] <= web["peak_after_sign_in_mib"][size] <= web["rss_mib"][size]
        assert web["rss_after_requests_mib"][size] <= web["rss_mib"][size]
        assert web["la_user_tasks"][size] > 0
        assert 0 < scheduler["idle_rss_mib"][size] and 0 < scheduler["rss_mib"][size]
        # every timer due at FIRE_AT was fired by the scheduler, and each timer case ran to its end
        assert scheduler["due"][size] >= 12 and scheduler["fired"][size] == scheduler["due"][size]
        assert scheduler["failed"][size] == 0 and scheduler["timer_cases_completed"][size] == 12
    assert web["requests"]["50"] == web["requests"]["200"] > 3 * 7  # the same mix at both sizes
    assert set(web["request_kinds"]) >= {"api task list, LA", "case page", "audit view", "report page", "report csv"}
