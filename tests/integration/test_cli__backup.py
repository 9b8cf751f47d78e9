"""`reintegrate backup PATH`: a consistent copy of the SQLite database while something keeps writing to
it; the copy opens as a working database (cases replay and verify); refusals change nothing."""
from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from cli import scenarios
from engine.db import make_engine, session_factory
from engine.models import OutboxMessage
from tests.conftest import REINTEGRATION


@pytest.mark.sqlite_only(reason="the online backup API is SQLite's; PostgreSQL is backed up with pg_dump")
def test_backup_while_writes_go_on_is_a_whole_working_database(harness, run_cli, monkeypatch, tmp_path, db_url):
    harness.deploy(REINTEGRATION)
    cases = [harness.call("start_case", "reintegration", scenarios.START_DATA, "ava.ap")["case_id"] for _ in range(3)]
    harness.complete(cases[0], "record_parental_consent", scenarios.HAPPY_PATH["record_parental_consent"], "ava.ap")
    stop, written = threading.Event(), []

    def keep_writing():  # another process's writes, through its own connections
        sessions = session_factory(make_engine(db_url))
        while not stop.is_set():
            with sessions() as s:
                s.add(OutboxMessage(idempotency_key=f"load:{len(written)}", kind="load", recipient="x@school.example",
                                    subject="S", body="B", created_at=datetime.now(UTC), next_attempt_at=None))
                s.commit()
            written.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 20:  # writes under way before the backup starts
            threading.Event().wait(0.01)
        code, out, err = run_cli("backup", str(tmp_path / "copy.sqlite3"), "--json")
    finally:
        stop.set()
        writer.join()
    assert code == 0, err
    result = json.loads(out)
    assert result["path"] == str(tmp_path / "copy.sqlite3") and result["cases"] == 3 and result["schema"]
    assert not (tmp_path / "copy.sqlite3.partial").exists()
    copied = session_factory(make_engine(f"sqlite:///{tmp_path / 'copy.sqlite3'}"))
    with copied() as s:
        in_copy = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "load"))
    assert 20 <= in_copy <= len(written)  # the database as it stood at one moment while writes went on
    monkeypatch.setenv("REINTEGRATE_DATABASE_URL", f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    code, out, _ = run_cli("audit", "verify", "--all", "--json")
    verified = json.loads(out)
    assert code == 0 and (verified["checked"], verified["failed"]) == (3, 0)
    code, out, _ = run_cli("case", "show", cases[0], "--json")
    assert code == 0 and [t["task"] for t in json.loads(out)["ready_tasks"]][0] == "gather_information"


@pytest.mark.sqlite_only(reason="about the SQLite file")
def test_backup_refuses_to_overwrite(harness, run_cli, tmp_path):
    (tmp_path / "there.sqlite3").write_text("keep me")
    code, out, err = run_cli("backup", str(tmp_path / "there.sqlite3"))
    assert (code, out) == (2, "") and err == f"reintegrate: {tmp_path / 'there.sqlite3'} exists: back up to a new file\n"
    assert (tmp_path / "there.sqlite3").read_text() == "keep me"
    code, _, err = run_cli("backup", str(tmp_path / "missing-folder" / "b.sqlite3"))
    assert code == 2 and err == f"reintegrate: {tmp_path / 'missing-folder'} is not a folder\n"


@pytest.mark.postgresql_only(reason="PostgreSQL's backup is pg_dump")
def test_backup_on_postgresql_points_at_pg_dump(harness, run_cli, tmp_path):
    code, out, err = run_cli("backup", str(tmp_path / "b.sqlite3"))
    assert (code, out) == (2, "") and "use pg_dump (see the README's backups)" in err
    assert not (tmp_path / "b.sqlite3").exists()
