"""Email addresses as people type them: one plain address (`name@example.org`), nothing that could
break a mail header. Checked wherever an address is entered (form fields, accounts, the policy's
contacts), so that the outbox never holds an address it cannot send to."""
from __future__ import annotations

import re

# A practical subset of RFC 5322's addr-spec: dot-atom local part, a domain with at least one dot.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_ADDRESS = re.compile(rf"{_LOCAL}@{_DOMAIN}")
MAX_LENGTH = 254


def address_problem(value: str) -> str | None:
    """Why `value` is not one email address, for a person; None if it is one."""
    if any(ch in value for ch in "\r\n") or not value.isprintable():
        return "must be one email address on one line (no line breaks or control characters)"
    if len(value) > MAX_LENGTH:
        return f"must be an email address of at most {MAX_LENGTH} characters"
    if not _ADDRESS.fullmatch(value):
        return "must be an email address like name@example.org"
    return None


def is_email_field(field_id: str) -> bool:
    """Form fields that hold an address: by name, as the diagrams write them (`parent_email`, `email`)."""
    return field_id == "email" or field_id.endswith("_email")
