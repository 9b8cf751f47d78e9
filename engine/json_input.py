"""Checks on JSON that people and programs send (API bodies, `--data`, message payloads): text that is
valid Unicode (a lone surrogate such as \\ud800 parses as JSON but cannot be stored or sent), and
nesting no deeper than any form needs."""
from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # a form's data is two or three levels deep


def json_problem(value: Any, max_depth: int = MAX_DEPTH) -> str | None:
    """Why `value` (parsed JSON) cannot be taken, with the path to the first bad part; None if it can."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        item, path, depth = stack.pop()
        if depth > max_depth:
            return f"nested more than {max_depth} levels deep (at {path or 'the top'})"
        if isinstance(item, str):
            if not _valid_text(item):
                return f"text at {path or 'the top'} is not valid Unicode (a lone surrogate such as \\ud800)"
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and not _valid_text(key):
                    return f"a key at {path or 'the top'} is not valid Unicode (a lone surrogate such as \\ud800)"
                stack.append((child, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))
    return None


def loads(text: str | bytes) -> Any:
    """json.loads that turns nesting too deep for Python's parser into a ValueError, as any bad JSON."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError(f"JSON nested too deeply (at most {MAX_DEPTH} levels)") from None


def _valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
