"""One scheduler pass (`fire_due`) over a backlog: every due case once, in batches, and a timer that
falls due while the pass runs (one the pass itself wrote) waits for the next pass."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from engine.models import HistoryEvent, Timer
from engine.timers import fire_due
from tests.conftest import FIXTURES


def _start(h, n: int) -> list[str]:
    return [h.call("start_case", "two_timers", {"pupil_name": f"Pupil {i}"}, "system")["case_id"] for i in range(n)]


def _fired_per_case(h) -> dict[str, int]:
    return dict(h.query(lambda s: s.execute(select(HistoryEvent.case_id, func.count())
                                            .where(HistoryEvent.kind == "timer_fired")
                                            .group_by(HistoryEvent.case_id)).all()))


def test_a_backlog_larger_than_a_batch_fires_every_case_once(make_harness):
    h = make_harness()
    h.deploy(FIXTURES / "two_timers.bpmn")
    cases = _start(h, 23)
    h.clock.advance(days=8)  # both dated timers are long past: one firing runs through both

    report = fire_due(h.transaction, h.clock.now, "test", batch=5)
    assert report.failed == []
    assert sorted(f["case_id"] for f in report.fired) == sorted(cases)
    assert _fired_per_case(h) == dict.fromkeys(cases, 1)
    assert all(h.call("show_case", c)["status"] == "completed" for c in cases)
    assert fire_due(h.transaction, h.clock.now, "test").fired == []
    assert h.query(lambda s: s.scalar(select(func.count()).select_from(Timer))) == 0


def test_a_timer_that_falls_due_during_a_pass_waits_for_the_next_one(make_harness):
    h = make_harness()
    h.deploy(FIXTURES / "two_timers.bpmn")
    cases = _start(h, 7)
    h.clock.set(datetime(2026, 3, 3, 10, tzinfo=UTC))  # the first timer is due, the second not yet
    calls = []

    def now():
        """The pass's clock: a long pass, so by its second claim the second timers are due too."""
        calls.append(1)
        if len(calls) == 2:
            h.clock.set(datetime(2026, 3, 5, 10, tzinfo=UTC))
        return h.clock.now()

    first = fire_due(h.transaction, now, "test", batch=50)
    assert len(calls) >= 2
    assert {f["task"] for f in first.fired} == {"first_date"} and len(first.fired) == len(cases)
    assert _fired_per_case(h) == dict.fromkeys(cases, 1)  # fired once in the pass, not twice
    second = fire_due(h.transaction, h.clock.now, "test", batch=50)
    assert {f["task"] for f in second.fired} == {"second_date"} and len(second.fired) == len(cases)
    assert all(h.call("show_case", c)["status"] == "completed" for c in cases)


def test_a_pass_with_nothing_due_fires_nothing(make_harness):
    h = make_harness()
    h.deploy(FIXTURES / "two_timers.bpmn")
    assert fire_due(h.transaction, h.clock.now, "test").fired == []  # no timers at all
    _start(h, 2)
    h.clock.set(h.clock.now() - timedelta(days=30))
    assert fire_due(h.transaction, h.clock.now, "test").fired == []  # not due yet
