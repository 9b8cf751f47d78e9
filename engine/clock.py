"""Clocks passed into the engine. Nothing in the engine reads the wall clock directly."""
from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything with `now()` returning an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that reads a set time and moves only when told to (tests, demos, FAKE_NOW)."""

    def __init__(self, at: datetime):
        self._at = _aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _aware(at)

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        self._at = self._at + timedelta(**delta)
        return self._at


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


FAKE_NOW_ENVS = ("test", "dev")


def clock_from_env(environ: dict[str, str] | None = None) -> Clock:
    """`REINTEGRATE_FAKE_NOW` fixes the time, but only where `REINTEGRATE_ENV` is test or dev."""
    env = os.environ if environ is None else environ
    fake = env.get("REINTEGRATE_FAKE_NOW")
    if not fake:
        return SystemClock()
    mode = env.get("REINTEGRATE_ENV", "production")
    if mode not in FAKE_NOW_ENVS:
        raise ValueError(
            f"REINTEGRATE_FAKE_NOW is refused when REINTEGRATE_ENV is {mode!r}; set it to test or dev"
        )
    try:
        return FixedClock(datetime.fromisoformat(fake))
    except ValueError:
        raise ValueError(f"REINTEGRATE_FAKE_NOW is not an ISO date-time: {fake!r}") from None
