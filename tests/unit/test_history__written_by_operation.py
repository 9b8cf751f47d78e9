"""History is written by the operation that makes the event (`HistoryWriter.write`), not by a listener
on every Session: a bare flush writes nothing, and an operation's events are in the database, in
order and chained, before its transaction commits."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine.facade import Engine
from engine.history import HistoryWriter, verify_chain
from engine.models import Case, HistoryEvent
from tests.unit.test_engine__mini_process import mini  # noqa: F401  (the same small process)


def test_no_listener_on_the_session_class_writes_history():
    import engine.history as history

    for name in ("after_flush", "before_flush", "after_flush_postexec"):
        listeners = [fn for fn in vars(history).values() if callable(fn) and event.contains(Session, name, fn)]
        assert listeners == [], f"{name}: {listeners}"


def test_an_append_is_written_by_write_only(mini):  # noqa: F811
    case_id = mini.call("start_case", "mini", {"pupil_name": "Sam Smith"}, "ava.ap")["case_id"]
    session = mini.sessions()
    case = session.get(Case, case_id)
    before = case.history_seq
    writer = HistoryWriter(session, case)
    writer.append(datetime(2026, 3, 2, 10, tzinfo=UTC), "ava.ap", "note", None, {"n": 1})
    session.flush()
    stored = lambda: session.scalars(select(HistoryEvent.seq).where(HistoryEvent.case_id == case_id)).all()  # noqa: E731
    assert writer.unwritten == 1 and max(stored()) == before
    writer.write()
    assert writer.unwritten == 0 and max(stored()) == before + 1
    events = session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case_id)
                             .order_by(HistoryEvent.seq)).all()
    assert verify_chain(list(events)) is None
    session.rollback()
    session.close()


def test_an_operations_events_are_in_the_database_before_it_commits(mini):  # noqa: F811
    case_id = mini.call("start_case", "mini", {"pupil_name": "Sam Smith"}, "ava.ap")["case_id"]
    task_id = mini.call("show_case", case_id)["ready_tasks"][0]["task_id"]
    session = mini.sessions()
    eng = Engine(session, mini.clock, mini.registry, mini.policy, mini.specs)
    eng.complete_task(task_id, {"answer": 2, "sure": True}, "ava.ap")
    kinds = session.scalars(select(HistoryEvent.kind).where(HistoryEvent.case_id == case_id)
                            .order_by(HistoryEvent.seq)).all()
    assert kinds[-3:] == ["task_completed", "service_completed", "case_completed"]
    session.rollback()  # nothing committed: the events go with the rest of the transaction
    session.close()
    assert "task_completed" not in [e["kind"] for e in mini.call("history", case_id)]
