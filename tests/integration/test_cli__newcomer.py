"""What a newcomer met running the README's commands with bad input: each failure one line on stderr,
no traceback, nothing changed."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from sqlalchemy import create_engine, func, inspect, select, update

from engine.models import AccessLog, Case
from tests.conftest import REINTEGRATION

ROOT = REINTEGRATION.parent.parent


def _console(db_url: str, *argv: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    env = {**os.environ, "REINTEGRATE_DATABASE_URL": db_url, "REINTEGRATE_ENV": "dev"}
    env.pop("REINTEGRATE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "cli.main", *argv], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, cwd=ROOT, env=env, timeout=120)


def _one_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_listing_piped_into_head_stops_quietly(db_url):
    assert _console(db_url, "init-db").returncode == 0
    reader, writer = os.pipe()
    os.close(reader)  # `| head` that has read all it wanted
    with os.fdopen(writer, "w") as closed:
        done = _console(db_url, "org", "list", stdout=closed)
    assert done.returncode == 141 and done.stderr == "", done.stderr  # not "unexpected error, nothing was saved"


def test_demo_and_serve_on_a_port_in_use_say_so_in_one_line_before_loading_anything(db_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for command in ("demo", "serve"):
            done = _console(db_url, command, "--port", port, "--no-scheduler")
            line = _one_line(done.stderr)
            assert done.returncode == 2 and f"cannot serve on 127.0.0.1:{port}" in line, line
            assert "--port or REINTEGRATE_PORT" in line
    assert inspect(create_engine(db_url)).get_table_names() == []  # the demo loaded nothing


def test_ports_and_intervals_out_of_range_are_refused(run_cli, capsys):
    import pytest

    for argv, reason in ((("serve", "--port", "99999"), "--port: 99999 is not from 1 to 65,535"),
                         (("scheduler", "--interval", "0"), "--interval: 0 is not from 1 to 86,400"),
                         (("scheduler", "--interval", "-5"), "--interval: -5 is not from 1 to 86,400")):
        with pytest.raises(SystemExit) as exited:
            run_cli(*argv)
        assert exited.value.code == 2 and reason in _one_line(capsys.readouterr().err)


def test_a_refused_migration_is_one_line_on_stderr(run_cli):
    assert run_cli("init-db")[0] == 0
    for argv, reason in ((("R-NOPE", "--to", "1"), "reintegrate: R-NOPE: no case 'R-NOPE'"),
                         (("R-NOPE", "--revert", "--dry-run"), "reintegrate: R-NOPE: no case 'R-NOPE'")):
        code, out, err = run_cli("process", "migrate", *argv)
        assert code == 1 and out == "" and _one_line(err) == reason
    code, out, _ = run_cli("process", "migrate", "R-NOPE", "--to", "1", "--json")
    assert code == 1 and json.loads(out)["refused"] == [{"case_id": "R-NOPE", "error": "no case 'R-NOPE'"}]


def test_core_places_of_a_term_that_is_not_one_are_refused(run_cli):
    assert run_cli("init-db")[0] == 0
    for term in ("nonsense", "2026 autumn", "2026/28 autumn", "2026/27 winter"):
        code, out, err = run_cli("semh", "places", term)
        assert code == 2 and out == "" and "is not a term such as '2026/27 autumn'" in _one_line(err), err
    assert run_cli("semh", "places", "2026/27 autumn")[0] == 0


def test_importing_a_register_file_that_is_not_there_is_one_plain_line(run_cli, tmp_path):
    assert run_cli("init-db")[0] == 0
    code, _, err = run_cli("org", "import", str(tmp_path / "more.csv"))
    assert code == 1 and _one_line(err) == f"{tmp_path / 'more.csv'}: cannot read: No such file or directory"
    (tmp_path / "latin1.csv").write_bytes("id,name\nx,Caf\xe9\n".encode("latin-1"))
    code, _, err = run_cli("org", "import", str(tmp_path / "latin1.csv"))
    assert code == 1 and _one_line(err).endswith("cannot read: not UTF-8 text")


def test_replaying_to_before_the_case_or_event_zero_is_refused_and_logs_no_read(run_cli, db_url):
    from cli import scenarios

    assert run_cli("init-db")[0] == 0
    code, out, err = run_cli("case", "start", "reintegration", "--data", json.dumps(scenarios.START_DATA), "--json")
    assert code == 0, err
    case_id = json.loads(out)["case_id"]
    engine = create_engine(db_url)
    with engine.connect() as db:
        reads = db.scalar(select(func.count()).select_from(AccessLog))
    for argv, reason in ((("--until", "0"), "until: events are numbered from 1, not 0"),
                         (("--until", "-1"), "until: events are numbered from 1, not -1"),
                         (("--at", "1900-01-01T00:00:00+00:00"), "at: 1900-01-01T00:00:00+00:00 is before the case "
                                                                  "was started (2026-03-02T09:00:00+00:00)")):
        code, out, err = run_cli("replay", case_id, *argv)
        assert code == 2 and out == "" and _one_line(err) == f"reintegrate: {reason}", err
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(AccessLog)) == reads
    code, out, _ = run_cli("replay", case_id, "--until", "1", "--json")
    assert code == 0 and json.loads(out)["replayed"] == 1


def _started(run_cli) -> dict:
    """A reintegration case started from the command line on a new database, as `case start --json` shows it."""
    from cli import scenarios

    assert run_cli("init-db")[0] == 0
    code, out, err = run_cli("case", "start", "reintegration", "--data", json.dumps(scenarios.START_DATA), "--json")
    assert code == 0, err
    return json.loads(out)


def test_replaying_past_the_last_event_is_refused_naming_the_last_event(run_cli):
    case_id = _started(run_cli)["case_id"]
    last = json.loads(run_cli("history", case_id, "--json")[1])[-1]
    code, out, err = run_cli("replay", case_id, "--until", str(last["seq"] + 1))
    assert code == 2 and out == "" and _one_line(err) == (
        f"reintegrate: until: the case has no event {last['seq'] + 1}: its last is event {last['seq']}, "
        "at 2026-03-02T09:00:00+00:00"), err
    code, out, _ = run_cli("replay", case_id, "--until", str(last["seq"]), "--json")
    assert code == 0 and json.loads(out)["replayed"] == last["seq"]


def test_exporting_into_a_folder_that_is_not_there_says_so(run_cli, tmp_path):
    assert run_cli("init-db")[0] == 0
    where = tmp_path / "exports"
    where.mkdir()
    code, out, err = run_cli("case", "export", "R-NOPE", "--out", str(where / "new"), "--as", "system")
    assert code == 2 and out == "" and _one_line(err).endswith("new: no such directory; create it first")
    (where / "file").write_text("x")
    code, _, err = run_cli("case", "export", "R-NOPE", "--out", str(where / "file"), "--as", "system")
    assert code == 2 and _one_line(err).endswith("file: not a directory")
    assert list(where.iterdir()) == [where / "file"]  # nothing made


def test_a_stored_state_that_cannot_be_read_is_a_data_error_in_one_line(run_cli, db_url):
    """A case whose saved workflow is damaged: exit 1, as a database error (2 is for usage and configuration)."""
    case = _started(run_cli)
    task_id = case["ready_tasks"][0]["task_id"]
    engine = create_engine(db_url)
    with engine.begin() as db:
        db.execute(update(Case).where(Case.id == case["case_id"]).values(state="z1:not base64!"))
    for argv in (("task", "complete", task_id, "--as", "ava.ap", "--data", "{}"),
                 ("replay", case["case_id"], "--verify")):
        code, out, err = run_cli(*argv)
        assert (code, out) == (1, ""), (argv, code, out, err)
        line = _one_line(err)
        assert line.startswith(f"reintegrate: case {case['case_id']}: saved state is damaged: "), line
        assert line.endswith("; nothing was changed"), line
    with engine.connect() as db:
        assert db.scalar(select(Case.state).where(Case.id == case["case_id"])) == "z1:not base64!"
