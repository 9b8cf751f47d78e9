"""Which processes an account may start, and a start form checked without starting anything.

A process is started by the role of its start event's lane (an AP setting starts a reintegration, a
school a part-time timetable, an SEMH nomination or an outreach request), for its own organisation:
the start form's party field for that role is filled with the account's organisation. The web's
start pages ask this module; `Engine.start_case` makes the same checks when the case is created.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import organisations, permissions
from .active_versions import active_version
from .errors import Forbidden, NotFound
from .models import ProcessVersion, User
from .who_acts import may_start


@dataclass(frozen=True)
class Startable:
    """A process an account may start: its key, its name, and the start form's fields (JSON shapes)."""

    key: str
    name: str
    start_event: str
    form: list[dict[str, Any]]
    starters: tuple[str, ...] = ()


def _startable(session: Session, specs, key: str, user: User) -> Startable | None:
    version = active_version(session, key)
    info = specs.get(session, version.id).parsed.info
    if not may_start(user, info.starters):
        return None
    return Startable(key, info.name, info.titles.get(info.start_event or "", info.name),
                     [f.to_json() for f in info.start_form], tuple(info.starters))


def startable(session: Session, specs, user: User) -> list[Startable]:
    """The processes `user` may start, by name."""
    keys = session.scalars(select(ProcessVersion.process_key).distinct())
    found = [s for key in keys if (s := _startable(session, specs, key, user)) is not None]
    return sorted(found, key=lambda s: s.name)


def start_of(session: Session, specs, key: str, user: User) -> Startable:
    """The process `key` if `user` may start it: NotFound if there is no such process, Forbidden if not."""
    if session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_key == key).limit(1)) is None:
        raise NotFound(f"there is no process called {key!r}")
    found = _startable(session, specs, key, user)
    if found is None:
        raise Forbidden("your account cannot start this process")
    return found


def own_party(user: User, start: Startable) -> dict[str, str]:
    """The start form's answers the account's own organisation gives: {party field: organisation}."""
    given = permissions.starting_values(user, {}, start.starters)
    return {f["id"]: given[f["id"]] for f in start.form if f["id"] in given}


def check_answers(session: Session, start: Startable, data: Any, user: User,
                  today: date | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The start form's answers cleaned and checked as `Engine.start_case` checks them (a party the
    account does not act for is refused on its field; `today` for the date rules), and the problems
    found; nothing is written."""
    from .forms import FormField

    fields = [FormField.from_json(f) for f in start.form]
    values, errors = organisations.clean_form(session, fields, data, derive_authority=True, today=today)
    if errors:
        return values, errors
    values = permissions.starting_values(user, values, start.starters)
    decision = permissions.decide(user, permissions.START, case=values, starters=start.starters)
    if not decision:
        field = permissions.PARTY_FIELDS.get(user.role or "")
        errors[field if any(f["id"] == field for f in start.form) else "_"] = decision.reason
    return values, errors
