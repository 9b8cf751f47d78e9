"""A step that fails (an expression naming a variable nothing set, a handler that raises under a timer)
leaves its case as it was, records an incident in a transaction of its own, is listed for admins and
process owners (engine, command line, web page), and once mended (a fixed version the case is moved
to, a handler put right) a retry carries the case on and resolves the incident."""
from __future__ import annotations

import json

import pytest

from engine import incidents
from engine.errors import ExpressionFailed, Forbidden, HandlerFailed
from engine.models import Case, HistoryEvent, ReadyTask
from handlers import default_registry
from tests.conftest import FIXTURES
from tests.web_helpers import post

FAILING = FIXTURES / "failing_condition.bpmn"
START = {"pupil_name": "Jo Bloggs", "ap_setting": "Severn Vale Learning Centre"}


class LateHandler:
    """The `late` topic's handler: raises until mended."""

    def __init__(self):
        self.broken = True

    def __call__(self, ctx):
        if self.broken:
            raise KeyError("contacts.late_notice")
        return {"late_notice_sent": True}


@pytest.fixture
def late():
    return LateHandler()


@pytest.fixture
def h(make_harness, late):
    registry = default_registry()
    registry.add("late", late)
    harness = make_harness(registry)
    harness.add_people()
    harness.deploy(FAILING)
    return harness


def _snapshot(h, case_id: str) -> tuple:
    def read(s):
        case = s.get(Case, case_id)
        return (case.revision, case.status, case.history_seq, dict(case.data),
                s.query(HistoryEvent).filter_by(case_id=case_id).count(),
                sorted(t.element for t in s.query(ReadyTask).filter_by(case_id=case_id)))
    return h.query(read)


def _incidents(h, **kwargs) -> list[dict]:
    return h.query(lambda s: incidents.list_incidents(s, "ada.admin", **kwargs))


def _fixed(tmp_path):
    path = tmp_path / "failing_condition.bpmn"
    path.write_text(FAILING.read_text().replace("answer &gt; threshold", "answer &gt; 5"))
    return path


def test_a_failing_condition_leaves_the_case_as_it_was_and_records_an_incident(h, tmp_path):
    case_id = h.call("start_case", "failing_condition", START, "ava.ap")["case_id"]
    task_id = h.task(case_id, "answer_question")["task_id"]
    before = _snapshot(h, case_id)
    with pytest.raises(ExpressionFailed) as failed:
        h.call("complete_task", task_id, {"answer": 7}, "ava.ap")
    assert failed.value.element == "check" and failed.value.incident_id is not None
    assert "threshold" in str(failed.value)
    assert _snapshot(h, case_id) == before  # nothing half-written: the answer is not in the case
    [incident] = _incidents(h)
    assert incident["id"] == failed.value.incident_id
    assert (incident["case_id"], incident["element"], incident["title"], incident["kind"], incident["action"],
            incident["task_id"], incident["actor"], incident["status"], incident["occurrences"]) == (
        case_id, "check", "Answer above the threshold?", "expression", "complete", task_id, "ava.ap", "open", 1)
    assert "NameError" in incident["error"] and "threshold" in incident["error"]
    assert incident["created_at"] == h.clock.now().isoformat()
    # Retried before anything is mended: it fails again, the same incident counts it.
    with pytest.raises(ExpressionFailed):
        _retry(h, incident["id"], "ada.admin")
    [again] = _incidents(h)
    assert again["id"] == incident["id"] and again["occurrences"] == 2
    # The process owner deploys a fixed version and moves the case to it; the retry carries it on.
    assert h.deploy(_fixed(tmp_path))["version"] == 2
    h.call("migrate_case", case_id, 2, "ada.admin")
    result = _retry(h, incident["id"], "ada.admin")
    assert result["case"]["status"] == "completed" and result["incident"]["status"] == "resolved"
    assert "went through" in result["incident"]["resolution"] and result["incident"]["resolved_by"] == "ada.admin"
    assert _incidents(h) == [] and len(_incidents(h, include_resolved=True)) == 1
    assert h.call("show_case", case_id)["data"]["answer"] == 7  # the person's answer, kept in the incident
    assert h.query(lambda s: s.get(incidents.Incident, incident["id"]).payload) == {}  # and dropped once resolved


def _retry(h, incident_id: int, actor: str) -> dict:
    with h.transaction() as eng:
        return incidents.retry(eng, incident_id, actor)


def test_only_admins_and_process_owners_see_and_retry_incidents(h):
    case_id = h.call("start_case", "failing_condition", START, "ava.ap")["case_id"]
    with pytest.raises(ExpressionFailed) as failed:
        h.complete(case_id, "answer_question", {"answer": 1}, "ava.ap")
    for name in ("ava.ap", "aud.auditor", "hana.host"):
        with pytest.raises(Forbidden):
            h.query(lambda s, name=name: incidents.list_incidents(s, name))
        with pytest.raises(Forbidden):
            _retry(h, failed.value.incident_id, name)


def test_a_task_done_since_its_incident_is_resolved_by_the_retry_without_running_it_again(h, tmp_path):
    case_id = h.call("start_case", "failing_condition", START, "ava.ap")["case_id"]
    with pytest.raises(ExpressionFailed) as failed:
        h.complete(case_id, "answer_question", {"answer": 1}, "ava.ap")
    h.deploy(_fixed(tmp_path))
    h.call("migrate_case", case_id, 2, "ada.admin")
    h.complete(case_id, "answer_question", {"answer": 2}, "ava.ap")  # the person tried again: it went through
    [listed] = _incidents(h)
    assert listed["done_since"]["by"] == "ava.ap"
    result = _retry(h, failed.value.incident_id, "ada.admin")
    assert result["incident"]["status"] == "resolved" and "nothing to retry" in result["incident"]["resolution"]
    assert h.call("show_case", case_id)["data"]["answer"] == 2  # not overwritten by the old answer


def test_a_timer_whose_firing_fails_raises_an_incident_and_its_retry_fires_it(h, late):
    from engine.timers import fire_due

    case_id = h.call("start_case", "failing_condition", START, "ava.ap")["case_id"]
    before = _snapshot(h, case_id)
    h.clock.advance(days=4)
    report = fire_due(h.transaction, h.clock.now, "test")
    assert [f["case_id"] for f in report.failed] == [case_id] and "contacts.late_notice" in report.failed[0]["error"]
    assert _snapshot(h, case_id) == before
    [incident] = _incidents(h)
    assert report.failed[0]["incident"] == incident["id"] and "KeyError" in incident["error"]
    assert (incident["element"], incident["kind"], incident["action"], incident["actor"]) == (
        "late_notice", "handler", "timer", "scheduler")
    assert "contacts.late_notice" in incident["error"]
    with pytest.raises(HandlerFailed):
        _retry(h, incident["id"], "ada.admin")
    late.broken = False
    result = _retry(h, incident["id"], "ada.admin")
    assert result["case"]["status"] == "completed" and result["case"]["data"]["late_notice_sent"] is True
    assert _incidents(h) == []


def test_the_command_line_lists_and_retries_incidents(run_cli, tmp_path):
    assert run_cli("init-db")[0] == 0
    # The default handlers know no `late` topic: the timer's service task sends a reminder instead.
    path = tmp_path / "failing_condition.bpmn"
    path.write_text(FAILING.read_text().replace('camunda:topic="late"', 'camunda:topic="deadline_reminder"'))
    assert run_cli("process", "deploy", str(path))[0] == 0
    code, out, _ = run_cli("case", "start", "failing_condition", "--data", json.dumps(START), "--json")
    case = json.loads(out)
    task_id = case["ready_tasks"][0]["task_id"]
    code, out, err = run_cli("task", "complete", task_id, "--data", '{"answer": 3}', "--as", "system")
    assert code == 6 and out == "" and "Traceback" not in err
    assert "nothing was saved" in err and "incident #1" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run_cli("incident", "list", "--json")
    [listed] = json.loads(out)
    assert code == 0 and listed["case_id"] == case["case_id"] and listed["element"] == "check"
    code, out, _ = run_cli("incident", "list")
    assert f"#1  {case['case_id']}" in out and "expression failed on complete" in out
    path.write_text(path.read_text().replace("answer &gt; threshold", "answer &gt; 5"))
    assert run_cli("process", "deploy", str(path))[0] == 0
    assert run_cli("process", "migrate", case["case_id"], "--to", "2")[0] == 0
    code, out, err = run_cli("incident", "retry", "1")
    assert code == 0, err
    assert "incident #1 resolved" in out and "completed" in out
    assert json.loads(run_cli("incident", "list", "--json")[1]) == []
    code, _, err = run_cli("incident", "retry", "1")
    assert code == 5 and "already resolved" in err


@pytest.fixture
def failing_web(web_world):
    web_world.runtime.registry.add("late", LateHandler())
    with web_world.runtime.engine() as eng:
        eng.deploy(FAILING.read_bytes(), str(FAILING), "system")
        case = eng.start_case("failing_condition", {**START, "ap_setting": "Riverside Learning Centre"}, "una.ap")
    return case["case_id"], case["ready_tasks"][0]["task_id"]


def test_the_api_answers_500_with_the_incident_and_the_task_stays_ready(web_app, web_world, failing_web):
    case_id, task_id = failing_web
    client = web_app.test_client()
    headers = {"Authorization": f"Bearer {web_world.tokens['una.ap']}"}
    failed = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"answer": 4}}, headers=headers)
    assert failed.status_code == 500 and failed.json["error"] == "expressionfailed"
    assert failed.json["incident"] == 1 and failed.json["case_id"] == case_id and failed.json["element"] == "check"
    assert "nothing was saved" in failed.json["message"]
    assert client.get(f"/api/v1/tasks/{task_id}", headers=headers).status_code == 200


def test_the_task_page_keeps_the_answers_and_the_incidents_page_retries(web_world, signed_in, failing_web):
    case_id, task_id = failing_web
    client = signed_in("una.ap")
    failed = post(client, f"/tasks/{task_id}", {"answer": "4"})
    html = failed.get_data(as_text=True)
    assert failed.status_code == 500 and "‘Answer above the threshold?’, failed" in html
    assert "Nothing was saved" in html and "incident 1" in html and 'value="4"' in html
    assert signed_in("una.ap").get("/incidents").status_code == 403
    admin = signed_in("ada.admin")
    page = admin.get("/incidents").get_data(as_text=True)
    assert case_id in page and "Answer above the threshold?" in page and "threshold" in page
    retried = post(admin, "/incidents/1/retry", token_from="/incidents")
    assert retried.status_code == 302
    assert "still fails" in admin.get("/incidents").get_data(as_text=True)


def _cycle_harness(make_harness):
    """The mini process with its reminder a cycle read from the start form (as handlers compute them)."""
    registry = default_registry()
    registry.add("echo", lambda ctx: {})
    harness = make_harness(registry)
    harness.add_people()
    text = (FIXTURES / "mini.bpmn").read_text()
    text = text.replace('<camunda:formField id="ap_setting" label="AP setting" type="string" />',
                        '<camunda:formField id="ap_setting" label="AP setting" type="string" />'
                        '<camunda:formField id="cycle" label="Cycle" type="string" />')
    text = text.replace('attachedToRef="answer_question">', 'cancelActivity="false" attachedToRef="answer_question">')
    text = text.replace('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P3D"</bpmn:timeDuration>',
                        '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">cycle</bpmn:timeCycle>')
    with harness.transaction() as eng:
        eng.deploy(text.encode(), "cycle.bpmn", "system")
    return harness


def test_a_zero_length_cycle_computed_while_running_is_an_incident_not_a_hang(make_harness):
    h = _cycle_harness(make_harness)
    with pytest.raises(ExpressionFailed) as failed:  # it looped for ever in engine/specs.py
        h.call("start_case", "mini", {**START, "cycle": "R/2026-01-01T00:00:00Z/PT0S"}, "ava.ap")
    assert failed.value.element == "too_slow" and "at least 1:00:00" in failed.value.detail
    [incident] = _incidents(h)
    assert (incident["action"], incident["element"], incident["case_id"]) == ("start", "too_slow", failed.value.case_id)
    assert h.call("case_ids") == []  # the case was not started


def test_a_cycle_long_overdue_fires_once_and_its_next_firing_is_the_first_after_now(make_harness):
    h = _cycle_harness(make_harness)
    case = h.call("start_case", "mini", {**START, "cycle": "R/2016-03-02T08:00:00Z/PT1H"}, "ava.ap")
    # ten years of hourly firings missed: one firing, and the next one the first hour after now (09:00)
    assert [t["due"] for t in case["waiting_timers"]] == ["2026-03-02T10:00:00+00:00"]
