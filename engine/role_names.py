"""Roles, lanes and case statuses in the words people use: one table each for pages and emails."""
from __future__ import annotations

#: Role (and lane) id -> what people call whoever has it.
ROLE_NAMES = {
    "ap_setting": "alternative provision setting",
    "la_admissions": "local authority admissions team",
    "la_attendance": "local authority attendance team",
    "host_school": "host school",
    "home_school": "home school",
    "outreach": "outreach team",
    "advocacy_provider": "advocacy provider",
    "semh_provider": "SEMH provider",
    "social_care": "social care team",
    "youth_justice": "youth justice team",
    "early_help": "early help team",
    "process_owner": "process owner",
    "auditor": "auditor",
    "dpo": "data protection officer",
    "admin": "administrator",
}


def role_name(role: str | None, capital: bool = False) -> str:
    """`la_admissions` -> "local authority admissions team" ("Local authority ..." with `capital`)."""
    name = ROLE_NAMES.get(role or "", (role or "nobody").replace("_", " "))
    return name[:1].upper() + name[1:] if capital else name


#: A case's status -> how a caseworker says it.
STATUS_NAMES = {"running": "In progress", "completed": "Closed", "cancelled": "Cancelled", "error": "Needs attention"}


def status_name(status: str | None) -> str:
    """`running` -> "In progress"."""
    return STATUS_NAMES.get(status or "", (status or "").replace("_", " ").capitalize())


def lanes_for_people(bpmn_xml: str) -> str:
    """The diagram with each lane that is named by a role id (`host_school`) named as people say it
    ("Host school"), for diagrams shown to people; the deployed document itself is never changed."""
    from lxml import etree

    from .safe_xml import parse_xml

    root = parse_xml(bpmn_xml)
    for lane in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}lane"):
        name = (lane.get("name") or "").strip()
        if name in ROLE_NAMES:
            lane.set("name", role_name(name, capital=True))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
