"""A process killed (kill -9) in the middle of an engine call leaves the case fully as it was before the
call or fully as it is after it: never a completed task without its history, projection or email.

Each kill lands at a different moment of one `complete_task` whose service-task handler is slow: before
the call, inside the transaction while the handler runs (the case row is already updated, not
committed), and after the commit. The database is usable at once afterwards (no stale lock on SQLite,
no stuck session on PostgreSQL), and every case replays and verifies."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import func, select

from cli import scenarios
from engine.models import Case, HistoryEvent, OutboxMessage, Timer
from tests.conftest import FIXTURES, ROOT

HANDLER_SLEEP = 0.5
# seconds after "go": before the engine reaches the handler, in the handler (x3), long after the commit
KILL_AFTER = (0.0, 0.15, 0.3, 0.45, 2.5)


def _snapshot(h, case_id: str) -> dict:
    def read(s):
        case = s.get(Case, case_id)
        return {"revision": case.revision, "history_seq": case.history_seq, "state": case.state,
                "events": s.scalar(select(func.count()).select_from(HistoryEvent).where(HistoryEvent.case_id == case_id)),
                "mails": s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.case_id == case_id)),
                "timers": s.scalar(select(func.count()).select_from(Timer).where(Timer.case_id == case_id))}
    return h.query(read)


def test_kill_9_mid_transaction_leaves_each_case_fully_before_or_fully_after(harness, db_url):
    harness.deploy(FIXTURES / "stress.bpmn")
    cases = [harness.call("start_case", "stress", {"pupil_name": f"P {i}", "ap_setting":
                                                   scenarios.START_DATA["ap_setting"]}, "ava.ap")
             for i in range(len(KILL_AFTER))]
    now = (harness.clock.now() + timedelta(days=2)).isoformat()  # the reminder is due: the handler runs
    procs = []
    for case in cases:
        task_id = next(t["task_id"] for t in case["ready_tasks"] if t["task"] == "part_a")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "tests.integration.fault_workers", db_url, task_id, now, str(HANDLER_SLEEP)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.stderr.read() if p.poll() is not None else ""

    before = {c["case_id"]: _snapshot(harness, c["case_id"]) for c in cases}
    seen = {}
    for case, proc, delay in zip(cases, procs, KILL_AFTER, strict=True):
        proc.stdin.write("go\n")
        proc.stdin.flush()
        time.sleep(delay)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        seen[case["case_id"]] = proc.stdout.read().split()
        proc.stderr.close()

    outcomes = {}
    for case_id, marks in seen.items():
        now_state, old = _snapshot(harness, case_id), before[case_id]
        if now_state == old:
            outcomes[case_id] = "before"
            assert "committed" not in marks
            shown = harness.call("show_case", case_id)
            assert sorted(t["task"] for t in shown["ready_tasks"]) == ["part_a", "part_b"]
        else:
            outcomes[case_id] = "after"
            assert "handler-done" in marks, f"{case_id} changed without the handler finishing: {marks}"
            shown = harness.call("show_case", case_id)
            assert shown["data"]["a"] == 42 and shown["data"]["reminded"] == ["part_a"]
            assert [t["task"] for t in shown["ready_tasks"]] == ["part_b"]
            assert (now_state["mails"], now_state["timers"]) == (1, 0)
            assert now_state["revision"] > old["revision"] and now_state["events"] > old["events"]
    kills_in_handler = [c for c, marks in seen.items() if "in-handler" in marks and "handler-done" not in marks]
    assert kills_in_handler, f"no kill landed inside the transaction: {seen}"
    assert all(outcomes[c] == "before" for c in kills_in_handler)
    assert outcomes[cases[-1]["case_id"]] == "after", seen

    # The database is not wedged: the interrupted cases can be completed now, and every case verifies.
    for case in cases:
        if outcomes[case["case_id"]] == "before":
            harness.complete(case["case_id"], "part_a", {"a": 42}, "ava.ap")
        assert harness.call("replay", case["case_id"], verify=True)["ok"]
