"""Delivering the outbox: each due message sent once over SMTP, retried with back-off on failure.

Rows are written by the engine in the same transaction as the change that caused them (rule 5).
Delivery takes one message at a time: claim it (push its next attempt past a lease), send, mark it
sent, each step committed. A message that can never go as it is (a header it cannot carry, a recipient
the server refuses for good) or whose retries are spent is marked failed with its reason, and the
rest of the outbox still goes. A crash between sending and marking re-sends after the lease: delivery
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

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from .models import OutboxMessage
from .smtp import SmtpSettings, SmtpTransport

__all__ = ["DeliveryReport", "SmtpSettings", "SmtpTransport", "backoff", "build_message", "deliver_due"]

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 8  # about two hours of back-off (1, 2, 4 ... 60 minutes), then the message is marked failed


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
    given_up: int = 0  # of `failed`, marked failed for good (a bad header, a refused recipient, retries spent)

    def to_json(self) -> dict:
        return {"sent": self.sent, "failed": self.failed, "given_up": self.given_up, "errors": self.errors or []}


class _Permanent(Exception):
    """This message can never be sent as it is: retrying will not help."""


def _claim(session: Session, now: datetime) -> OutboxMessage | None:
    query = (select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
                                         OutboxMessage.cancelled_at.is_(None), OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = session.scalar(query)
    if row is not None:
        row.next_attempt_at = now + LEASE
        session.commit()
    return row


def cancel_about_tasks(connection, case_id: str, closed: dict[str, str], now: datetime) -> None:
    """Cancel the case's messages not yet sent about tasks that stopped being ready (`closed`: element -> how,
    "completed" or "withdrawn"): marked, with the reason in `last_error`, never deleted."""
    for how in set(closed.values()):
        elements = [element for element, was in closed.items() if was == how]
        connection.execute(update(OutboxMessage).where(
            OutboxMessage.case_id == case_id, OutboxMessage.about_task.in_(elements), OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None), OutboxMessage.cancelled_at.is_(None),
        ).values(cancelled_at=now, next_attempt_at=None, last_error=f"not sent: the task was {how} first"))


def _send(conn: smtplib.SMTP, row: OutboxMessage, sender: str) -> None:
    """Send one message; _Permanent when it can never go as it is (its header, its recipient refused
    with a 5xx), an SMTP or socket error when a later attempt may do better."""
    try:
        message = build_message(row, sender)
    except (ValueError, TypeError) as exc:  # a header with CR/LF, say: the message cannot be built
        raise _Permanent(f"the message cannot be built: {exc}") from exc
    try:
        refused = conn.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            raise _Permanent(f"recipient refused: {_smtp_reply(exc.recipients)}") from exc
        raise
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        if 500 <= exc.smtp_code < 600:
            raise _Permanent(f"refused by the server: {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        raise
    except (ValueError, UnicodeError) as exc:  # smtplib's own refusals of what it was given
        raise _Permanent(f"the message cannot be sent: {exc}") from exc
    if refused:  # some recipients took it, others not: it is sent, with a note
        row.last_error = f"some recipients refused: {_smtp_reply(refused)}"


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _smtp_reply(recipients: dict) -> str:
    # the server's answers without the addresses: these lines are logged, and logs name cases, not people
    return "; ".join(f"{code} {_text(msg)}" for code, msg in recipients.values())


def _give_up(row: OutboxMessage, reason: str, at: datetime, report: DeliveryReport) -> None:
    row.last_error, row.failed_at, row.next_attempt_at = reason, at, None
    report.given_up += 1


def deliver_due(sessions: sessionmaker, now: Callable[[], datetime], transport: SmtpTransport,
                limit: int = 500, max_attempts: int = MAX_ATTEMPTS) -> DeliveryReport:
    """Send every message due now, once each. A message that fails is retried later with back-off, and
    after `max_attempts` (or at once, when it can never go as it is) marked failed with its reason;
    the rest still go. Only a server that cannot be reached stops the run."""
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
                    row.last_error = None
                    _send(conn, row, transport.settings.sender)
                except _Permanent as exc:
                    _give_up(row, str(exc), now(), report)
                    report.failed += 1
                    report.errors.append(f"message {row.id}{f' on case {row.case_id}' if row.case_id else ''}: "
                                         f"failed for good: {exc}")
                except (OSError, smtplib.SMTPException) as exc:
                    if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                        conn = None  # the connection is in doubt: a new one for the next message
                    row.last_error = f"{type(exc).__name__}: {exc}"
                    row.next_attempt_at = now() + backoff(row.attempts)
                    if row.attempts >= max_attempts and connected:
                        _give_up(row, f"{row.last_error} (after {row.attempts} attempts)", now(), report)
                    report.failed += 1
                    # no address here: these lines are logged, and logs name cases, not people
                    report.errors.append(f"message {row.id}{f' on case {row.case_id}' if row.case_id else ''}: "
                                         f"{row.last_error}")
                else:
                    row.sent_at, row.next_attempt_at = now(), None
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
