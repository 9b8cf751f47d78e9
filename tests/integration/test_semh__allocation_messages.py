"""An SEMH allocation sent as a message (`inclusion_allocation`, as the API and `case message` send it)
goes through the code that keeps the quota: it takes a core place exactly once, or is refused when the
school's places for the term are gone, even when two are sent at the same moment (two threads, each
in its own transaction, on SQLite and on PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from engine.errors import Conflict, InvalidData
from schooling.core_places import ledger
from schooling.models import CorePlace
from tests.integration.test_semh__paths import nominate
from tests.integration.timetable_cases import SEMH, add_staff, deploy

MEETING = {"offer": "core", "meeting_date": "2026-03-02"}
TERM = "2025/26 spring"


@pytest.fixture
def h(harness):
    add_staff(harness)
    deploy(harness, SEMH)
    return harness


def _send(h, case_id: str, actor: str = "lee.la") -> dict:
    return h.call("send_message", case_id, "inclusion_allocation", MEETING, actor)


def _places(h) -> list[tuple[int, str]]:
    return h.query(lambda s: [tuple(r) for r in s.execute(select(CorePlace.place_number, CorePlace.case_id)
                                                          .order_by(CorePlace.place_number))])


def _at_once(senders) -> list[str]:
    """Run each sender in its own thread, released together; what each ended with."""
    barrier, outcomes = threading.Barrier(len(senders)), [""] * len(senders)

    def run(i: int) -> None:
        barrier.wait()
        try:
            senders[i]()
            outcomes[i] = "allocated"
        except InvalidData as exc:
            outcomes[i] = f"refused: {exc}"
        except Conflict as exc:
            outcomes[i] = f"conflict: {exc}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(senders))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_a_message_takes_a_place_and_the_payload_names_it(h):
    case_id = nominate(h)
    case = _send(h, case_id)
    assert case["data"]["inclusion_allocation"] == {**MEETING, "term": TERM, "place_number": 1}
    assert (case["data"]["offer"], case["data"]["core_place_number"]) == ("core", 1)
    assert _places(h) == [(1, case_id)]
    with h.transaction() as eng:
        assert ledger(eng.session, eng.policy, TERM)["Hollybrook High School"]["allocated"] == 1


def test_the_last_place_sent_for_twice_at_the_same_moment_is_taken_once(h):
    first = nominate(h)
    _send(h, first)  # one of the two places gone
    second, third = nominate(h), nominate(h)

    def allocate(case_id: str):
        def send() -> None:
            while True:  # a lost race is a clean conflict: do what it says, look again and retry
                try:
                    _send(h, case_id)
                    return
                except Conflict as exc:
                    assert "at the same moment" in str(exc) or "changed by someone else" in str(exc)
        return send

    outcomes = _at_once([allocate(second), allocate(third)])
    assert sorted(o.split(":")[0] for o in outcomes) == ["allocated", "refused"], outcomes
    assert "used its 2 Core Offer Inclusion Placements" in next(o for o in outcomes if o.startswith("refused"))
    winner = (second, third)[outcomes.index("allocated")]
    assert _places(h) == [(1, first), (2, winner)]


def test_the_same_allocation_sent_twice_at_the_same_moment_takes_one_place(h):
    case_id = nominate(h)
    outcomes = _at_once([lambda: _send(h, case_id), lambda: _send(h, case_id)])
    assert sorted(o.split(":")[0] for o in outcomes) == ["allocated", "conflict"], outcomes
    assert _places(h) == [(1, case_id)]
    assert h.call("show_case", case_id)["data"]["core_place_number"] == 1
    with pytest.raises(Conflict, match="not waiting for message"):
        _send(h, case_id)
    assert _places(h) == [(1, case_id)]


def test_refused_senders_change_nothing(h):
    case_id = nominate(h)
    for actor in ("omar.home", "hal.home", "oli.outreach"):  # the home school, and a team of the authority
        with pytest.raises(Exception, match="cannot send this message"):
            _send(h, case_id, actor)
    with pytest.raises(InvalidData, match="offer"):
        h.call("send_message", case_id, "inclusion_allocation", {"meeting_date": "2026-03-02"}, "lee.la")
    assert _places(h) == [] and h.call("show_case", case_id)["data"].get("offer") is None
