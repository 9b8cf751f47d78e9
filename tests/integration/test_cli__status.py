"""`reintegrate status [--json]`: schedulers, timers due and overdue, mail queued and failed, open
incidents; exit 1 when any needs attention, 0 when all is well."""
from __future__ import annotations

import json
from datetime import timedelta

from engine.heartbeat import beat
from engine.incidents import Incident
from engine.models import OutboxMessage
from tests.conftest import FIXTURES


def test_status_counts_what_waits_and_says_what_needs_attention(harness, run_cli, clock):
    harness.deploy(FIXTURES / "timer_only.bpmn")
    for _ in range(2):
        harness.call("start_case", "timer_only", {"pupil_name": "Sam Timer"}, "ava.ap")  # each waits on a 3-day timer
    now = clock.now()  # the CLI's REINTEGRATE_FAKE_NOW is this moment too

    with harness.sessions() as s:
        beat(s, "host-a:1", now - timedelta(seconds=30), fired=4)
        s.commit()
    code, out, _ = run_cli("status", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["attention"] == []
    assert report["timers"] == {"due": 0, "overdue": 0, "waiting": 2, "next_due": (now + timedelta(days=3)).isoformat()}
    assert report["scheduler"]["alive"] == 1 and report["schedulers"][0]["fired"] == 4
    assert report["schedulers"][0]["seconds_since_beat"] == 30 and report["schema"]["ok"] is True

    with harness.sessions() as s:
        s.add(OutboxMessage(idempotency_key="x:1", kind="test", recipient="a@school.example", subject="S", body="B",
                            created_at=now, next_attempt_at=None, attempts=8, last_error="550 no such user",
                            failed_at=now))
        s.add(OutboxMessage(idempotency_key="x:2", kind="test", recipient="b@school.example", subject="S", body="B",
                            created_at=now, next_attempt_at=now, attempts=2, last_error="421 try later"))
        s.add(Incident(case_id="R-1", process_key="timer_only", version=1, element="t", title="T", kind="handler",
                       action="timer", error="boom", payload={}, actor="scheduler", created_at=now, last_at=now,
                       occurrences=1, status="open"))
        s.commit()
    code, out, _ = run_cli("status", "--json")
    report = json.loads(out)
    assert code == 1
    assert report["mail"] == {"queued": 1, "retrying": 1, "failed": 1} and report["incidents"] == {"open": 1}
    assert report["attention"] == ["1 message(s) failed for good", "1 open incident(s)"]


def test_status_text_with_overdue_timers_and_a_silent_scheduler(harness, run_cli, clock, monkeypatch):
    harness.deploy(FIXTURES / "timer_only.bpmn")
    harness.call("start_case", "timer_only", {"pupil_name": "Sam Timer"}, "ava.ap")
    with harness.sessions() as s:
        beat(s, "host-a:1", clock.now(), fired=0)
        s.commit()
    later = clock.now() + timedelta(days=3, minutes=6)  # the timer fell due 6 minutes ago; nothing fired it
    monkeypatch.setenv("REINTEGRATE_FAKE_NOW", later.isoformat())
    code, out, _ = run_cli("status")
    assert code == 1
    lines = out.splitlines()
    assert lines[1].startswith("schedulers: 0 alive (no scheduler has run for more than 5 minutes")
    assert lines[2].startswith("  host-a:1: silent; last beat") and "1 passes, 0 timers fired" in lines[2]
    assert lines[3] == "timers: 1 waiting, 1 due now, 1 overdue"
    assert lines[-1].startswith("ATTENTION: no scheduler has run") and lines[-1].endswith("; 1 timer(s) overdue")


def test_status_before_init_db_says_so(run_cli):
    code, out, _ = run_cli("status")
    assert (code, out) == (1, "ATTENTION: no schema: run `reintegrate init-db`\n")
