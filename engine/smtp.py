"""The SMTP connection: settings from `REINTEGRATE_SMTP_URL`, TLS verified, credentials never shown.

- `smtps://` is TLS from the first byte (port 465 by default); `smtp://...?starttls=true` upgrades the
  connection with STARTTLS (and fails if the server does not offer it). Either way the server's
  certificate is verified against the system's CA store, and its name against the host in the URL;
  `REINTEGRATE_SMTP_CA_FILE` adds a private CA (a PEM file) to those the system trusts.
- A user name in the URL means a password is sent: that is refused without TLS, unless
  `REINTEGRATE_SMTP_ALLOW_PLAIN_AUTH=true` says explicitly that the relay is on a network where that
  is acceptable.
- The password appears in no repr, no log line and no error message (`SmtpSettings.display_url()`).
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlparse

TRUE = ("1", "true", "yes", "on")


class InsecureSmtpSettings(ValueError):
    """Settings that would send a password in clear, or name a CA file that is not there."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    sender: str = "reintegration@localhost"
    ca_file: str | None = None
    allow_plain_auth: bool = False

    def __post_init__(self) -> None:
        if self.username and not (self.ssl or self.starttls) and not self.allow_plain_auth:
            raise InsecureSmtpSettings(
                f"REINTEGRATE_SMTP_URL ({self.display_url()}) has a user name but no TLS, so the password would "
                "cross the network in clear: use smtps:// or add ?starttls=true (or, if that is really wanted, "
                "set REINTEGRATE_SMTP_ALLOW_PLAIN_AUTH=true)")

    @classmethod
    def from_url(cls, url: str, ca_file: str | None = None, allow_plain_auth: bool = False) -> SmtpSettings:
        """`smtp://user:pass@host:587?starttls=true&from=noreply@la.gov.uk`, or `smtps://` for TLS."""
        parts = urlparse(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            shown = f"{parts.scheme}://{parts.hostname or ''}" if parts.password else url
            raise ValueError(f"REINTEGRATE_SMTP_URL must look like smtp://user:pass@host:port, not {shown!r}")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return cls(host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps" else 25),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   starttls=query.get("starttls", "false").lower() in TRUE,
                   ssl=parts.scheme == "smtps", sender=query.get("from", cls.sender),
                   ca_file=ca_file or None, allow_plain_auth=allow_plain_auth)

    def display_url(self) -> str:
        """The settings as a URL without the password, for messages and logs."""
        user = f"{self.username}:***@" if self.username else ""
        tls = "&starttls=true" if self.starttls else ""
        return f"{'smtps' if self.ssl else 'smtp'}://{user}{self.host}:{self.port}?from={self.sender}{tls}"

    def tls_context(self) -> ssl.SSLContext:
        """Certificates verified against the system's CA store (and the private CA file, if set),
        host names checked, TLS 1.2 at least."""
        context = ssl.create_default_context()
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.ca_file:
            try:
                context.load_verify_locations(cafile=self.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise InsecureSmtpSettings(f"REINTEGRATE_SMTP_CA_FILE {self.ca_file}: cannot load it: {exc}") from None
        return context


class SmtpTransport:
    """Opens SMTP connections with the settings' TLS and credentials (one connection per batch)."""

    def __init__(self, settings: SmtpSettings, timeout: float = 10):
        self.settings, self.timeout = settings, timeout

    def __repr__(self) -> str:
        return f"SmtpTransport({self.settings.display_url()})"

    def open(self) -> smtplib.SMTP:
        s = self.settings
        context = s.tls_context() if (s.ssl or s.starttls) else None
        if s.ssl:
            conn = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=context)
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        try:
            if s.starttls and not s.ssl:
                conn.starttls(context=context)
            if s.username:
                if not (s.ssl or s.starttls) and not s.allow_plain_auth:  # settings checked this; never rely on it
                    raise InsecureSmtpSettings("refusing to send the SMTP password without TLS")
                conn.login(s.username, s.password or "")
        except BaseException:
            conn.close()
            raise
        return conn
