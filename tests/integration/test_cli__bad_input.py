"""The command line refuses bad input with one clear line (or file:line per problem) and changes nothing."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, REINTEGRATION

MINI = (FIXTURES / "mini.bpmn").read_text()


@pytest.fixture
def cli(run_cli):
    run = run_cli
    assert run("init-db")[0] == 0
    return run


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _versions(cli) -> list:
    code, out, _ = cli("process", "list", "--json")
    assert code == 0
    return json.loads(out)


def test_bad_bpmn_is_reported_by_file_and_line_and_not_deployed(cli, tmp_path):
    before = _versions(cli)
    cases = {
        "not_xml.bpmn": ("<definitions><process>", "not well-formed XML"),
        "not_bpmn.bpmn": ("<?xml version='1.0'?>\n<html><body/></html>", "not a BPMN 2.0 document"),
        "unknown_handler.bpmn": (MINI.replace('camunda:topic="echo"', 'camunda:topic="no_such_handler"'),
                                 "no handler is registered for topic 'no_such_handler'"),
        "bad_timer.bpmn": (MINI.replace('>"P3D"<', ">P3D<"), 'quote literal durations'),
        "broken_timer.bpmn": (MINI.replace('>"P3D"<', ">due_date +<"), "timer expression does not evaluate"),
        "call_in_timer.bpmn": (MINI.replace('>"P3D"<', ">__import__('os')<"), "Call is not allowed"),
    }
    for name, (text, message) in cases.items():
        path = _write(tmp_path, name, text)
        for command in ("validate", "deploy"):
            code, out, err = cli("process", command, path)
            assert code == 1, (name, command)
            lines = (out + err).strip().splitlines()
            assert any(line.startswith(f"{path}:") and message in line for line in lines), (name, lines)
    assert _versions(cli) == before


def test_all_problems_are_reported_at_once(cli, tmp_path):
    text = MINI.replace('camunda:topic="echo"', 'camunda:topic="nope"').replace('>"P3D"<', ">P3D<")
    text = text.replace('<bpmndi:BPMNShape id="end_di" bpmnElement="end">', '<bpmndi:BPMNShape id="end_di" bpmnElement="x">')
    code, out, _ = cli("process", "validate", _write(tmp_path, "many.bpmn", text))
    assert code == 1
    assert len(out.strip().splitlines()) == 3
    assert "end: endEvent has no diagram shape" in out


def test_the_shipped_processes_are_valid_and_deploy_once(cli):
    code, out, _ = cli("process", "validate", str(REINTEGRATION))
    assert code == 0, out
    code, out, _ = cli("process", "deploy", str(REINTEGRATION), "--json")
    assert code == 0 and json.loads(out)[0]["created"] is False  # init-db deployed it already
    deployed = [v["process"] for v in _versions(cli)]  # init-db deployed every shipped process, once
    assert "reintegration" in deployed and len(deployed) == len(set(deployed)) == len(list(REINTEGRATION.parent.glob("*.bpmn")))


def test_unknown_ids_and_bad_json_fail_with_one_line(cli):
    code, _, err = cli("case", "show", "RI-NOPE")
    assert code != 0 and err.strip() == "reintegrate: no case 'RI-NOPE'"
    code, _, err = cli("task", "complete", "not-a-task", "--data", "{}", "--as", "x")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "no ready task" in err
    code, _, err = cli("case", "start", "reintegration", "--data", "{pupil_name: Sam}")
    assert code == 2 and "--data is not valid JSON" in err
    code, _, err = cli("case", "start", "reintegration", "--data", '{"pupil_name": "Sam"}')
    assert code == 2 and "Date of birth" in err or "pupil_dob" in err
    code, out, _ = cli("task", "list", "--json")
    assert json.loads(out) == []


def test_fake_now_is_refused_outside_test_and_dev(cli, monkeypatch):
    monkeypatch.setenv("REINTEGRATE_ENV", "production")
    code, _, err = cli("timers", "fire")
    assert code == 2 and "REINTEGRATE_FAKE_NOW is refused" in err


def test_console_script_runs(db_url):
    env = {"REINTEGRATE_DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "cli.main", "case", "show", "X-1"], env=env,
                            capture_output=True, text=True, cwd=str(REINTEGRATION.parent.parent))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("reintegrate: database error")


@pytest.mark.parametrize("argv, reason", [
    (["task", "complete"], "reintegrate task complete: the following arguments are required: task, --as"),
    (["nope"], "reintegrate: argument command: invalid choice: 'nope'"),
    (["timers", "fire", "--bogus"], "reintegrate timers fire: unrecognized arguments: --bogus (see `reintegrate timers fire"),
    (["scheduler", "--interval", "soon"], "reintegrate scheduler: argument --interval: 'soon' is not a whole number"),
])
def test_words_the_command_does_not_take_fail_in_one_line_that_points_at_help(argv, reason):
    """The console script as a person runs it: exit 2, one line on stderr, no usage text above it."""
    done = subprocess.run([sys.executable, "-m", "cli.main", *argv], capture_output=True, text=True,
                          cwd=REINTEGRATION.parent.parent)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert lines[0].startswith(reason) and lines[0].endswith("--help`)"), lines[0]
    assert done.stdout == ""


def test_an_argument_with_a_newline_in_it_stays_on_the_one_line(run_cli, capsys):
    with pytest.raises(SystemExit) as exited:
        run_cli("timers", "fire", "two\nlines\x00")
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.count("\n") == 1
    assert "unrecognized arguments: two\\nlines\\x00 (see `reintegrate timers fire --help`)" in err


def test_data_nested_too_deep_or_not_unicode_fails_in_one_line(cli):
    for data, reason in (("[" * 5000 + "]" * 5000, "nested too deeply"),
                         ('{"a": ' + "[" * 40 + "]" * 40 + "}", "nested more than 32 levels"),
                         ('{"pupil_name": "\\ud800"}', "lone surrogate")):
        code, out, err = cli("case", "start", "reintegration", "--data", data)
        assert code == 2 and out == "" and reason in err, err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_an_unexpected_error_is_one_line_not_a_traceback(cli, monkeypatch):
    from engine.facade import Engine

    def broken(self, *args, **kwargs):
        raise RuntimeError("something nobody expected\nsecond line")

    monkeypatch.setattr(Engine, "versions", broken)
    code, out, err = cli("process", "list")
    assert code == 70 and out == ""
    assert err.strip() == ("reintegrate: unexpected error, nothing was saved: RuntimeError: something nobody "
                           "expected (set REINTEGRATE_DEBUG=1 to see where)")
