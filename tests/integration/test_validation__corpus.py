"""A corpus of broken diagrams (tests/fixtures/broken/, each one change away from valid_base.bpmn): every one
is refused by `reintegrate process validate` and `process deploy` with `file:line: element: message`, exit 1;
nothing is deployed and a case already running is left exactly as it was."""
from __future__ import annotations

import json
import re

import pytest

from tests.conftest import FIXTURES

BROKEN = FIXTURES / "broken"
BASE = BROKEN / "valid_base.bpmn"
#: file -> (file the problem is reported in, element named, what the message says). None: about the whole document.
CORPUS = {
    "not_xml.bpmn": (None, None, "not well-formed XML"),
    "wrong_namespace.bpmn": (None, None, "not a BPMN 2.0 document"),
    "zeebe_namespace.bpmn": (None, "start", "Camunda 8 (Zeebe) extensions"),
    "missing_start_event.bpmn": (None, "corpus", "process has no start event"),
    "dangling_flow.bpmn": (None, "f_notified", "sequence flow leads to 'wait_for_reply', which is no element"),
    "unreachable_task.bpmn": (None, "approve_place", "no sequence flow leads to this userTask"),
    "no_end_event.bpmn": (None, "wait_reply", "no sequence flow leaves this intermediateCatchEvent"),
    "unknown_topic.bpmn": (None, "notify_la", "no handler is registered for topic 'notify_the_la'"),
    "no_topic.bpmn": (None, "notify_la", "service task has no camunda:topic"),
    "unquoted_timer.bpmn": (None, "details_late", 'quote literal durations: write "P5D"'),
    "timer_without_expression.bpmn": (None, "details_late", "timer has no expression"),
    "timer_cycle_malformed.bpmn": (None, "approve_reminder", "is not an ISO 8601 repeating interval"),
    "lane_not_a_role.bpmn": (None, "approve_place", "lane 'LA admissions team' is not a known role"),
    "task_in_no_lane.bpmn": (None, "approve_place", "user task stands in no lane"),
    "missing_di.bpmn": (None, "approve_place", "userTask has no diagram shape (BPMNDI)"),
    "gateway_without_default.bpmn": (None, "f_low", "flow out of gateway band_gateway has no condition and is not its default"),
    "script_task.bpmn": (None, "notify_la", "script tasks are not allowed"),
    "duplicate_ids.bpmn": (None, None, "'end_late' is not a valid value of the atomic type 'xs:ID'"),
    "missing_form_field_type.bpmn": (None, "record_details", "form field 'referral_date' has no type"),
    "unknown_form_field_type.bpmn": (None, "record_details", "form field 'referral_date' has unknown type 'datetime'"),
    "form_field_id_not_identifier.bpmn": (None, "record_details", "form field id 'year group' must be a plain identifier"),
    "enum_without_options.bpmn": (None, "record_details", "enum field 'need' has no options"),
    "bad_constraint.bpmn": (None, "record_details", "constraint max of field 'year_group' needs a whole number"),
    "message_without_name.bpmn": (None, "Message_reply", "message has no name"),
    "message_ref_unknown.bpmn": (None, "wait_reply", "messageRef 'Message_answer' names no bpmn:message"),
    "two_executable_processes.bpmn": (None, None, "expected exactly one executable process, found 2"),
    "unparseable_condition.bpmn": (None, "f_high", "condition: not a valid expression"),
    "call_in_expression.bpmn": (None, "f_high", "condition: Call is not allowed"),
    "due_date_call.bpmn": (None, "approve_place", "camunda:dueDate: Call is not allowed"),
    "dmn_missing.bpmn": (None, "decide_band", "camunda:decisionRef 'corpus_grade' names no decision"),
    "dmn_broken.bpmn": ("corpus_broken_band.dmn", "corpus_broken_band",
                        "input entry 'need.lower() == \"high\"': Call is not allowed"),
    # each of these answered a traceback (RecursionError, MemoryError, XMLSchemaValidateError), hung the
    # scheduler (a zero-length cycle), or deployed something that could never run
    "condition_too_deep.bpmn": (None, "f_high", "condition: expression of 12,004 characters is too long"),
    "condition_too_long.bpmn": (None, "f_high", "condition: expression of 100,001 characters is too long"),
    "condition_never_true.bpmn": (None, "f_high", "condition 'False' is never true"),
    "timer_cycle_zero.bpmn": (None, "approve_reminder", "repeats every 0:00:00: at least 1:00:00 between firings"),
    "timer_cycle_too_short.bpmn": (None, "approve_reminder", "repeats every 0:00:01: at least 1:00:00"),
    "lane_read_only_role.bpmn": (None, "approve_place", "lane 'auditor' is a role that reads cases only"),
    "entity_reference.bpmn": (None, "approve_place", "entity reference &approval; is not allowed"),
    "loop_cardinality_refused.bpmn": (None, "approve_place", "loopCardinality: Call is not allowed"),
    "required_read_only_field.bpmn": (None, "approve_place", "field 'approved' is required and read-only"),
}
START = {"pupil_name": "Sam Corpus", "ap_setting": "Severn Vale Learning Centre"}


def _problem_line(path: str, reported_in: str | None, element: str | None, message: str) -> re.Pattern:
    where = re.escape(reported_in or path) + r":[1-9]\d*: "
    return re.compile(where + (re.escape(element) + ": " if element else "") + ".*" + re.escape(message))


@pytest.fixture
def cli(run_cli):
    run = run_cli
    return run


def test_the_corpus_is_complete_and_its_base_is_valid(cli):
    assert {p.name for p in BROKEN.glob("*.bpmn")} == {*CORPUS, BASE.name}
    assert cli("process", "validate", str(BASE)) == (0, "ok: 1 file(s) valid\n", "")


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_validate_names_file_line_element_and_problem(cli, name):
    path = str(BROKEN / name)
    code, out, err = cli("process", "validate", path)
    lines = out.strip().splitlines()
    assert code == 1 and err == "" and lines, (name, out, err)
    assert any(_problem_line(path, *CORPUS[name]).match(line) for line in lines), lines
    # every line locates its problem: a file, a line number (1 or more), then what is wrong
    assert all(re.match(r"^\S+:[1-9]\d*: \S", line) for line in lines), lines
    code, out, _ = cli("process", "validate", "--json", path)
    assert code == 1 and json.loads(out)["ok"] is False


def test_deploy_refuses_every_one_and_changes_nothing(cli):
    assert cli("init-db")[0] == 0
    assert cli("user", "add", "pia.owner", "--role", "process_owner")[0] == 0  # --as names an account
    assert cli("process", "deploy", str(BASE), "--as", "pia.owner")[0] == 0
    code, out, _ = cli("case", "start", "corpus", "--data", json.dumps(START), "--json")
    assert code == 0
    case_id = json.loads(out)["case_id"]
    before = [cli(*argv, "--json")[1] for argv in (("process", "list"), ("case", "show", case_id), ("history", case_id))]
    for name, expected in sorted(CORPUS.items()):
        path = str(BROKEN / name)
        code, out, err = cli("process", "deploy", path, "--as", "pia.owner")
        assert code == 1 and out == "", (name, out)
        assert any(_problem_line(path, *expected).match(line) for line in err.splitlines()), (name, err)
        # the broken one beside a good one: still all or nothing
        assert cli("process", "deploy", str(BASE), path)[0] == 1
    after = [cli(*argv, "--json")[1] for argv in (("process", "list"), ("case", "show", case_id), ("history", case_id))]
    assert after == before
    assert [(v["process"], v["version"]) for v in json.loads(after[0]) if v["process"] == "corpus"] == [("corpus", 1)]
