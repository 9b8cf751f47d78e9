"""Roles, lanes and case statuses in the words people use: one table each for pages and emails."""
from __future__ import annotations

from . import parties

#: The engine's own roles -> what people call whoever has it.
ENGINE_ROLE_NAMES = {"process_owner": "process owner", "auditor": "auditor", "dpo": "data protection officer",
                     "admin": "administrator"}
#: Role (and lane) id -> what people call whoever has it: the service's roles (its party table,
#: `engine.parties`) and the engine's own; a live view, refilled when a table is put in force.
ROLE_NAMES: dict[str, str] = {}
parties.follow(lambda table: parties.refill(ROLE_NAMES, {**{r.id: r.name for r in table.roles}, **ENGINE_ROLE_NAMES}))


def role_name(role: str | None, capital: bool = False) -> str:
    """A role id as people say it, from `ROLE_NAMES` (`process_owner` -> "process owner"; "Process owner"
    with `capital`); an unknown role's id in words."""
    name = ROLE_NAMES.get(role or "", (role or "nobody").replace("_", " "))
    return name[:1].upper() + name[1:] if capital else name


#: A case's status -> how a caseworker says it.
STATUS_NAMES = {"running": "In progress", "completed": "Closed", "cancelled": "Cancelled", "error": "Needs attention"}


def status_name(status: str | None) -> str:
    """`running` -> "In progress"."""
    return STATUS_NAMES.get(status or "", (status or "").replace("_", " ").capitalize())


def lanes_for_people(bpmn_xml: str) -> str:
    """The diagram with each lane that is named by a role id named as people say it (`process_owner`:
    "Process owner"), for diagrams shown to people; the deployed document itself is never changed."""
    from lxml import etree

    from .safe_xml import parse_xml

    root = parse_xml(bpmn_xml)
    for lane in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}lane"):
        name = (lane.get("name") or "").strip()
        if name in ROLE_NAMES:
            lane.set("name", role_name(name, capital=True))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
