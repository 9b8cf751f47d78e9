"""Whatever the engine raises reaches the command line as one line on stderr and an exit code, never
a Python traceback: the console script run as a person runs it, in a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from tests.bpmn_build import PARTIES_FORM, PARTIES_START, Diagram, simple
from tests.conftest import REINTEGRATION

ROOT = REINTEGRATION.parent.parent


@pytest.fixture
def cli(db_url):
    env = {**os.environ, "REINTEGRATE_DATABASE_URL": db_url, "REINTEGRATE_ENV": "test",
           "REINTEGRATE_FAKE_NOW": "2026-03-02T09:00:00+00:00"}
    env.pop("REINTEGRATE_DEBUG", None)

    def run(*argv: str) -> tuple[int, str, str]:
        done = subprocess.run([sys.executable, "-m", "cli.main", *argv], capture_output=True, text=True, cwd=ROOT,
                              env=env)
        return done.returncode, done.stdout, done.stderr

    assert run("init-db")[0] == 0
    assert run("user", "add", "ava.ap", "--role", "ap_setting", "--org", PARTIES_START["ap_setting"])[0] == 0
    return run


def one_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_engine_failures_are_one_line_each(cli, tmp_path, db_url):
    self_call = simple("loop", ("callActivity", "again"))
    self_call.nodes[1].attrs["calledElement"] = "loop"
    (tmp_path / "loop.bpmn").write_bytes(self_call.xml())
    code, _, err = cli("process", "deploy", str(tmp_path / "loop.bpmn"))
    assert code == 1 and "a process may not call itself" in one_line(err)

    d = Diagram("fails")  # a gateway testing a variable nobody sets: the step fails, an incident is kept
    d.node("startEvent", "start", body=PARTIES_FORM)
    d.node("exclusiveGateway", "q")
    d.node("endEvent", "end")
    d.node("endEvent", "other")
    d.chain("start", "q")
    d.flow("q", "end", "missing == 1")
    d.flow("q", "other", default=True)
    (tmp_path / "fails.bpmn").write_bytes(d.xml())
    assert cli("process", "deploy", str(tmp_path / "fails.bpmn"))[0] == 0
    code, _, err = cli("case", "start", "fails", "--data", json.dumps(PARTIES_START), "--as", "ava.ap")
    line = one_line(err)
    assert code != 0 and "nothing was saved" in line and "incident #" in line

    code, _, err = cli("task", "complete", "no-such-task", "--as", "ava.ap")
    assert code == 4 and one_line(err) == "reintegrate: no ready task 'no-such-task'"

    manual = simple("chores", ("manualTask", "tidy"), start_form=PARTIES_FORM)
    (tmp_path / "chores.bpmn").write_bytes(manual.xml())
    assert cli("process", "deploy", str(tmp_path / "chores.bpmn"))[0] == 0
    code, out, err = cli("case", "start", "chores", "--data", json.dumps(PARTIES_START), "--as", "ava.ap", "--json")
    assert code == 0, err
    started = json.loads(out)
    with create_engine(db_url).begin() as db:  # a stored state that no longer reads: a bug's one line
        db.execute(text("UPDATE cases SET state = '{\"broken\": 1}' WHERE id = :id"), {"id": started["case_id"]})
    code, _, err = cli("task", "complete", started["ready_tasks"][0]["task_id"], "--as", "ava.ap")
    line = one_line(err)
    assert code != 0 and line.startswith("reintegrate: "), line
