"""Migration 0018: each reporting process's facts move out of the wide `case_facts` table into the
process's own table, row for row, and `case_facts` keeps the shared ones; downgrading puts every value
back in the wide table."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from engine.db import alembic_config, make_engine, upgrade
from schooling.facts import PROCESSES
from schooling.models import CaseFacts

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
SHARED = {"process", "status", "opened_on", "started_on", "closed_on", "academic_year", "home_school",
          "host_school", "ap_setting", "local_authority", "outcome"}


def _value(column: sa.Column, n: int):
    """A value of the column's type, different per case."""
    kind = type(column.type)
    if issubclass(kind, sa.Boolean):
        return n % 2 == 0
    if issubclass(kind, sa.Integer):
        return n + 10
    if issubclass(kind, sa.Float):
        return n + 0.5
    if issubclass(kind, sa.Date):
        return date(2026, 1, n + 1)
    if issubclass(kind, sa.DateTime):
        return AT
    if issubclass(kind, sa.JSON):
        return [["2026-03-02", n + 0.25]]
    return f"{column.name[:6]}{n}"[: column.type.length or 40]


def _wide_rows(conn, tables) -> dict[str, dict]:
    """A case of each reporting process and one of a process without facts, every wide column set."""
    conn.execute(tables["process_versions"].insert().values(
        id=1, process_key="any", version=1, content_hash="x" * 64, filename="a.bpmn", bpmn_xml="<x/>", info={},
        deployed_at=AT, deployed_by="test"))
    rows = {}
    for n, process in enumerate([*PROCESSES, "mini"]):
        case_id = f"C-{n:04d}"
        conn.execute(tables["cases"].insert().values(
            id=case_id, process_version_id=1, process_key=process, status="running", revision=1, state="{}", data={},
            pupil_initials="AB", history_seq=0, history_hash="", started_by="test", created_at=AT, updated_at=AT))
        row = {c.name: _value(c, n) for c in tables["case_facts"].columns}
        row.update(case_id=case_id, process=process, academic_year="2025/26", updated_at=AT)
        conn.execute(tables["case_facts"].insert().values(row))
        rows[case_id] = row
    return rows


def _migrate(db, fn, revision: str) -> None:
    cfg = alembic_config()
    with db.begin() as conn:
        cfg.attributes["connection"] = conn
        fn(cfg, revision)


def _same(value, expected) -> bool:
    if isinstance(expected, datetime):
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return value.replace(tzinfo=value.tzinfo or UTC) == expected
    return value == expected


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
def test_each_process_gets_its_rows_and_a_downgrade_restores_the_wide_table(db_url):
    db = make_engine(db_url)
    upgrade(db, "0017")
    at_0017 = sa.MetaData()
    at_0017.reflect(db, only=["cases", "process_versions", "case_facts"])
    with db.begin() as conn:
        before = _wide_rows(conn, at_0017.tables)
    upgrade(db)
    with db.connect() as conn:
        shared = {r.case_id: r._asdict() for r in conn.execute(sa.select(CaseFacts.__table__))}
        assert set(CaseFacts.__table__.c.keys()) == SHARED | {"case_id"}
        assert {k: {c: v for c, v in r.items()} for k, r in shared.items()} == {
            k: {c: r[c] for c in SHARED | {"case_id"}} for k, r in before.items()}
        for module in PROCESSES.values():
            found = [r._asdict() for r in conn.execute(sa.select(module.TABLE.__table__))]
            expected = [r for r in before.values() if r["process"] == module.PROCESS]
            assert found == [{c: r[c] for c in module.TABLE.__table__.c.keys()} for r in expected]
    _migrate(db, command.downgrade, "0017")
    with db.connect() as conn:
        wide = sa.Table("case_facts", sa.MetaData(), autoload_with=conn)
        after = {r.case_id: r._asdict() for r in conn.execute(sa.select(wide))}
    owned = {c for module in PROCESSES.values() for c in module.TABLE.__table__.c.keys()}
    for case_id, row in before.items():
        process = PROCESSES.get(row["process"])
        kept = set(process.TABLE.__table__.c.keys()) if process else set()
        for column, value in row.items():
            if column in kept or column in SHARED or column in ("case_id", "updated_at"):
                assert _same(after[case_id][column], value), (case_id, column)
            elif column == "pupils":  # a column no process of the case has: as a new case has it
                assert after[case_id][column] == 1, (case_id, column)
            else:
                assert column in owned and after[case_id][column] is None, (case_id, column)
    _migrate(db, command.upgrade, "head")
