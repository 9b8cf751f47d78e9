"""One bad message never stops the outbox: an address with a line break is refused where it is typed;
a message that still cannot be sent (a header it cannot carry, from older data; a recipient the
server refuses) is marked failed with its reason, shown by `outbox list`, and the rest still go.
Against a real SMTP server (aiosmtpd on 127.0.0.1)."""
from __future__ import annotations

import json

import pytest
from aiosmtpd.controller import Controller

from cli.scenarios import START_DATA
from engine import forms
from engine.errors import InvalidData
from engine.models import OutboxMessage
from tests.integration.test_outbox__smtp import Inbox, free_port, rows

BAD_ADDRESSES = ["samantha@example.org\r\nBcc: everyone@example.org", "samantha\n@example.org", "not an address",
                 "samantha@", "a@b@example.org", "samantha@example.org, other@example.org", "sam\x00@example.org"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_an_email_field_refuses_what_is_not_one_address(address):
    field = forms.FormField(id="parent_email", label="Parent/carer email", type="string")
    values, errors = forms.clean([field], {"parent_email": address})
    assert values == {} and errors["parent_email"] == "Enter parent/carer email in the correct format, like name@example.com"


def test_an_email_field_takes_an_address():
    field = forms.FormField(id="parent_email", label="Parent/carer email", type="string")
    assert forms.clean([field], {"parent_email": " samantha.ellis@example.org "})[0] == {
        "parent_email": "samantha.ellis@example.org"}


def test_a_case_started_with_a_line_break_in_the_parent_email_is_refused(harness):
    from tests.conftest import REINTEGRATION

    harness.deploy(REINTEGRATION)
    bad = {**START_DATA, "parent_email": "samantha.ellis@example.org\r\nBcc: x@example.org"}
    with pytest.raises(InvalidData) as refused:
        harness.call("start_case", "reintegration", bad, "ava.ap")
    assert "parent_email" in refused.value.errors
    assert harness.query(lambda s: s.query(OutboxMessage).count()) == 0


class Refusing(Inbox):
    """An SMTP server that refuses one mailbox for good (550) and takes every other message."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def rt(db_url):
    from datetime import UTC, datetime

    from engine.clock import FixedClock
    from engine.wiring import Runtime
    from handlers import default_registry
    from schooling.policy import load_policy

    port = free_port()
    runtime = Runtime(url=db_url, clock=FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)), policy=load_policy(),
                      registry=default_registry(), smtp_url=f"smtp://127.0.0.1:{port}?from=noreply@la.example")
    runtime.upgrade()
    inbox = Refusing()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    runtime.inbox = inbox
    yield runtime
    controller.stop()


def _queue(rt, recipients: list[str]) -> None:
    with rt.sessions() as s:
        for i, to in enumerate(recipients):
            s.add(OutboxMessage(idempotency_key=f"test:{i}", kind="failure_letter", recipient=to,
                                subject=f"Message {i}", body=f"Body {i}", created_at=rt.clock.now(),
                                next_attempt_at=rt.clock.now()))
        s.commit()


def test_a_bad_header_and_a_refused_recipient_fail_for_good_and_the_rest_go(rt, run_cli, db_url, monkeypatch):
    _queue(rt, ["first@school.example", "samantha@example.org\r\nBcc: everyone@example.org", "gone@school.example",
                "last@school.example"])
    report = rt.send_outbox()
    assert (report.sent, report.failed, report.given_up) == (2, 2, 2)
    assert sorted(m.rcpt_tos[0] for m in rt.inbox.messages) == ["first@school.example", "last@school.example"]
    bad_header, refused = rows(rt)[1], rows(rt)[2]
    assert bad_header.failed_at == rt.clock.now() and "linefeed" in bad_header.last_error
    assert refused.failed_at == rt.clock.now() and "550" in refused.last_error and "no such mailbox" in refused.last_error
    assert bad_header.next_attempt_at is None and refused.attempts == 1
    # The next run has nothing left to try, and exits cleanly.
    assert rt.send_outbox().to_json() == {"sent": 0, "failed": 0, "given_up": 0, "errors": []}
    monkeypatch.setenv("REINTEGRATE_SMTP_URL", rt.smtp_url)
    code, out, err = run_cli("outbox", "send")
    assert code == 0 and out.strip() == "sent 0, failed 0 (0 for good)"
    code, out, _ = run_cli("outbox", "list", "--failed", "--json")
    listed = json.loads(out)
    assert [m["status"] for m in listed] == ["failed", "failed"]
    assert {m["to"] for m in listed} == {"gone@school.example", "samantha@example.org\r\nBcc: everyone@example.org"}
    code, out, _ = run_cli("outbox", "list")
    lines = out.strip().splitlines()
    assert len(lines) == 4 and sum("FAILED" in line for line in lines) == 2  # one line each, the CR/LF escaped
    assert any("\\r\\nBcc" in line and "linefeed" in line for line in lines)


def test_a_message_that_keeps_failing_is_given_up_after_its_retries(rt):
    from engine.outbox import deliver_due

    class Busy(Refusing):
        async def handle_DATA(self, server, session, envelope):
            return "451 4.3.0 try again later"

    _queue(rt, ["busy@school.example", "other@school.example"])
    rt.inbox.__class__ = Busy
    for attempt in range(1, 4):
        report = deliver_due(rt.sessions, rt.clock.now, rt.transport, max_attempts=3)
        assert report.sent == 0 and report.failed == 2, attempt
        rt.clock.advance(hours=1)
    assert all(r.failed_at is not None and "451" in r.last_error and "after 3 attempts" in r.last_error
               for r in rows(rt))
    rt.inbox.__class__ = Refusing
    rt.clock.advance(days=1)
    assert deliver_due(rt.sessions, rt.clock.now, rt.transport).sent == 0  # given up: not tried again
    assert rt.inbox.messages == []
