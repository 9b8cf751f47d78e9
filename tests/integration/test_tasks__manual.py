"""Plain `bpmn:task` and `bpmn:manualTask`: a person in the task's lane marks it done, with an optional
note kept in the history; from the engine, the command line, the API and the web task page."""
from __future__ import annotations

import json
import re

import pytest

from cli.scenarios import START_DATA
from engine.errors import Forbidden, InvalidData, NotFound
from engine.registry import HandlerRegistry
from tests.bpmn_build import PARTIES_FORM as START_FORM
from tests.bpmn_build import PARTIES_START as START
from tests.bpmn_build import Diagram
from tests.web_helpers import post


def manual_process(key: str = "chores") -> bytes:
    """start -> a manual task (AP setting) -> a plain task (local authority) -> end."""
    d = Diagram(key)
    d.node("startEvent", "start", body=START_FORM)
    d.node("manualTask", "phone_parent", "Phone the parent")
    d.node("task", "file_letter", "File the letter", lane="la_admissions")
    d.node("endEvent", "end", lane="la_admissions")
    d.chain("start", "phone_parent", "file_letter", "end")
    return d.xml()


@pytest.fixture
def chores(make_harness, tmp_path):
    h = make_harness(HandlerRegistry())
    h.add_people()
    path = tmp_path / "chores.bpmn"
    path.write_bytes(manual_process())
    h.deploy(path)
    return h


def test_manual_and_plain_tasks_are_marked_done_in_their_lanes_with_a_note(chores):
    case = chores.call("start_case", "chores", START, "ava.ap")
    task = case["ready_tasks"][0]
    assert (task["task"], task["kind"], task["lane"], task["title"]) == ("phone_parent", "manual", "ap_setting",
                                                                         "Phone the parent")
    assert [f["id"] for f in task["form"]] == ["note"] and not task["form"][0]["required"]
    with pytest.raises((Forbidden, NotFound)):  # a school's account is not in the AP's lane
        chores.call("complete_task", task["task_id"], {}, "hana.host")
    with pytest.raises(InvalidData) as err:
        chores.call("complete_task", task["task_id"], {"note": "x" * 2001, "answer": 1}, "ava.ap")
    assert set(err.value.errors) == {"note", "answer"}
    after = chores.call("complete_task", task["task_id"], {"note": "Mum will come on Monday"}, "ava.ap")
    assert [t["task"] for t in after["ready_tasks"]] == ["file_letter"]
    assert after["ready_tasks"][0]["lane"] == "la_admissions" and "note" not in after["data"]
    with pytest.raises(Forbidden):  # the AP may read the case but does not act in the LA's lane
        chores.call("complete_task", after["ready_tasks"][0]["task_id"], {}, "ava.ap")
    done = chores.call("complete_task", after["ready_tasks"][0]["task_id"], {}, "lee.la")
    assert done["status"] == "completed"
    events = [(e["kind"], e["element"], e["data"]) for e in chores.call("history", case["case_id"])
              if e["kind"] == "task_completed"]
    assert events == [("task_completed", "phone_parent", {"task_id": task["task_id"], "data": {},
                                                          "note": "Mum will come on Monday"}),
                      ("task_completed", "file_letter", {"task_id": after["ready_tasks"][0]["task_id"], "data": {}})]
    assert chores.call("replay", case["case_id"], verify=True)["status"] == "verified"


def test_a_manual_task_in_no_lane_is_refused_at_deploy(chores):
    d = Diagram("loose")
    d.node("startEvent", "start")
    d.node("manualTask", "stray")
    d.node("endEvent", "end")
    d.chain("start", "stray", "end")
    xml = d.xml().replace(b"<bpmn:flowNodeRef>stray</bpmn:flowNodeRef>", b"")
    with chores.transaction() as eng:
        problems = eng.validate(re.sub(rb'<bpmndi:BPMNShape id="Lane_[^/]*/>\s*</bpmndi:BPMNShape>', b"", xml),
                                "loose.bpmn")
    assert [(p.element, p.message) for p in problems] == [
        ("stray", "manualTask (a person marks it done) stands in no lane: put it in a role's lane")]


def test_cli_marks_a_manual_task_done_with_a_note(run_cli, tmp_path):
    path = tmp_path / "chores.bpmn"
    path.write_bytes(manual_process())
    assert run_cli("init-db")[0] == 0
    for name, role, org in (("ava.ap", "ap_setting", START_DATA["ap_setting"]),):
        assert run_cli("user", "add", name, "--role", role, "--org", org)[0] == 0, name
    assert run_cli("process", "deploy", str(path))[0] == 0

    code, out, err = run_cli("case", "start", "chores", "--data", json.dumps(START), "--as", "ava.ap", "--json")
    assert code == 0, err
    task_id = json.loads(out)["ready_tasks"][0]["task_id"]
    code, out, err = run_cli("task", "complete", task_id, "--note", "Rang at 10", "--as", "ava.ap", "--json")
    assert code == 0, err
    assert [t["task"] for t in json.loads(out)["ready_tasks"]] == ["file_letter"]


def _deploy_into(web_world) -> str:
    with web_world.runtime.engine() as eng:
        eng.deploy(manual_process(), "chores.bpmn", "system")
    with web_world.runtime.engine() as eng:
        case = eng.start_case("chores", START, "ava.ap")
    return case["ready_tasks"][0]["task_id"]


def test_the_task_page_marks_a_manual_task_done(web_world, signed_in):
    task_id = _deploy_into(web_world)
    client = signed_in("ava.ap")
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Mark as done" in page and "Complete task" not in page
    assert re.search(r'<textarea[^>]*name="note"', page)
    response = post(client, f"/tasks/{task_id}", {"note": "Phoned, all fine"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with web_world.runtime.engine() as eng:
        history = eng.history(response.headers["Location"].rsplit("/", 1)[-1], viewer="ada.admin")
    assert [e["data"].get("note") for e in history if e["kind"] == "task_completed"] == ["Phoned, all fine"]
    audit = signed_in("aud.auditor").get(response.headers["Location"] + "/audit/print").get_data(as_text=True)
    assert "Phoned, all fine" in audit  # the case's record shows the note with the completion


def test_the_api_marks_a_manual_task_done(web_world, web_app):
    task_id = _deploy_into(web_world)
    client = web_app.test_client()
    headers = {"Authorization": f"Bearer {web_world.tokens['ava.ap']}"}
    shown = client.get(f"/api/v1/tasks/{task_id}", headers=headers).json
    assert shown["kind"] == "manual" and [f["id"] for f in shown["form"]] == ["note"]
    done = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"note": "ok"}}, headers=headers)
    assert done.status_code == 200, done.json
    assert [t["task"] for t in done.json["ready_tasks"]] == ["file_letter"]
