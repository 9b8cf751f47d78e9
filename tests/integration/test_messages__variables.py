"""A message's payload: the fields its catching event declares become case variables of their own
(a gateway after it tests them), besides the payload kept whole under the message's name. And start
data for a process whose start event declares no form is refused with a reason."""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from engine.registry import HandlerRegistry
from tests.bpmn_build import Diagram, form, message_definition

START_FORM = form(("pupil_name", "string"))


def reply_process() -> bytes:
    """start -> wait for the school's reply -> accepted? -> welcome (manual) | declined end."""
    d = Diagram("reply")
    message = d.message("school_reply")
    d.node("startEvent", "start", body=START_FORM)
    d.node("intermediateCatchEvent", "wait_reply", "School replies",
           body=form(("accepted", "boolean"), ("reason", "string")) + message_definition(message))
    d.node("exclusiveGateway", "accepted_q", "Accepted?")
    d.node("manualTask", "welcome", "Welcome the pupil")
    d.node("endEvent", "end")
    d.node("endEvent", "declined")
    d.chain("start", "wait_reply", "accepted_q")
    d.flow("accepted_q", "welcome", "accepted == True")
    d.flow("accepted_q", "declined", default=True)
    d.flow("welcome", "end")
    return d.xml()


def bare_process() -> bytes:
    d = Diagram("bare")
    d.node("startEvent", "start")
    d.node("manualTask", "do_it")
    d.node("endEvent", "end")
    d.chain("start", "do_it", "end")
    return d.xml()


@pytest.fixture
def h(make_harness, tmp_path):
    harness = make_harness(HandlerRegistry())
    harness.add_people()
    for name, xml in (("reply.bpmn", reply_process()), ("bare.bpmn", bare_process())):
        (tmp_path / name).write_bytes(xml)
        harness.deploy(tmp_path / name)
    return harness


def test_declared_payload_fields_become_variables_a_gateway_tests(h):
    case = h.call("start_case", "reply", {"pupil_name": "Sam Smith"}, "ava.ap")
    after = h.call("send_message", case["case_id"], "school_reply", {"accepted": True, "reason": "room"}, "ava.ap")
    assert [t["task"] for t in after["ready_tasks"]] == ["welcome"]
    assert after["data"]["accepted"] is True and after["data"]["reason"] == "room"
    assert after["data"]["school_reply"] == {"accepted": True, "reason": "room"}
    event = [e for e in h.call("history", case["case_id"]) if e["kind"] == "message_received"][0]
    assert event["data"]["variables"] == {"accepted": True, "reason": "room"}
    assert h.call("replay", case["case_id"], verify=True)["status"] == "verified"

    other = h.call("start_case", "reply", {"pupil_name": "Kim Jones"}, "ava.ap")
    declined = h.call("send_message", other["case_id"], "school_reply", {"accepted": False}, "ava.ap")
    assert declined["status"] == "completed" and declined["data"]["accepted"] is False


def test_undeclared_payload_fields_are_refused_and_change_nothing(h):
    case = h.call("start_case", "reply", {"pupil_name": "Sam Smith"}, "ava.ap")
    with pytest.raises(InvalidData) as err:
        h.call("send_message", case["case_id"], "school_reply", {"accepted": True, "pupil_name": "X"}, "ava.ap")
    assert err.value.errors == {"pupil_name": "pupil_name is not a field of this form"}
    assert h.call("show_case", case["case_id"])["data"] == {"pupil_name": "Sam Smith", **_derived(h, case)}


def _derived(h, case) -> dict:
    """What starting added to the data beyond the form (the starter's organisation, say)."""
    data = h.call("show_case", case["case_id"])["data"]
    return {k: v for k, v in data.items() if k != "pupil_name"}


def test_start_data_for_a_process_without_a_start_form_is_refused_with_the_reason(h):
    with pytest.raises(InvalidData) as err:
        h.call("start_case", "bare", {"pupil_name": "Sam"}, "ava.ap")
    assert "declares no form" in err.value.errors["_"] and "camunda:formData" in err.value.errors["_"]
    assert h.call("start_case", "bare", {}, "ava.ap")["ready_tasks"][0]["task"] == "do_it"
