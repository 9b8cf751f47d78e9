"""A failing case is retried with back-off, never stops the others, and ends in error for an operator."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden
from engine.models import Timer
from engine.registry import HandlerRegistry
from schooling.extensions import plug_in
from schooling.models import CaseFacts
from tests.conftest import FIXTURES


@pytest.fixture
def flaky(make_harness, tmp_path):
    """The mini process with its timer routed to a service task that fails for pupil "Bad"."""
    state = {"fail": True}

    def echo(ctx):
        if ctx.data["pupil_name"] == "Bad" and state["fail"]:
            raise RuntimeError("the records service is down")
        return {"echoed": True}

    registry = plug_in(HandlerRegistry())  # the service's projections too: the reports see the error
    registry.add("echo", echo)
    h = make_harness(registry)
    h.add_people()
    text = (FIXTURES / "mini.bpmn").read_text().replace('sourceRef="too_slow" targetRef="end_late"',
                                                       'sourceRef="too_slow" targetRef="echo_answer"')
    path = tmp_path / "flaky.bpmn"
    path.write_text(text)
    h.deploy(path)
    return h, state


def test_failures_back_off_and_end_in_error_then_an_operator_retries(flaky):
    h, state = flaky
    bad = h.call("start_case", "mini", {"pupil_name": "Bad"}, "ava.ap")["case_id"]
    good = h.call("start_case", "mini", {"pupil_name": "Good"}, "ava.ap")["case_id"]
    h.clock.advance(days=3, minutes=1)
    from engine.timers import fire_due

    report = fire_due(h.transaction, h.clock.now, "test")
    assert report.fired == [{"case_id": good, "task": "too_slow"}]  # the good case is not held up
    assert [f["case_id"] for f in report.failed] == [bad]
    assert "records service is down" in report.failed[0]["error"]
    assert h.call("show_case", good)["status"] == "completed"

    timer = h.query(lambda s: s.scalars(select(Timer).where(Timer.case_id == bad)).one())
    assert timer.attempts == 1 and timer.not_before == h.clock.now() + timedelta(minutes=1)
    assert fire_due(h.transaction, h.clock.now, "test").failed == []  # backing off: not tried yet
    for attempt in range(2, 6):
        h.clock.advance(hours=1)
        report = fire_due(h.transaction, h.clock.now, "test")
        assert report.failed[0]["case_in_error"] is (attempt == 5)
    case = h.call("show_case", bad)
    assert case["status"] == "error" and "failed 5 times" in case["error"]
    assert h.query(lambda ses: ses.get(CaseFacts, bad).status) == "error"  # the reports see it too
    h.clock.advance(days=1)
    assert fire_due(h.transaction, h.clock.now, "test").failed == []  # an error case is left alone

    with pytest.raises(Forbidden):
        h.call("retry_case", bad, "ava.ap")
    state["fail"] = False
    assert h.call("retry_case", bad, "ada.admin")["status"] == "running"
    assert h.query(lambda ses: ses.get(CaseFacts, bad).status) == "running"
    with pytest.raises(Conflict):
        h.call("retry_case", bad, "ada.admin")
    assert h.fire() == [{"case_id": bad, "task": "too_slow"}]
    assert h.call("show_case", bad)["status"] == "completed"
    kinds = [e["kind"] for e in h.call("history", bad)]
    assert kinds.count("error") == 1 and kinds.count("retried") == 1 and kinds[-1] == "case_completed"


def test_a_claimed_timer_is_not_fired_twice_until_its_lease_expires(flaky):
    from engine.timers import claim

    h, _ = flaky
    case_id = h.call("start_case", "mini", {"pupil_name": "Good"}, "ava.ap")["case_id"]
    h.clock.advance(days=3, minutes=1)
    with h.transaction() as eng:
        assert claim(eng, "crashed-worker", h.clock.now(), 10) == [case_id]
    assert h.fire() == []  # leased to a worker that died before firing
    h.clock.advance(minutes=6)  # the lease expired: another worker takes over
    assert h.fire() == [{"case_id": case_id, "task": "too_slow"}]
    assert h.fire() == []
