"""Where a form may send the browser next: only a path on this site, normalised, or the default.

Browsers drop tabs and newlines from a URL and read a backslash as a slash, so `/\t/evil.example`
and `/\\evil.example` both lead to another site; `next` and `back` values holding any control
character, backslash or whitespace, or that start like a host (`//`), are refused outright rather
than cleaned, and the check is made again on the percent-decoded value."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit


def _plain_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return False
    return not any(ch == "\\" or ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value)


def safe_path(target: str | None, default: str) -> str:
    """`target` if it is a same-site path (with its query), else `default`."""
    if not target or len(target) > 2000:
        return default
    decoded = target
    for _ in range(3):  # a value encoded twice is checked at every layer
        if not _plain_path(decoded):
            return default
        decoded, before = unquote(decoded), decoded
        if decoded == before:
            break
    else:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return urlunsplit(("", "", parts.path, parts.query, ""))
