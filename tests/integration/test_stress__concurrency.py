"""Several OS processes race on the same cases at once, through the engine facade (as the CLI and the
scheduler call it) and through the REST API, and the counts prove it held:

phase 1: on every case two processes complete `part_a` (one via the API, one via the engine), two
complete the parallel `part_b`, and one or two schedulers fire the due timer branch: exactly one
completion per task, the winner's value is the one stored (no lost update), the timer branch ran
once (one reminder in the outbox), and every loser got a clean Conflict / HTTP 409;
phase 2: on every case two processes complete `final` while two deliver the message `withdrawn` that
interrupts it: exactly one of the four wins, and the history says which.

Afterwards every case's history chain and stored state verify by replay. SQLite runs it with one
scheduler (one writer at a time, busy timeouts); PostgreSQL with two (row locks, SKIP LOCKED).
"""
from __future__ import annotations

import multiprocessing
import queue
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cli import scenarios
from engine import accounts
from engine.models import Case, HistoryEvent, OutboxMessage, ReadyTask, Timer, User
from tests.conftest import FIXTURES
from tests.integration import concurrency_workers as w

CASES = 24
DEADLINE_S = 150  # for each phase, all processes included; the whole test takes 10-25 s here


@pytest.fixture
def world(harness, request):
    """The stress process deployed, CASES cases started, ava.ap's API token; the clock is past the timer."""
    harness.deploy(FIXTURES / "stress.bpmn")
    with harness.transaction() as eng:
        token = accounts.issue_token(eng.session.scalar(select(User).where(User.name == w.ACTOR)))
        case_ids = [eng.start_case("stress", {"pupil_name": f"Pupil {i}", "due_date": "2026-03-04",
                                              "ap_setting": scenarios.START_DATA["ap_setting"]}, w.ACTOR)["case_id"]
                    for i in range(CASES)]
    schedulers = 2 if request.config.getoption("--db") == "postgresql" else 1
    return harness, token, case_ids, harness.clock.now() + timedelta(days=2), schedulers


def _run(ctx, targets: list[tuple], stop=None) -> list[dict]:
    """Start one process per (function, args...), each given the barrier and the result queue; gather."""
    barrier, out = ctx.Barrier(len(targets)), ctx.Queue()
    procs = [ctx.Process(target=fn, args=(*args, barrier, out), daemon=True) for fn, *args in targets]
    for p in procs:
        p.start()
    results, deadline = [], time.monotonic() + DEADLINE_S
    racers = sum(1 for fn, *_ in targets if fn is not w.scheduler)
    try:
        while len(results) < len(procs):
            try:
                results.append(out.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
                raise AssertionError(f"only {len(results)} of {len(procs)} workers reported in {DEADLINE_S} s "
                                     f"(exit codes of dead workers: {dead})") from None
            if stop is not None and sum("rows" in r for r in results) == racers:
                stop.set()  # the racers are done: the schedulers make one last pass and report
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join()
    return results


def _events(h, case_ids):
    def read(session):
        return session.execute(select(HistoryEvent.case_id, HistoryEvent.kind, HistoryEvent.element,
                                      HistoryEvent.data, HistoryEvent.actor)
                               .where(HistoryEvent.case_id.in_(case_ids)).order_by(HistoryEvent.id)).all()
    return h.query(read)


def test_processes_racing_on_the_same_cases_lose_nothing_and_conflict_cleanly(world):
    h, token, case_ids, t1, schedulers = world
    ctx = multiprocessing.get_context("spawn")
    url = h.url

    # -- phase 1: part_a x2, part_b x2, timers ------------------------------------------------------
    stop = ctx.Event()
    targets = [
        (w.task_racer, "a-api", url, t1, "api", token, "part_a", "a", 1000, case_ids),
        (w.task_racer, "a-engine", url, t1, "engine", token, "part_a", "a", 2000, case_ids),
        (w.task_racer, "b-api", url, t1, "api", token, "part_b", "b", 3000, case_ids),
        (w.task_racer, "b-engine", url, t1, "engine", token, "part_b", "b", 4000, case_ids),
    ] + [(w.scheduler, f"scheduler-{n}", url, t1, stop) for n in range(schedulers)]
    results = _run(ctx, targets, stop)
    racers = [r for r in results if "rows" in r]
    scheds = [r for r in results if "fired" in r]
    errors = [e for r in results for e in r["errors"]]
    assert errors == [], "\n".join(errors)

    won = {(row["case_id"], row["element"]): [] for row in (x for r in racers for x in r["rows"])}
    for row in (x for r in racers for x in r["rows"]):
        if row["outcome"] == "won":
            won[(row["case_id"], row["element"])].append(row)
    assert {k: len(v) for k, v in won.items() if len(v) != 1} == {}, "a task was completed twice or never"
    phase1_conflicts = sum(r["conflicts"] for r in racers)
    # A scheduler that loses its race to a user's change must see a clean Conflict too, and only that.
    sched_failures = [f for r in scheds for f in r["failed"]]
    assert [f for f in sched_failures if not f["error"].startswith("Conflict:")] == []
    assert not any(f["case_in_error"] for f in sched_failures)

    events = _events(h, case_ids)
    completed = Counter((e.case_id, e.data["task_id"]) for e in events if e.kind == "task_completed")
    assert set(completed.values()) == {1}, "a task has two task_completed events"
    by_case = {c: h.call("show_case", c) for c in case_ids}
    for case_id, case in by_case.items():
        data = case["data"]
        # No lost update: both parallel branches' values are in the case, and they are the winners'.
        assert data["a"] == won[(case_id, "part_a")][0]["value"], case_id
        assert data["b"] == won[(case_id, "part_b")][0]["value"], case_id
        assert data["reminded"] == ["part_a"], case_id  # the timer branch ran exactly once
        assert [t["task"] for t in case["ready_tasks"]] == ["final"] and case["waiting_timers"] == []
    outbox = h.query(lambda s: dict(s.execute(select(OutboxMessage.case_id, func.count())
                                              .where(OutboxMessage.case_id.in_(case_ids))
                                              .group_by(OutboxMessage.case_id)).all()))
    assert outbox == dict.fromkeys(case_ids, 1), "a reminder was lost or sent twice"
    fired_by_scheduler = Counter(f["case_id"] for r in scheds for f in r["fired"])
    assert max(fired_by_scheduler.values(), default=1) == 1
    timer_fired = Counter(e.case_id for e in events if e.kind == "timer_fired")
    assert all(n <= 1 for n in timer_fired.values())

    # -- phase 2: final x2 against the interrupting message x2 -------------------------------------
    targets = [
        (w.finisher, "final-api", url, t1, "api", token, "final", case_ids),
        (w.finisher, "final-engine", url, t1, "engine", token, "final", case_ids),
        (w.finisher, "withdraw-api", url, t1, "api", token, "withdrawn", case_ids),
        (w.finisher, "withdraw-engine", url, t1, "engine", token, "withdrawn", case_ids),
    ]
    results = _run(ctx, targets)
    errors = [e for r in results for e in r["errors"]]
    assert errors == [], "\n".join(errors)
    winners = {c: [] for c in case_ids}
    rows = [x for r in results for x in r["rows"]]
    for row in rows:
        assert row["outcome"] in ("won", "conflict", "gone", "notfound"), row
        if row["outcome"] == "won":
            winners[row["case_id"]].append(row)
    assert {c: len(v) for c, v in winners.items() if len(v) != 1} == {}, "not exactly one winner per case"
    # Known gap (reported): a task cancelled under the caller (here: `final`, interrupted by the message)
    # is NotFound / 404, not Conflict / 409, because the engine only recognises *completed* tasks as
    # stale. It must never happen where the task was completed by someone else: that is a Conflict.
    stale_404 = [row for row in rows if row["outcome"] == "notfound"]
    assert all(row["action"] == "final" and winners[row["case_id"]][0]["action"] == "withdrawn"
               for row in stale_404), stale_404
    phase2_conflicts = sum(r["conflicts"] for r in results)

    events = _events(h, case_ids)
    for case_id in case_ids:
        mine = [e for e in events if e.case_id == case_id]
        finals = [e for e in mine if e.kind == "task_completed" and e.element == "final"]
        withdrawals = [e for e in mine if e.kind == "message_received" and e.data["message"] == "withdrawn"]
        winner = winners[case_id][0]
        if winner["action"] == "final":
            assert (len(finals), len(withdrawals)) == (1, 0), case_id
            assert finals[0].data["data"] == {"note": f"by {winner['worker']}"}
        else:
            assert (len(finals), len(withdrawals)) == (0, 1), case_id
            assert withdrawals[0].data["data"] == {"by": winner["worker"]}
        assert [e.kind for e in mine].count("case_completed") == 1

    def leftovers(session):
        return (dict(session.execute(select(Case.status, func.count()).where(Case.id.in_(case_ids))
                                     .group_by(Case.status)).all()),
                session.scalar(select(func.count()).select_from(ReadyTask).where(ReadyTask.case_id.in_(case_ids))),
                session.scalar(select(func.count()).select_from(Timer).where(Timer.case_id.in_(case_ids))))
    assert h.query(leftovers) == ({"completed": CASES}, 0, 0)

    # The races were real: some calls lost and were refused cleanly.
    assert phase1_conflicts > 0 and phase2_conflicts > 0, (phase1_conflicts, phase2_conflicts)
    for case_id in case_ids:
        replay = h.call("replay", case_id, verify=True)
        assert replay["ok"], (case_id, replay["problems"])
    print(f"\nstress: {CASES} cases; phase 1 conflicts {phase1_conflicts}, scheduler fired "
          f"{sum(fired_by_scheduler.values())} and lost {len(sched_failures)} races; "
          f"phase 2 conflicts {phase2_conflicts}, stale 404s {len(stale_404)}")
