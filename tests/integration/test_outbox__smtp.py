"""Delivering the outbox to a real SMTP server (aiosmtpd on 127.0.0.1)."""
from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.clock import FixedClock
from engine.models import OutboxMessage
from engine.outbox import SmtpSettings
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def start_smtp(port):
    controllers = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for c in controllers:
        c.stop()


@pytest.fixture
def rt(db_url, port):
    runtime = Runtime(url=db_url, clock=FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)),
                      policy=load_policy(), registry=default_registry(),
                      smtp_url=f"smtp://127.0.0.1:{port}?from=noreply@la.example")
    runtime.upgrade()
    return runtime


def queue(rt: Runtime, n: int) -> None:
    with rt.sessions() as s:
        for i in range(n):
            s.add(OutboxMessage(idempotency_key=f"test:{i}", kind="test", recipient=f"person{i}@school.example",
                                subject=f"Message {i}", body=f"Body {i}", html=f"<p>Body {i}</p>",
                                created_at=rt.clock.now(), next_attempt_at=rt.clock.now()))
        s.commit()


def rows(rt: Runtime) -> list[OutboxMessage]:
    with rt.sessions() as s:
        return s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_each_message_is_delivered_once(rt, start_smtp):
    inbox = start_smtp()
    queue(rt, 3)
    report = rt.send_outbox()
    assert (report.sent, report.failed) == (3, 0)
    assert rt.send_outbox().sent == 0
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == [f"person{i}@school.example" for i in range(3)]
    first = inbox.messages[0].content.decode()
    assert "From: noreply@la.example" in first and "text/html" in first and "Message-ID: <" in first
    assert all(r.sent_at == rt.clock.now() and r.attempts == 1 for r in rows(rt))


def test_smtp_down_loses_nothing_and_delivers_once_when_back(rt, start_smtp):
    queue(rt, 2)
    report = rt.send_outbox()
    assert report.sent == 0 and report.failed == 1  # the batch stops at the first refused connection
    first = rows(rt)[0]
    assert first.sent_at is None and first.attempts == 1 and "Connection" in first.last_error
    assert first.next_attempt_at == rt.clock.now() + timedelta(minutes=1)
    inbox = start_smtp()
    assert rt.send_outbox().sent == 1  # the other message was due; the failed one waits its back-off
    rt.clock.advance(minutes=2)
    assert rt.send_outbox().sent == 1
    assert rt.send_outbox().sent == 0
    assert len(inbox.messages) == 2
    assert all(r.sent_at is not None for r in rows(rt))


def test_settings_from_url():
    s = SmtpSettings.from_url("smtp://user%40la:p%3Ass@mail.la.example:587?starttls=true&from=noreply@la.example")
    assert (s.host, s.port, s.username, s.password, s.starttls, s.sender) == (
        "mail.la.example", 587, "user@la", "p:ss", True, "noreply@la.example")
    with pytest.raises(ValueError, match="REINTEGRATE_SMTP_URL"):
        SmtpSettings.from_url("http://example.org")
