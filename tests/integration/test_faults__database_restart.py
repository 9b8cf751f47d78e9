"""The PostgreSQL server crashes (pg_ctl stop -m immediate) and comes back while a client is completing
tasks: every call during the outage fails with a database error that reaches the caller, the same
Runtime's pool recovers on its own (pool_pre_ping) with no restart of the client, and nothing that was
acknowledged is lost or duplicated. The cluster is this test's own, with fsync and synchronous
commit on, so that "acknowledged" means durable."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from cli import scenarios
from engine.access import add_user
from engine.errors import Conflict
from engine.models import HistoryEvent, OutboxMessage
from tests.conftest import FIXTURES, TEST_READ
from tests.integration.concurrency_workers import runtime
from tests.postgres_server import PostgresServer

CASES = 40


@pytest.fixture
def own_cluster():
    server = PostgresServer(durable=True).start()
    yield server
    server.stop()


@pytest.mark.postgresql_only(reason="a database server to restart; SQLite has none (see test_faults__kill_9 "
                                    "and test_faults__disk_full for SQLite's faults)")
def test_server_crash_mid_run_fails_calls_cleanly_then_the_pool_recovers_and_nothing_is_lost(own_cluster, clock):
    url = own_cluster.create_database("faults")
    rt = runtime(url, clock.now())
    rt.upgrade()
    with rt.engine() as eng:
        eng.deploy((FIXTURES / "stress.bpmn").read_bytes(), "stress.bpmn", "system")
        add_user(eng.session, "ava.ap", "ap_setting", scenarios.START_DATA["ap_setting"], clock.now())
    with rt.engine() as eng:
        cases = [eng.start_case("stress", {"pupil_name": f"P {i}", "ap_setting": scenarios.START_DATA["ap_setting"]},
                                "ava.ap") for i in range(CASES)]
    tasks = [next(t["task_id"] for t in c["ready_tasks"] if t["task"] == "part_a") for c in cases]
    rt.clock.set(clock.now() + timedelta(days=2))  # every completion also fires the due reminder: more writes

    acked, recovered, failures = [], [], []

    def client():
        for case, task_id in zip(cases, tasks, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:
                    with rt.engine() as eng:
                        eng.complete_task(task_id, {"a": 7}, "ava.ap")
                    acked.append(case["case_id"])
                    break
                except DBAPIError as exc:  # the outage, as the caller sees it
                    failures.append(type(exc.orig).__name__)
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
                except Conflict:
                    # the commit reached the server before the crash, the answer did not: already done
                    recovered.append(case["case_id"])
                    break

    worker = threading.Thread(target=client)
    worker.start()
    while len(acked) < 5 and worker.is_alive():
        time.sleep(0.005)
    own_cluster.halt("immediate")
    time.sleep(1.0)  # a second of outage: the client keeps trying and failing
    own_cluster.resume()
    worker.join(timeout=120)
    assert not worker.is_alive()

    assert failures, "the crash should land while the client is working"
    assert set(failures) <= {"OperationalError", "AdminShutdown", "InterfaceError"}, set(failures)
    assert sorted(acked + recovered) == sorted(c["case_id"] for c in cases)
    assert len(recovered) <= 1  # at most the one call in flight at the crash

    # Nothing acknowledged was lost, nothing was done twice, and every case is whole.
    with rt.sessions() as s:
        done = dict(s.execute(select(HistoryEvent.case_id, func.count()).where(
            HistoryEvent.kind == "task_completed").group_by(HistoryEvent.case_id)).all())
        mails = dict(s.execute(select(OutboxMessage.case_id, func.count()).group_by(OutboxMessage.case_id)).all())
    ids = [c["case_id"] for c in cases]
    assert done == dict.fromkeys(ids, 1)
    assert mails == dict.fromkeys(ids, 1)
    for case_id in ids:
        with rt.engine() as eng:
            case = eng.show_case(case_id, viewer=TEST_READ)
            assert case["data"]["a"] == 7 and [t["task"] for t in case["ready_tasks"]] == ["part_b"]
            assert eng.replay(case_id, verify=True, viewer=TEST_READ)["ok"]


@pytest.mark.postgresql_only(reason="a database server to restart")
def test_pool_pre_ping_is_what_makes_the_first_call_after_a_restart_work(own_cluster, clock):
    url = own_cluster.create_database("faults")
    rt = runtime(url, clock.now())
    rt.upgrade()
    bare = create_engine(url)  # the same URL without pre-ping, for contrast
    for engine in (rt.db, bare):
        with engine.connect() as conn:  # a pooled connection opened before the restart
            conn.execute(text("select 1"))
    own_cluster.halt("fast")
    own_cluster.resume()

    with pytest.raises(DBAPIError):  # without pre-ping, the first call after a restart fails ...
        with bare.connect() as conn:
            conn.execute(text("select 1"))
    with rt.engine() as eng:  # ... with it (engine.db.make_engine), the first call works
        assert eng.case_ids() == []
    bare.dispose()
