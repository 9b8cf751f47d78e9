"""An upgrade from the first schema: a database at migration 0001 holding cases in flight, written by the
code of that time (tests/fixtures/upgrade/make_0001_cases.py says how), is upgraded to the latest
migration; each case then runs to its end on today's code, and its history still replays and verifies."""
from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Integer, MetaData, func, insert, select, text

from cli.demo_data import ACTOR_BY_LANE
from engine.clock import FixedClock
from engine.db import make_engine, upgrade
from engine.operations import head_revision, schema_revision
from engine.reads import SystemRead
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy

READER = SystemRead("upgrade test")
RECOMPUTED = re.compile(r"event \d+: service task \w+ gave different outputs on replay")
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "upgrade" / "0001_cases_in_flight.json"


def _decode(value):
    if isinstance(value, dict) and set(value) == {"$dt"}:
        return datetime.fromisoformat(value["$dt"])
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    return value


def load_at_0001(db_url: str, tables: dict[str, list[dict]]) -> None:
    """The schema of migration 0001, and the fixture's rows in it (ids kept, sequences moved past them)."""
    db = make_engine(db_url)
    upgrade(db, "0001")
    meta = MetaData()
    meta.reflect(db)
    with db.begin() as conn:
        for table in meta.sorted_tables:
            rows = [{k: _decode(v) for k, v in row.items()} for row in tables.get(table.name, [])]
            if rows and table.name != "alembic_version":
                conn.execute(insert(table), rows)
            key = table.c.get("id")
            if db.dialect.name == "postgresql" and key is not None and isinstance(key.type, Integer) and rows:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"(SELECT max(id) FROM {table.name}))"))
    db.dispose()


def finish(rt: Runtime, case_id: str, happy_path: dict[str, dict]) -> list[str]:
    """Complete the case's ready happy-path tasks, each as its lane's person, until it ends."""
    done = []
    for _ in range(len(happy_path) + 1):
        with rt.engine() as eng:
            case = eng.show_case(case_id, viewer=READER)
        if case["status"] != "running":
            break
        task = next(t for t in case["ready_tasks"] if t["task"] in happy_path)
        rt.clock.advance(days=1)
        # Review dates are left to their school-day-aware defaults, as the demo does: today's calendar
        # has Easter 2027 where the data of that time put a next meeting.
        data = {k: v for k, v in happy_path[task["task"]].items() if not k.startswith("review_")
                and k != "next_meeting_date"}
        with rt.engine() as eng:
            eng.complete_task(task["task_id"], data, ACTOR_BY_LANE[task["lane"]])
        done.append(task["task"])
    return done


def test_cases_in_flight_at_0001_finish_after_upgrading_to_the_latest_schema(db_url):
    fixture = json.loads(FIXTURE.read_text())
    load_at_0001(db_url, fixture["tables"])
    db = make_engine(db_url)
    assert schema_revision(db) == "0001"
    upgrade(db)
    assert schema_revision(db) == head_revision()

    # After every date the forms record (they may not be in the future); the cases are late, not lost.
    rt = Runtime(url=db_url, clock=FixedClock(datetime(2027, 4, 20, 9, tzinfo=UTC)), policy=load_policy(),
                 registry=default_registry())
    cases = fixture["cases"]
    with rt.engine() as eng:
        before = {name: [t["task"] for t in eng.show_case(case_id, viewer=READER)["ready_tasks"]]
                  for name, case_id in cases.items()}
    assert before == {"at_consent": ["record_parental_consent"], "at_fair_access": ["record_fair_access_decision"],
                      "at_interim_review": ["interim_review_1"]}
    for name, case_id in cases.items():
        done = finish(rt, case_id, fixture["happy_path"])
        assert done[-1] == "record_successful_outcome", (name, done)
        with rt.engine() as eng:
            case = eng.show_case(case_id, viewer=READER)
            assert case["status"] == "completed" and case["waiting_timers"] == []
            replayed = eng.replay(case_id, verify=True, viewer=READER)
        # Replay runs today's handlers again, and some compute other outputs from the same inputs than the
        # code of 0001's time recorded (deadline units changed since): reported as such, and nothing else:
        # the hash chain holds and the stored state is what the events rebuild.
        assert all(RECOMPUTED.fullmatch(p) for p in replayed["problems"]), (name, replayed["problems"])
    with rt.sessions() as session:
        from engine.models import Case

        assert session.scalar(select(func.count()).select_from(Case).where(Case.status == "completed")) == 3
    rt.clock.advance(days=365)
    assert rt.fire_due("test").failed == []  # nothing left behind that fails when it falls due
