"""A deadlock is retried, not shown to a person: the database rolls back the transaction it chose as
the loser, and `Runtime.transact` (behind every web and API request) runs it again from the start.

The deadlock is real: another session locks the case's ready-task rows, the engine's step updates
the case row and then waits for those rows, and the other session then waits for the case row.
PostgreSQL breaks the cycle by rolling back the engine's step; the other session commits; the step
runs again and goes through, once."""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from cli import scenarios as s
from engine.access import add_user
from engine.clock import FixedClock
from engine.db import is_transient
from engine.models import HistoryEvent
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy
from tests.conftest import REINTEGRATION


@pytest.fixture
def rt(db_url) -> Runtime:
    runtime = Runtime(url=db_url, clock=FixedClock(datetime(2027, 1, 11, 9, tzinfo=UTC)), policy=load_policy(),
                      registry=default_registry())
    runtime.upgrade()
    with runtime.engine() as eng:
        eng.deploy(REINTEGRATION.read_bytes(), str(REINTEGRATION), "system")
        add_user(eng.session, "ava.ap", "ap_setting", s.START_DATA["ap_setting"], runtime.clock.now())
    yield runtime
    runtime.db.dispose()


def _other_session_closing_the_cycle(url: str, case_id: str, done: dict) -> None:
    """Lock the case's ready tasks, wait until the engine waits for them, then ask for the case row."""
    other = create_engine(url)
    try:
        with other.begin() as conn:
            conn.execute(text("SET LOCAL deadlock_timeout = '30s'"))  # so that PostgreSQL picks the engine
            conn.execute(text("SELECT id FROM ready_tasks WHERE case_id = :c FOR UPDATE"), {"c": case_id})
            done["locked"].set()
            deadline = time.monotonic() + 20
            while not conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                        "AND pid <> pg_backend_pid()")).scalar():
                assert time.monotonic() < deadline, "the engine never waited for the locked rows"
                time.sleep(0.02)
            conn.execute(text("UPDATE cases SET updated_at = updated_at WHERE id = :c"), {"c": case_id})
        done["committed"] = True
    finally:
        other.dispose()


@pytest.mark.postgresql_only(reason="a deadlock between two sessions; SQLite has one writer at a time")
def test_the_step_that_lost_a_deadlock_runs_again_and_completes_once(rt, db_url, caplog):
    with rt.engine() as eng:
        case = eng.start_case("reintegration", s.START_DATA, "ava.ap")
    task_id = next(t["task_id"] for t in case["ready_tasks"] if t["task"] == "record_parental_consent")
    done = {"locked": threading.Event(), "committed": False}
    other = threading.Thread(target=_other_session_closing_the_cycle, args=(db_url, case["case_id"], done))
    other.start()
    assert done["locked"].wait(20)
    with caplog.at_level(logging.WARNING, logger="engine.wiring"):
        after = rt.transact(lambda eng: eng.complete_task(task_id, s.HAPPY_PATH["record_parental_consent"], "ava.ap"))
    other.join(30)
    assert done["committed"], "the other session should have won the deadlock and committed"
    assert "deadlock detected" in caplog.text and "running it again (attempt 2 of 3)" in caplog.text
    assert "gather_information" in {t["task"] for t in after["ready_tasks"]}
    with rt.sessions() as session:
        completed = session.query(HistoryEvent).filter_by(case_id=case["case_id"], kind="task_completed").all()
    assert [e.data["task_id"] for e in completed] == [task_id]  # once, though the step ran twice


def test_what_counts_as_worth_running_again(tmp_path):
    """SQLite still locked after its busy timeout is; a constraint or a plain error is not."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER UNIQUE)")
    holder.execute("BEGIN IMMEDIATE")
    impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    with pytest.raises(OperationalError) as locked:
        with impatient.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
    holder.execute("COMMIT")
    with impatient.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    with pytest.raises(DBAPIError) as duplicate:
        with impatient.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
    impatient.dispose()
    holder.close()
    assert is_transient(locked.value)
    assert not is_transient(duplicate.value) and not is_transient(ValueError("database is locked"))
