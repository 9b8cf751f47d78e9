"""Mail over TLS to a real SMTP server (aiosmtpd) with a certificate made here by a private CA (trustme):
STARTTLS and implicit TLS deliver and authenticate when the CA is trusted; a certificate the system does
not trust, or one issued for another host, is refused and the mail kept for a later attempt; a password
is never sent without TLS unless a setting allows it, and never appears in a repr, a log line or an error."""
from __future__ import annotations

import logging
import ssl
from datetime import UTC, datetime

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from engine.clock import FixedClock
from engine.models import OutboxMessage
from engine.scheduler import send_outbox
from engine.smtp import InsecureSmtpSettings, SmtpSettings
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy
from tests.postgres_server import free_port

PASSWORD = "s3cret-relay-pw"  # noqa: S105  (the test's own relay)


class Relay:
    """Collects messages, and the credentials each session authenticated with."""

    def __init__(self):
        self.messages, self.logins = [], []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self.logins.append((auth_data.login.decode(), auth_data.password.decode(), tls))
        return AuthResult(success=auth_data.password.decode() == PASSWORD, handled=False)


@pytest.fixture
def ca():
    return trustme.CA()


@pytest.fixture
def relay_on():
    """relay_on(cert, implicit=..., **smtp_parameters) -> (Relay, port): aiosmtpd on 127.0.0.1 serving `cert`."""
    controllers = []

    def start(cert: trustme.LeafCert, *, implicit: bool, **params):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        relay, port = Relay(), free_port()
        # aiosmtpd's auth_require_tls knows STARTTLS only; a connection that is TLS from the start is TLS too.
        tls = {"ssl_context": context, "auth_require_tls": False} if implicit else \
            {"tls_context": context, "require_starttls": True}
        controller = Controller(relay, hostname="127.0.0.1", port=port, authenticator=relay.authenticate,
                                **{**tls, **params})
        controller.start()
        controllers.append(controller)
        return relay, port

    yield start
    for controller in controllers:
        controller.stop()


def runtime(db_url: str, smtp_url: str, ca_file=None, allow_plain_auth: bool = False) -> Runtime:
    rt = Runtime(url=db_url, clock=FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)), policy=load_policy(),
                 registry=default_registry(), smtp_url=smtp_url, smtp_ca_file=str(ca_file) if ca_file else None,
                 smtp_allow_plain_auth=allow_plain_auth)
    rt.upgrade()
    with rt.sessions() as s:
        s.add(OutboxMessage(idempotency_key="tls:1", kind="test", recipient="head@school.example", subject="Hello",
                            body="Body", html=None, created_at=rt.clock.now(), next_attempt_at=rt.clock.now()))
        s.commit()
    return rt


def the_message(rt: Runtime) -> OutboxMessage:
    with rt.sessions() as s:
        return s.scalars(select(OutboxMessage)).one()


def ca_file(ca: trustme.CA, tmp_path):
    path = tmp_path / "private-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "implicit-tls"])
def test_a_trusted_certificate_delivers_and_authenticates_over_tls(db_url, tmp_path, ca, relay_on, implicit):
    relay, port = relay_on(ca.issue_cert("127.0.0.1"), implicit=implicit)
    url = (f"smtps://relay-user:{PASSWORD}@127.0.0.1:{port}" if implicit
           else f"smtp://relay-user:{PASSWORD}@127.0.0.1:{port}?starttls=true")
    rt = runtime(db_url, url + ("?" if implicit else "&") + "from=noreply@la.example", ca_file(ca, tmp_path))
    report = rt.send_outbox()
    assert (report.sent, report.failed) == (1, 0), report.errors
    assert relay.logins == [("relay-user", PASSWORD, True)]  # the password crossed inside TLS
    assert [m.rcpt_tos for m in relay.messages] == [["head@school.example"]]
    assert the_message(rt).sent_at is not None


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "implicit-tls"])
@pytest.mark.parametrize("problem", ["untrusted-ca", "other-host"])
def test_a_wrong_certificate_is_refused_and_the_mail_kept(db_url, tmp_path, ca, relay_on, implicit, problem):
    if problem == "untrusted-ca":  # a certificate from a CA neither the system nor the setting trusts
        relay, port = relay_on(trustme.CA().issue_cert("127.0.0.1"), implicit=implicit)
    else:  # signed by the trusted CA, but for another host
        relay, port = relay_on(ca.issue_cert("mail.elsewhere.example"), implicit=implicit)
    url = (f"smtps://relay-user:{PASSWORD}@127.0.0.1:{port}" if implicit
           else f"smtp://relay-user:{PASSWORD}@127.0.0.1:{port}?starttls=true")
    rt = runtime(db_url, url, ca_file(ca, tmp_path))
    report = rt.send_outbox()
    assert (report.sent, report.failed) == (0, 1)
    kept = the_message(rt)
    assert kept.sent_at is None and kept.attempts == 1 and "CERTIFICATE_VERIFY_FAILED" in kept.last_error
    assert kept.next_attempt_at > rt.clock.now()  # tried again later, with back-off
    assert relay.logins == [] and relay.messages == []  # no password offered, nothing handed over


def test_the_system_ca_store_alone_does_not_trust_a_private_ca(db_url, ca, relay_on):
    relay, port = relay_on(ca.issue_cert("127.0.0.1"), implicit=True)
    rt = runtime(db_url, f"smtps://127.0.0.1:{port}")
    assert rt.send_outbox().failed == 1
    assert "CERTIFICATE_VERIFY_FAILED" in the_message(rt).last_error and relay.messages == []


def test_a_password_without_tls_is_refused_unless_allowed_explicitly(db_url, relay_on, ca):
    with pytest.raises(InsecureSmtpSettings, match="has a user name but no TLS"):
        SmtpSettings.from_url(f"smtp://relay-user:{PASSWORD}@127.0.0.1:25")
    with pytest.raises(InsecureSmtpSettings) as refused:
        _ = Runtime(url=db_url, clock=FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)), policy=load_policy(),
                    registry=default_registry(), smtp_url=f"smtp://relay-user:{PASSWORD}@127.0.0.1:25").transport
    assert PASSWORD not in str(refused.value) and "relay-user:***@127.0.0.1" in str(refused.value)
    # Allowed explicitly: sent as configured (the relay, too, must accept AUTH without TLS).
    relay, port = relay_on(ca.issue_cert("127.0.0.1"), implicit=False, require_starttls=False,
                           auth_require_tls=False)
    rt = runtime(db_url, f"smtp://relay-user:{PASSWORD}@127.0.0.1:{port}", allow_plain_auth=True)
    assert rt.send_outbox().sent == 1
    assert relay.logins == [("relay-user", PASSWORD, False)]


def test_no_secret_in_reprs_log_lines_or_errors(db_url, tmp_path, ca, relay_on, caplog):
    relay, port = relay_on(ca.issue_cert("127.0.0.1"), implicit=False)
    rt = runtime(db_url, f"smtp://relay-user:wrong-{PASSWORD}@127.0.0.1:{port}?starttls=true", ca_file(ca, tmp_path))
    with caplog.at_level(logging.DEBUG):
        assert send_outbox(rt) == 0  # the scheduler's pass: authentication fails, logged
    kept = the_message(rt)
    assert kept.sent_at is None and "SMTPAuthenticationError" in kept.last_error
    shown = [repr(rt), repr(rt.transport), repr(rt.transport.settings), rt.transport.settings.display_url(),
             kept.last_error, caplog.text]
    assert "outbox: 0 sent, 1 failed" in caplog.text and "outbox: message 1: SMTPAuthenticationError" in caplog.text
    assert "head@school.example" not in caplog.text.replace("rcpt", "")  # logs name messages and cases, not people
    assert all(PASSWORD not in text for text in shown), shown
    assert "relay-user:***@127.0.0.1" in repr(rt)


def test_a_private_ca_file_that_cannot_be_read_is_a_clear_error(tmp_path):
    (tmp_path / "broken.pem").write_text("not a certificate")
    settings = SmtpSettings.from_url("smtps://127.0.0.1:465", ca_file=str(tmp_path / "broken.pem"))
    with pytest.raises(InsecureSmtpSettings, match=r"REINTEGRATE_SMTP_CA_FILE .*broken.pem: cannot load it"):
        settings.tls_context()
