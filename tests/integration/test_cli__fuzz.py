"""Property: whatever the command line is given (random --data strings, random argv built from the real
commands' words), `reintegrate` answers with an exit code, and on failure one line on stderr, never a
traceback."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import scenarios
from cli.main import main
from tests.conftest import FIXTURES

pytestmark = pytest.mark.sqlite_only(reason="argument parsing and JSON are the same on every database; one pass is enough")

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
WORDS = ["case", "start", "show", "message", "task", "list", "complete", "timers", "fire", "history", "replay",
         "process", "validate", "outbox", "--json", "--data", "--as", "--case", "--until", "--at", "--verify",
         "ava.ap", "stress", "withdrawn", "{}", "@", "-", "--", "0", "-1", "2026-13-45", "ÿ", "\x00x"]
data_strings = (st.text(max_size=40) | st.sampled_from(["", "{", "[]", "null", "1e999", '{"a": NaN}', '{"a": 1e400}',
                                                         '{"a": "\\ud800"}', '{"a": 5}', '{"note": "<b>"}', "@",
                                                         "@/nonexistent", "@/", "@/etc/shadow-no", '{"a": {"b": []}}'])
                | st.recursive(st.none() | st.integers() | st.text(max_size=5),
                               lambda inner: st.dictionaries(st.sampled_from(["a", "b", "note", "x"]), inner, max_size=3)
                               | st.lists(inner, max_size=3), max_leaves=4).map(json.dumps))


@pytest.fixture
def cli(harness, monkeypatch, capsys):
    harness.deploy(FIXTURES / "stress.bpmn")
    case = harness.call("start_case", "stress", {"pupil_name": "P Q", "ap_setting": scenarios.START_DATA["ap_setting"]},
                        "ava.ap")
    monkeypatch.setenv("REINTEGRATE_DATABASE_URL", harness.url)
    monkeypatch.setenv("REINTEGRATE_ENV", "test")
    monkeypatch.setenv("REINTEGRATE_FAKE_NOW", "2026-03-02T10:00:00+00:00")

    def run(argv: list[str]) -> tuple[int, str, str]:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse refusing the words: one line too, pointing at --help
            code = exc.code
            out, err = capsys.readouterr()
            lines = err.strip().splitlines()
            assert code == 2 and len(lines) == 1 and lines[0].startswith("reintegrate") and "--help`)" in lines[0], err
            return code, out, err
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        if code != 0:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("reintegrate: "), (argv, err)
        return code, out, err

    return run, case


def _ok_or_one_line(result):
    code, _, _ = result
    assert isinstance(code, int)


def test_random_data_for_every_command_that_takes_it(cli):
    run, case = cli
    task_id = next(t["task_id"] for t in case["ready_tasks"] if t["task"] == "part_a")

    @SETTINGS
    @given(data=data_strings, which=st.sampled_from(["start", "complete", "message"]))
    def check(data, which):
        argv = {"start": ["case", "start", "stress", "--data", data, "--as", "ava.ap"],
                "complete": ["task", "complete", task_id, "--data", data, "--as", "ava.ap"],
                "message": ["case", "message", case["case_id"], "withdrawn", "--data", data, "--as", "ava.ap"]}[which]
        _ok_or_one_line(run(argv))

    check()


def test_random_argv_from_the_commands_own_words(cli):
    run, case = cli
    words = st.sampled_from([*WORDS, case["case_id"]]) | st.text(max_size=8)

    @SETTINGS
    @given(first=st.sampled_from(["case", "task", "timers", "history", "replay", "process", "outbox", "nonsense", "-h"]),
           rest=st.lists(words, max_size=6))
    def check(first, rest):
        if "-h" in [first, *rest] or "--help" in rest:
            return  # help exits 0 with usage: not a failure
        _ok_or_one_line(run([first, *rest]))

    check()


def test_a_file_name_with_a_line_breaking_character_is_refused_in_one_line(cli, tmp_path):
    """What hypothesis once found: `--data @<record separator>` named in the error broke it in two (str.splitlines
    splits at \\x1e as at a newline); each such character is now written as its escape (`run` checks one line)."""
    run, case = cli
    task_id = next(t["task_id"] for t in case["ready_tasks"] if t["task"] == "part_a")
    for name, shown in (("\x1e", "\\x1e"), (f"{tmp_path}/a\nb.json", "a\\nb.json"), ("\u2028x", "\\u2028x")):
        code, _, err = run(["task", "complete", task_id, "--data", f"@{name}", "--as", "ava.ap"])
        assert code == 2 and "cannot read" in err and shown in err, err
