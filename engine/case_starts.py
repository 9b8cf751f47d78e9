"""Which processes an account may start, and a start form checked without starting anything.

A process is started by the role of its start event's lane (an AP setting starts a reintegration, a
school a part-time timetable, an SEMH nomination or an outreach request), for its own organisation:
the start form's party field for that role is filled with the account's organisation. The web's
start pages ask this module; `Engine.start_case` makes the same checks when the case is created.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import organisations
from .active_versions import active_version
from .errors import Forbidden, NotFound
from .models import ProcessVersion, User
from .process_info import BPMN_NS, NS, lanes_by_node
from .queries import PARTY_FIELDS
from .safe_xml import parse_xml
from .who_acts import may_start


@dataclass(frozen=True)
class Startable:
    """A process an account may start: its key, its name, and the start form's fields (JSON shapes)."""

    key: str
    name: str
    start_event: str
    form: list[dict[str, Any]]


_LANES: dict[str, dict[str, tuple[str, str | None]]] = {}  # content hash -> start_lanes (versions never change)


def _start_lanes_of(version: ProcessVersion) -> dict[str, tuple[str, str | None]]:
    if version.content_hash not in _LANES:
        _LANES[version.content_hash] = start_lanes(version.bpmn_xml)
    return _LANES[version.content_hash]


def start_lanes(bpmn_xml: str) -> dict[str, tuple[str, str | None]]:
    """Process key -> (its start event's name, the lane the start event stands in)."""
    root = parse_xml(bpmn_xml)
    lanes = lanes_by_node(root)
    out: dict[str, tuple[str, str | None]] = {}
    for process in root.iterfind("bpmn:process", NS):
        start = process.find(f"{{{BPMN_NS}}}startEvent")
        if start is not None:
            out[process.get("id")] = (start.get("name") or start.get("id"), lanes.get(start.get("id")))
    return out


def _startable(session: Session, specs, key: str, user: User) -> Startable | None:
    version = active_version(session, key)
    info = specs.get(session, version.id).parsed.info
    start_name, _lane = _start_lanes_of(version).get(key, (key, None))
    if not may_start(user, info.starters):
        return None
    return Startable(key, info.name, start_name, [f.to_json() for f in info.start_form])


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


def own_party(user: User, form: list[dict[str, Any]]) -> dict[str, str]:
    """The start form's answers the account's own organisation gives: {party field: organisation}."""
    field = PARTY_FIELDS.get(user.role)
    if field and user.org and any(f["id"] == field for f in form):
        return {field: user.org}
    return {}


def check_answers(session: Session, start: Startable, data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The start form's answers cleaned as `Engine.start_case` cleans them, and the problems found;
    nothing is written."""
    from .forms import FormField

    fields = [FormField.from_json(f) for f in start.form]
    return organisations.clean_form(session, fields, data, derive_authority=True)
