"""Email content and addressing: Jinja templates per message kind, recipients by role.

Templates live in `processes/mail/` beside the diagrams (shipped in the `processes` package), because
their wording is the authority's to change (`REINTEGRATE_MAIL_DIR` names a folder whose templates
replace the shipped ones of the same name): `<kind>.txt` starts with a `Subject:` line, then the
plain-text body; `<kind>.html`, if present, is the HTML body (autoescaped). Emails leave the system,
so templates name the child only by initials and case reference, with a link to the case.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from .access import PARTY_FIELD
from .locations import packaged
from .models import User
from .people_dates import DEFAULT_TIMEZONE, people_date

#: The shipped templates, read from the installed `processes` package.
MAIL_TEMPLATES = packaged("processes", "mail")


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


class MailRenderer:
    """Renders a message kind with its context; a missing template or variable is an error."""

    def __init__(self, template_dir: Path | list[Path] = MAIL_TEMPLATES, base_url: str = "http://127.0.0.1:5000",
                 timezone: str = DEFAULT_TIMEZONE):
        """`template_dir`: a folder, or folders searched in order (a site's own before the shipped ones);
        `timezone`: where the `people_date` filter shows times (dates as "14 May 2012", as on the pages)."""
        self.base_url = base_url.rstrip("/")
        dirs = template_dir if isinstance(template_dir, list) else [template_dir]
        loader = FileSystemLoader([str(d) for d in dirs])
        self._text = Environment(loader=loader, undefined=StrictUndefined, autoescape=False,
                                 keep_trailing_newline=True)
        self._html = Environment(loader=loader, undefined=StrictUndefined, autoescape=select_autoescape(["html"]))
        for env in (self._text, self._html):
            env.filters["people_date"] = lambda value, time=False: people_date(value, time, timezone)

    def render(self, kind: str, context: dict[str, Any]) -> RenderedMail:
        text = self._text.get_template(f"{kind}.txt").render(context)
        first, _, body = text.partition("\n")
        if not first.startswith("Subject:"):
            raise ValueError(f"mail template {kind}.txt must start with a 'Subject:' line")
        body = body.lstrip("\n")
        try:
            html = self._html.get_template(f"{kind}.html").render(context)
        except TemplateNotFound:
            html = text_to_html(body)
        return RenderedMail(first[len("Subject:"):].strip(), body, html)

    def case_link(self, case_id: str) -> str:
        return f"{self.base_url}/cases/{case_id}"

    def task_link(self, task_id: str) -> str:
        return f"{self.base_url}/tasks/{task_id}"


_URL = re.compile(r"(https?://[^\s<]+)")


def text_to_html(text: str) -> str:
    """The plain-text body as simple HTML: escaped paragraphs, links made clickable."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    out = []
    for p in paragraphs:
        escaped = str(escape(p)).replace("\n", "<br>\n")
        out.append("<p>" + _URL.sub(r'<a href="\1">\1</a>', escaped) + "</p>")
    return "\n".join(out) + "\n"


def resolve_recipients(session: Session, to: str, case_data: dict[str, Any], policy) -> list[str]:
    """Addresses for `to`: an address as it is, or `role:<role>` as that role's people on this case.

    A role's accounts with email addresses come first (only those of the case's party organisation,
    for party roles); failing those, the policy's contact address for the role. None is an empty list.
    """
    if not to.startswith("role:"):
        return [to]
    role = to[len("role:"):]
    query = select(User.email).where(User.role == role, User.email.is_not(None))
    party = case_data.get(PARTY_FIELD.get(role, ""), None)
    if party:
        query = query.where((User.org == party) | (User.org.is_(None)))
    # A role that acts for one of the case's parties, on a case that names none (a case on a version from
    # before the party existed): no organisation's people, only the policy's contact.
    emails = sorted(set(session.scalars(query))) if party or role not in PARTY_FIELD else []
    if emails:
        return emails
    contact = policy.contacts.get(role)
    return [contact] if contact else []
