"""Call activities that call another deployed process, its active version or a pinned one; calls
back to the caller (directly or through others), to nothing deployed, or clashing ids refused at deploy."""
from __future__ import annotations

import pytest

from engine.errors import InvalidProcess
from engine.registry import HandlerRegistry
from tests.bpmn_build import PARTIES_FORM as START_FORM
from tests.bpmn_build import PARTIES_START as START
from tests.bpmn_build import Diagram, form


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
    deploy(h, child("clash", "main_welcome"), "clash.bpmn")
    assert problems(h, caller(calls="clash")) == [
        "element id 'main_welcome' is used both in main and in clash, which it calls: give it another id in one of them"]
