"""The HTTP load benchmark at a tiny size: gunicorn, wrk and its Lua script, and the benchmark's own
accounting of completions against the database, still work together."""
from __future__ import annotations

import pytest

from bench import http_load

pytestmark = [
    pytest.mark.bench,  # make bench-check runs it, make test does not
    pytest.mark.sqlite_only(reason="starts its own PostgreSQL cluster and gunicorn whatever --db says; "
                            "one pass is enough"),
]


def test_http_load_small_run():
    complete, task_list = http_load.measure(cases=40, clients=20, workers=2, seconds=2)

    for row in (complete, task_list):
        assert row["rps"] > 0 and row["requests"] > 0, row
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"], row
        assert row["ours_ms"] == row["p95_ms"]
        assert not [code for code in row["errors"] if int(code) >= 500], row["errors"]
        assert not any(row["socket_errors"].values()), row["socket_errors"]
        assert row["ok"] + sum(row["errors"].values()) == row["requests"]
        assert (row["workers"], row["clients"]) == (2, 20)

    # Every 2xx completion is in the database, and nothing else but what was in flight when wrk stopped.
    assert complete["ok"] <= complete["completed_in_db"] <= complete["ok"] + complete["in_flight_at_stop"]
    assert complete["in_flight_at_stop"] <= complete["clients"]
    assert complete["completed_in_db"] <= complete["cases"] == 40
    # 40 tasks for 20 clients run out within 2 s unless the server managed under 20 completions a second.
    assert complete["ran_out_of_tasks"] or complete["requests"] < 40
    assert complete["errors"] == {}, complete["failed_ids"]  # every request was a different case: no 409
