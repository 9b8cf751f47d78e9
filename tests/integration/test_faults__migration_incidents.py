"""A step that fails while a case is moved to another version (a handler or an expression of the new
version, run as the case is re-predicted) is an incident like any failing step: the case stays on its
version as it was, and a retry once mended moves it."""
from __future__ import annotations

import pytest

from engine import incidents
from engine.errors import ExpressionFailed, HandlerFailed
from tests.integration.test_faults__incidents import (  # noqa: F401  (h, late: the same fixtures)
    FAILING,
    START,
    LateHandler,
    _incidents,
    _retry,
    _snapshot,
    h,
    late,
)


def _v2(tmp_path, timer: str):
    """failing_condition with its boundary timer's duration replaced: "PT0S" is due at once, so the late
    notice's handler runs while the case is moved; a bare name is an expression nothing can evaluate."""
    path = tmp_path / "failing_condition.bpmn"
    path.write_text(FAILING.read_text().replace('"P3D"', timer))
    return path


def test_a_handler_failing_while_a_case_is_moved_is_an_incident_and_its_retry_moves_it(h, late, tmp_path):  # noqa: F811
    case_id = h.call("start_case", "failing_condition", START, "ava.ap")["case_id"]
    assert h.deploy(_v2(tmp_path, '"PT0S"'))["version"] == 2
    before = _snapshot(h, case_id)
    with pytest.raises(HandlerFailed) as failed:
        h.call("migrate_case", case_id, 2, "ada.admin")
    assert failed.value.incident_id is not None and failed.value.element == "late_notice"
    assert _snapshot(h, case_id) == before  # still on version 1, nothing written
    assert h.call("show_case", case_id)["version"] == 1
    [incident] = _incidents(h)
    assert (incident["id"], incident["case_id"], incident["element"], incident["kind"], incident["action"],
            incident["actor"], incident["version"]) == (
        failed.value.incident_id, case_id, "late_notice", "handler", "migrate", "ada.admin", 1)
    with pytest.raises(HandlerFailed):  # the same failure again counts on the same incident
        h.call("migrate_case", case_id, 2, "ada.admin")
    assert [i["occurrences"] for i in _incidents(h)] == [2]
    late.broken = False  # the handler put right
    result = _retry(h, incident["id"], "ada.admin")
    assert result["incident"]["status"] == "resolved" and result["incident"]["resolved_by"] == "ada.admin"
    case = h.call("show_case", case_id)
    assert case["version"] == 2 and case["data"]["late_notice_sent"] is True and case["status"] == "completed"
    assert h.query(lambda s: s.get(incidents.Incident, incident["id"]).payload) == {}


def test_an_expression_failing_while_a_case_is_moved_is_an_incident_and_the_case_stays(h, tmp_path):  # noqa: F811
    case_id = h.call("start_case", "failing_condition", START, "ava.ap")["case_id"]
    h.deploy(_v2(tmp_path, "late_after"))
    assert h.call("migrate_case", case_id, 2, "ada.admin", dry_run=True)["affected"] == ["answer_question",
                                                                                       "too_slow"]
    before = _snapshot(h, case_id)
    with pytest.raises(ExpressionFailed) as failed:
        h.call("migrate_case", case_id, 2, "ada.admin")
    assert "late_after" in str(failed.value) and failed.value.element == "too_slow"
    assert _snapshot(h, case_id) == before
    [incident] = _incidents(h)
    assert (incident["kind"], incident["action"], incident["element"]) == ("expression", "migrate", "too_slow")
    case = h.call("show_case", case_id)
    assert (case["version"], case["status"]) == (1, "running")  # waiting for its answer, as before
    assert h.task(case_id, "answer_question")["task_id"]


def test_the_command_line_names_the_incident_of_a_failed_migration(run_cli, tmp_path):
    import json

    assert run_cli("init-db")[0] == 0
    v1 = tmp_path / "v1" / "failing_condition.bpmn"  # the default handlers know no `late` topic
    v1.parent.mkdir()
    v1.write_text(FAILING.read_text().replace('camunda:topic="late"', 'camunda:topic="deadline_reminder"'))
    assert run_cli("process", "deploy", str(v1))[0] == 0
    code, out, err = run_cli("case", "start", "failing_condition", "--data", json.dumps(START), "--json")
    assert code == 0, err
    case_id = json.loads(out)["case_id"]
    v1.write_text(v1.read_text().replace('"P3D"', "late_after"))
    assert run_cli("process", "deploy", str(v1))[0] == 0
    code, out, err = run_cli("process", "migrate", case_id, "--to", "2")
    lines = err.strip().splitlines()
    assert code == 1 and out == "" and len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"reintegrate: {case_id}: case {case_id}: step too_slow failed")
    assert "nothing was saved (incident #1: `reintegrate incident list`)" in lines[0]
    code, out, _ = run_cli("incident", "list", "--json")
    assert code == 0 and [(i["action"], i["case_id"]) for i in json.loads(out)] == [("migrate", case_id)]
