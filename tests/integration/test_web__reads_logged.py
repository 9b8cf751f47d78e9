"""Every read of a child's case by a person is on the access log, whatever the door: each page, API
read, printable and export of the web app (found from its URL map, so that a new route cannot
escape), and the command line's case show, history, task show, replay and outbox list."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.models import AccessLog, HistoryEvent
from engine.reads import SystemRead
from tests.conftest import TEST_READ
from tests.integration.reintegration_cases import EMERGENCY_END_PATH, drive
from tests.web_helpers import post

#: Routes with a case or task in them that show none of the child's data: each says why.
SHOWS_NO_CHILD_DATA = {
    "cases.diagram": "the process version's BPMN diagram, the same for every case on that version",
}


#: Routes only the data protection officer may use (the auditor walks the rest).
DPO_ONLY = {"data_protection.subject_access"}

#: Routes shown only to someone who may act on the case (the AP's staff, who started it), not the auditor.
MAY_ACT_ONLY = {"tasks.check_page": "a task's check-answers page, before the person completes it",
                "cases.emergency_review_form": "asking for an emergency review"}

#: The long form's parts as a person sends them, the last of which leads to its check-answers page.
GATHER_PARTS = (
    {"attainment": "good", "effort": "good", "attitude_to_staff": "satisfactory", "attitude_to_peers": "good",
     "homework": "poor", "reasons_for_reintegration": "A fresh start near home"},
    {"attendance_percent": "91.5%", "year_group": "9", "lac_status": "false"}, {}, {},
    {"advocacy_needed": "false", "current_setting_funding": "£18,000.50"})


def answered_up_to_check(web_world, client) -> tuple[str, str]:
    """(case, task) of a long form whose every part `client` (who may do it) has sent: the way a person
    reaches its check-answers page, which only someone who may complete the task is shown."""
    case_id = web_world.case_with("gather_information")
    task_id = web_world.task_id(case_id, "gather_information")
    for number, part in enumerate(GATHER_PARTS, 1):
        sent = post(client, f"/tasks/{task_id}", {"section": str(number), **part})
        assert sent.status_code == 302, (number, sent.status_code)
    assert sent.location == f"/tasks/{task_id}/check"
    return case_id, task_id


@pytest.fixture
def failed(web_world):
    return drive(web_world.runtime, EMERGENCY_END_PATH, pupil="Fay Failed").case_id


def reads(rt, case_id: str) -> int:
    with rt.engine() as eng:
        return eng.session.scalar(select(func.count()).select_from(AccessLog).where(AccessLog.case_id == case_id))


def personal_routes(app) -> list:
    """Every GET route whose URL names a case or a task."""
    return [rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and ({"case_id", "task_id"} & set(rule.arguments))]


def test_every_route_that_shows_a_case_writes_the_access_log(web_world, web_app, signed_in, failed):
    rt, case_id = web_world.runtime, web_world.placement
    task_id = web_world.task_id(case_id, "interim_review_1")
    with rt.engine() as eng:
        consent = next(e.seq for e in eng.session.scalars(select(HistoryEvent).where(
            HistoryEvent.case_id == case_id, HistoryEvent.element == "record_parental_consent")))
    web, dpo, ap = signed_in("aud.auditor"), signed_in("dee.dpo"), signed_in("ava.ap")
    checking = answered_up_to_check(web_world, ap)
    api = {"Authorization": f"Bearer {web_world.tokens['aud.auditor']}"}
    routes = personal_routes(web_app)
    assert {r.endpoint for r in routes} >= {"api.show_case", "api.history", "api.show_task", "cases.case_page",
                                            "tasks.task_page", "tasks.check_page", "audit.history_csv", "printables.form"}
    walked = []
    for rule in routes:
        if rule.endpoint in SHOWS_NO_CHILD_DATA:
            continue
        case, task = checking if rule.endpoint == "tasks.check_page" else (
            failed if "failure-letter" in rule.rule else case_id, task_id)
        url = rule.build({"case_id": case, "task_id": task, "slug": "consent", "seq": consent}, append_unknown=False)[1]
        before = reads(rt, case)
        client = dpo if rule.endpoint in DPO_ONLY else ap if rule.endpoint in MAY_ACT_ONLY else web
        response = client.get(url) if not url.startswith("/api/") else web_app.test_client().get(url, headers=api)
        assert response.status_code == 200, (url, response.status_code)
        assert reads(rt, case) == before + 1, f"{url} ({rule.endpoint}) read case {case} without a line in its access log"
        walked.append(rule.endpoint)
    assert len(walked) == len(routes) - len(SHOWS_NO_CHILD_DATA)
    with rt.engine() as eng:
        log = eng.access_log(case_id)
    assert {e["actor"] for e in log} == {"aud.auditor", "dee.dpo", "ava.ap"}
    assert {"viewed case", "viewed task", "read history", "replayed case"} <= {e["action"] for e in log}


def test_nine_api_reads_by_three_accounts_are_nine_lines(web_world, web_app):
    rt, case_id = web_world.runtime, web_world.placement
    task_id = web_world.task_id(case_id, "interim_review_1")
    before = reads(rt, case_id)
    client = web_app.test_client()
    for name in ("aud.auditor", "lee.la", "hana.host"):
        for path in (f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/history", f"/api/v1/tasks/{task_id}"):
            assert client.get(path, headers={"Authorization": f"Bearer {web_world.tokens[name]}"}).status_code == 200
    with rt.engine() as eng:
        log = eng.access_log(case_id)[:9]
    assert reads(rt, case_id) == before + 9
    assert sorted({e["actor"] for e in log}) == ["aud.auditor", "hana.host", "lee.la"]


def test_the_mail_page_logs_each_case_whose_mail_it_shows(web_world, signed_in, failed):
    before = reads(web_world.runtime, failed)
    assert signed_in("aud.auditor").get("/mail").status_code == 200
    assert reads(web_world.runtime, failed) == before + 1


def test_the_engine_refuses_a_read_without_a_viewer(web_world):
    with web_world.runtime.engine() as eng:
        with pytest.raises(TypeError, match="viewer"):
            eng.show_case(web_world.placement)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="viewer"):
            eng.history(web_world.placement, viewer="")
        before = reads(web_world.runtime, web_world.placement)
        eng.show_case(web_world.placement, viewer=SystemRead("a check that shows nobody the data"))
        eng.show_case(web_world.placement, viewer=TEST_READ)
        eng.session.flush()
        assert reads(web_world.runtime, web_world.placement) == before


def test_command_line_reads_are_logged_as_the_reader(web_world, run_cli, monkeypatch, failed):
    rt, case_id = web_world.runtime, web_world.placement
    task_id = web_world.task_id(case_id, "interim_review_1")
    monkeypatch.setattr("getpass.getuser", lambda: "dpo-login")
    for argv, case, reader in ((["case", "show", case_id], case_id, "cli:dpo-login"),
                               (["history", case_id], case_id, "cli:dpo-login"),
                               (["task", "show", task_id], case_id, "cli:dpo-login"),
                               (["replay", case_id], case_id, "cli:dpo-login"),
                               (["case", "show", case_id, "--as", "lee.la"], case_id, "lee.la"),
                               (["task", "show", task_id, "--as", "hana.host"], case_id, "hana.host"),
                               (["outbox", "list"], failed, "cli:dpo-login")):
        before = reads(rt, case)
        code, _out, err = run_cli(*argv)
        assert code == 0, err
        assert reads(rt, case) == before + 1, argv
        with rt.engine() as eng:
            assert eng.access_log(case)[0]["actor"] == reader, argv
