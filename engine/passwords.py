"""What makes a password acceptable, after the NCSC's guidance: long enough (12 characters or more),
not one that attackers try first, and no composition rules (no demand for digits or symbols).

Refused: passwords on the shipped list of common and breached passwords (engine/data/common_passwords.txt,
made by scripts/common_passwords.py), also when only digits or symbols are added around one of them
(`password1234`, `!!monkey2024`); one short run repeated (`aaaaaaaaaaaa`, `abcabcabcabc`); a run of
keys, letters or digits (`qwertyuiopas`, `123456789012`); and a password containing the user name."""
from __future__ import annotations

import functools
import re
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 1024  # long passphrases are welcome; megabytes to hash are not
LIST = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
_RUNS = ("01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm",
         "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp")
_PADDING = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$", re.DOTALL)


@functools.cache
def common_passwords() -> frozenset[str]:
    return frozenset(LIST.read_text().split())


def _is_run(text: str) -> bool:
    return any(text in run or text in run[::-1] for run in _RUNS)


def problem(password: str, user_name: str | None = None) -> str | None:
    """Why `password` is refused, in words for the person choosing it, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a password can have at most {MAX_LENGTH} characters"
    lowered = password.lower()
    core = _PADDING.match(lowered).group(1)
    if lowered in common_passwords() or core in common_passwords():
        return ("this password is on the list of common passwords that attackers try first; choose another "
                "(three random words together make a good one)")
    if re.fullmatch(r"(.{1,4}?)\1+", lowered) or len(set(lowered)) < 4:
        return "this password repeats a few characters over and over; choose another"
    if _is_run(lowered) or (core and len(core) >= 6 and _is_run(core)):
        return "this password is a run of keys, letters or numbers; choose another"
    if user_name and len(user_name) >= 3 and user_name.lower() in lowered:
        return "a password must not contain the user name"
    return None
