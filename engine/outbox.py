"""Delivering the outbox: each due message sent once over SMTP, retried with back-off on failure.

Rows are written by the engine in the same transaction as the change that caused them (rule 5).
Delivery takes one message at a time: claim it (push its next attempt past a lease), send, mark it
sent, each step committed. A crash between sending and marking re-sends after the lease: delivery
is at least once, and the Message-ID is derived from the idempotency key so that a receiving
server or client can drop the duplicate.
"""
from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .models import OutboxMessage
from .smtp import SmtpSettings, SmtpTransport

__all__ = ["DeliveryReport", "SmtpSettings", "SmtpTransport", "backoff", "build_message", "deliver_due"]

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def build_message(row: OutboxMessage, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, row.recipient, row.subject
    msg["Date"] = formatdate(row.created_at.timestamp())
    msg["Message-ID"] = f"<{hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:32]}@reintegrate>"
    msg.set_content(row.body)
    if row.html:
        msg.add_alternative(row.html, subtype="html")
    return msg


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] | None = None

    def to_json(self) -> dict:
        return {"sent": self.sent, "failed": self.failed, "errors": self.errors or []}


def _claim(session: Session, now: datetime) -> OutboxMessage | None:
    query = (select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = session.scalar(query)
    if row is not None:
        row.next_attempt_at = now + LEASE
        session.commit()
    return row


def deliver_due(sessions: sessionmaker, now: Callable[[], datetime], transport: SmtpTransport,
                limit: int = 500) -> DeliveryReport:
    """Send every message due now, once each; failures are retried later with back-off."""
    report = DeliveryReport(errors=[])
    conn = None
    try:
        for _ in range(limit):
            with sessions() as session:
                row = _claim(session, now())
                if row is None:
                    break
                row.attempts += 1
                connected = conn is not None
                try:
                    conn = conn or transport.open()
                    connected = True
                    conn.send_message(build_message(row, transport.settings.sender))
                except (OSError, smtplib.SMTPException) as exc:
                    conn = None
                    row.last_error = f"{type(exc).__name__}: {exc}"
                    row.next_attempt_at = now() + backoff(row.attempts)
                    report.failed += 1
                    # no address here: these lines are logged, and logs name cases, not people
                    report.errors.append(f"message {row.id}{f' on case {row.case_id}' if row.case_id else ''}: "
                                         f"{row.last_error}")
                else:
                    row.sent_at, row.last_error, row.next_attempt_at = now(), None, None
                    report.sent += 1
                session.commit()
                if not connected:  # the server is down: leave the rest for a later attempt
                    break
    finally:
        if conn is not None:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return report
