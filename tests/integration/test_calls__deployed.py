"""Call activities that call another deployed process, its active version or a pinned one; calls
back to the caller (directly or through others), to nothing deployed, or clashing ids refused at deploy."""
from __future__ import annotations

import json

import pytest

from engine.errors import InvalidProcess
from engine.registry import HandlerRegistry
from tests.bpmn_build import PARTIES_FORM as START_FORM
from tests.bpmn_build import PARTIES_START as START
from tests.bpmn_build import Diagram, form, message_definition, timer


def child(key: str = "checks", task: str = "check_room", lane: str = "la_admissions") -> bytes:
    """start -> a user task with one boolean -> end, in the LA's lane."""
    d = Diagram(key, lane)
    d.node("startEvent", f"{key}_start")
    d.node("userTask", task, "Check there is room", body=form(("room", "boolean")))
    d.node("endEvent", f"{key}_end")
    d.chain(f"{key}_start", task, f"{key}_end")
    return d.xml()


def caller(key: str = "main", calls: str = "checks", version: int | None = None) -> bytes:
    """start -> call `calls` -> room? -> a manual task (AP) -> end | end."""
    d = Diagram(key)
    attrs = {"calledElement": calls}
    if version is not None:
        attrs.update({"camunda:calledElementBinding": "version", "camunda:calledElementVersion": str(version)})
    d.node("startEvent", f"{key}_start", body=START_FORM)
    d.node("callActivity", f"{key}_call", "Ask the LA", **attrs)
    d.node("exclusiveGateway", f"{key}_room_q")
    d.node("manualTask", f"{key}_welcome", "Welcome the pupil")
    d.node("endEvent", f"{key}_end")
    d.node("endEvent", f"{key}_no_room")
    d.chain(f"{key}_start", f"{key}_call", f"{key}_room_q")
    d.flow(f"{key}_room_q", f"{key}_welcome", "room == True")
    d.flow(f"{key}_room_q", f"{key}_no_room", default=True)
    d.flow(f"{key}_welcome", f"{key}_end")
    return d.xml()


@pytest.fixture
def h(make_harness):
    harness = make_harness(HandlerRegistry())
    harness.add_people()
    return harness


def deploy(h, xml: bytes, name: str) -> dict:
    return h.call("deploy", xml, name, "system").to_json()


def problems(h, xml: bytes, name: str = "x.bpmn") -> list[str]:
    with pytest.raises(InvalidProcess) as err:
        h.call("deploy", xml, name, "system")
    return [p.message for p in err.value.problems]


def test_a_call_runs_the_called_process_in_its_lanes_and_returns_its_data(h):
    deploy(h, child(), "checks.bpmn")
    deploy(h, caller(), "main.bpmn")
    case = h.call("start_case", "main", START, "ava.ap")
    task = case["ready_tasks"][0]
    assert (task["task"], task["lane"], task["title"]) == ("check_room", "la_admissions", "Check there is room")
    assert [f["id"] for f in task["form"]] == ["room"]
    back = h.call("complete_task", task["task_id"], {"room": True}, "lee.la")
    assert [t["task"] for t in back["ready_tasks"]] == ["main_welcome"] and back["data"]["room"] is True
    done = h.call("complete_task", back["ready_tasks"][0]["task_id"], {}, "ava.ap")
    assert done["status"] == "completed"
    assert h.call("replay", case["case_id"], verify=True)["status"] == "verified"


def test_pinned_or_active_version_fixed_when_the_caller_is_deployed(h):
    deploy(h, child(task="check_room_v1"), "checks.bpmn")
    deploy(h, child(task="check_room_v2"), "checks.bpmn")
    deploy(h, caller("pinned", version=1), "pinned.bpmn")
    deploy(h, caller("latest"), "latest.bpmn")
    first = lambda key: h.call("start_case", key, START, "ava.ap")["ready_tasks"][0]["task"]  # noqa: E731
    assert (first("pinned"), first("latest")) == ("check_room_v1", "check_room_v2")
    h.call("activate", "checks", 1, "ada.admin")
    assert first("latest") == "check_room_v2"  # the deployed caller keeps the version it was deployed with
    again = deploy(h, caller("latest"), "latest.bpmn")  # deployed again: it takes up the active one
    assert (again["created"], again["version"], first("latest")) == (True, 2, "check_room_v1")


def test_a_process_calling_itself_is_refused(h):
    assert problems(h, caller("main", calls="main")) == [
        "call activity calls main, its own process: a process may not call itself (a case would never end)"]


def test_a_process_calling_itself_through_another_is_refused(h):
    deploy(h, child("alpha", "alpha_task"), "alpha.bpmn")
    deploy(h, caller("beta", calls="alpha"), "beta.bpmn")
    assert problems(h, caller("alpha", calls="beta")) == [
        "call activity calls beta, which calls alpha in turn: a process may not call itself, directly or through "
        "the processes it calls (a case would never end)"]


def test_calls_to_nothing_deployed_or_with_clashing_ids_are_refused(h):
    assert problems(h, caller(calls="nowhere")) == [
        "call activity calls process nowhere, which is not deployed: deploy it first (see `reintegrate process list`)"]
    deploy(h, child(), "checks.bpmn")
    assert problems(h, caller(version=7)) == [
        "call activity calls checks v7, which is not deployed: deploy it first (see `reintegrate process list`)"]
    tagged = caller().replace(b'calledElement="checks"',
                              b'calledElement="checks" camunda:calledElementBinding="versionTag"')
    assert problems(h, tagged) == [
        'choose the called version with camunda:calledElementBinding="version" and camunda:calledElementVersion="N", '
        "or leave both out for the active version"]
    deploy(h, child("clash", "main_welcome"), "clash.bpmn")
    assert problems(h, caller(calls="clash")) == [
        "element id 'main_welcome' is used both in main and in clash, which it calls: give it another id in one of them"]


def waiting_child() -> bytes:
    """A called process that waits: a message (its field a variable), a timer, a task with a boundary timer."""
    d = Diagram("kid", "la_admissions")
    message = d.message("kid_reply")
    d.node("startEvent", "kid_start")
    d.node("intermediateCatchEvent", "kid_wait", body=form(("room", "boolean")) + message_definition(message))
    d.node("intermediateCatchEvent", "kid_timer", body=timer("P2D"))
    d.node("manualTask", "kid_task")
    d.node("boundaryEvent", "kid_late", attached_to="kid_task", body=timer("P5D"))
    d.node("endEvent", "kid_end")
    d.node("endEvent", "kid_end_late")
    d.chain("kid_start", "kid_wait", "kid_timer", "kid_task", "kid_end")
    d.flow("kid_late", "kid_end_late")
    return d.xml()


def test_messages_and_timers_inside_the_called_process(h):
    deploy(h, waiting_child(), "kid.bpmn")
    deploy(h, caller(calls="kid"), "main.bpmn")
    case = h.call("start_case", "main", START, "ava.ap")
    assert case["ready_tasks"] == [] and case["waiting_timers"] == []
    after = h.call("send_message", case["case_id"], "kid_reply", {"room": True}, "lee.la")
    assert after["data"]["room"] is True and [t["task"] for t in after["waiting_timers"]] == ["kid_timer"]
    h.clock.advance(days=2, hours=1)
    h.fire()
    shown = h.call("show_case", case["case_id"])
    assert [(t["task"], t["lane"]) for t in shown["ready_tasks"]] == [("kid_task", "la_admissions")]
    assert [t["task"] for t in shown["waiting_timers"]] == ["kid_late"]
    h.clock.advance(days=6)
    h.fire()  # the task left undone: the boundary timer ends the called process, the caller goes on
    shown = h.call("show_case", case["case_id"])
    assert [t["task"] for t in shown["ready_tasks"]] == ["main_welcome"] and shown["waiting_timers"] == []
    assert h.call("replay", case["case_id"], verify=True)["status"] == "verified"


def test_files_that_call_each_other_validate_and_deploy_together_in_call_order(run_cli, tmp_path):
    (tmp_path / "a_main.bpmn").write_bytes(caller())  # listed first, deployed after what it calls
    (tmp_path / "b_checks.bpmn").write_bytes(child())
    files = [str(tmp_path / "a_main.bpmn"), str(tmp_path / "b_checks.bpmn")]
    assert run_cli("init-db")[0] == 0
    assert run_cli("process", "validate", *files)[:2] == (0, "ok: 2 file(s) valid\n")
    listed = {v["process"] for v in json.loads(run_cli("process", "list", "--json")[1])}
    assert not {"main", "checks"} & listed  # validating deployed nothing
    code, out, err = run_cli("process", "deploy", *files)
    assert code == 0, err
    assert out.splitlines() == [f"{files[1]}: checks v1 deployed: new cases start on it",
                                f"{files[0]}: main v1 deployed: new cases start on it"]
    (tmp_path / "c_loop.bpmn").write_bytes(caller("loop", calls="loop"))
    code, out, _ = run_cli("process", "validate", str(tmp_path / "c_loop.bpmn"), files[1])
    assert code == 1 and "may not call itself" in out
