"""Small helpers for the web tests: the CSRF token of a page, posting a form as the browser would."""
from __future__ import annotations

import re


def csrf(client, path: str = "/accessibility") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post(client, path: str, data: dict | None = None, token_from: str = "/accessibility"):
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client, token_from)})
