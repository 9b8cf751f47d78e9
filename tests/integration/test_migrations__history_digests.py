"""Migration 0012: events written before it get a salt and a payload digest, and each case's chain is
sealed again over the digests, so that it verifies as before; a chain already broken stays broken at
the same event; the case's head moves to the new last hash, so the next event chains on."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engine.db import make_engine, upgrade
from engine.history import verify_chain
from engine.models import HistoryEvent

GENESIS = "0" * 64
AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def old_hash(prev, case_id, seq, at, actor, kind, element, data) -> str:
    """The chain as it was before 0012: over the whole payload."""
    body = json.dumps({"case": case_id, "seq": seq, "at": at.isoformat(), "actor": actor, "kind": kind,
                       "element": element, "data": data}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev + body).encode()).hexdigest()


def old_case(conn, tables, case_id: str, tamper_seq: int | None = None) -> None:
    conn.execute(tables["cases"].insert().values(
        id=case_id, process_version_id=1, process_key="reintegration", status="running", revision=1, state="{}",
        data={"pupil_name": "Pat Old"}, pupil_initials="PO", history_seq=3, history_hash="", started_by="ava.ap",
        created_at=AT, updated_at=AT))
    prev = GENESIS
    for seq in (1, 2, 3):
        at, data = AT + timedelta(hours=seq), {"data": {"pupil_name": "Pat Old", "n": seq}}
        digest = old_hash(prev, case_id, seq, at, "ava.ap", "task_completed", f"task_{seq}", data)
        if seq == tamper_seq:
            data = {"data": {"pupil_name": "Someone Else", "n": seq}}
        conn.execute(tables["history_events"].insert().values(
            case_id=case_id, seq=seq, at=at, actor="ava.ap", kind="task_completed", element=f"task_{seq}",
            data=data, prev_hash=prev, hash=digest))
        prev = digest
    conn.execute(tables["cases"].update().where(tables["cases"].c.id == case_id).values(history_hash=prev))


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
def test_existing_events_get_digests_and_their_chain_still_verifies(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0011")
    with engine.begin() as conn:
        meta = sa.MetaData()
        meta.reflect(conn, only=["cases", "history_events", "process_versions"])
        conn.execute(meta.tables["process_versions"].insert().values(
            id=1, process_key="reintegration", version=1, content_hash="x" * 64, filename="r.bpmn", bpmn_xml="<x/>",
            info={}, deployed_at=AT, deployed_by="test"))
        old_case(conn, meta.tables, "R-GOOD")
        old_case(conn, meta.tables, "R-BROKEN", tamper_seq=2)
    upgrade(engine)
    with sa.orm.Session(engine) as ses:
        def events(case_id):
            return list(ses.scalars(sa.select(HistoryEvent).where(HistoryEvent.case_id == case_id)
                                    .order_by(HistoryEvent.seq)))

        good = events("R-GOOD")
        assert all(len(e.salt) == 32 and len(e.digest) == 64 for e in good)
        assert verify_chain(good) is None
        head = ses.execute(sa.text("SELECT history_hash FROM cases WHERE id = 'R-GOOD'")).scalar()
        assert head == good[-1].hash
        assert verify_chain(events("R-BROKEN")) == 2


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
def test_down_and_up_again_keeps_the_chain_and_refuses_once_a_payload_is_erased(harness, db_url):
    from cli import scenarios as s
    from engine.db import alembic_config
    from tests.conftest import REINTEGRATION

    harness.deploy(REINTEGRATION)
    case_id = harness.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    engine = make_engine(db_url)
    from alembic import command

    def migrate(fn, revision):
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            fn(cfg, revision)

    migrate(command.downgrade, "0011")
    with engine.connect() as conn:  # the old formula again, over whole payloads
        rows = conn.execute(sa.text("SELECT seq, at, actor, kind, element, data, prev_hash, hash FROM history_events "
                                    "WHERE case_id = :c ORDER BY seq"), {"c": case_id}).all()
    prev = GENESIS
    for seq, at, actor, kind, element, data, prev_hash, digest in rows:
        at = at if isinstance(at, datetime) else datetime.fromisoformat(at)
        data = data if isinstance(data, dict) else json.loads(data)
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        assert (prev_hash, digest) == (prev, old_hash(prev, case_id, seq, at, actor, kind, element, data))
        prev = digest
    migrate(command.upgrade, "head")
    assert harness.call("replay", case_id, verify=True)["status"] == "verified"
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE history_events SET data = NULL, salt = NULL WHERE case_id = :c AND seq = 1"),
                     {"c": case_id})
    with pytest.raises(RuntimeError, match="cannot be undone"):
        migrate(command.downgrade, "0011")
