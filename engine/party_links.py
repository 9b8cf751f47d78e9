"""Case parties and accounts that name no register entry, and pointing them at one.

Cases started before the register (or accounts added before it) may name an organisation in free
text that matches no entry: "Kingsmead high school" for Kingsmead High School. `unmatched` lists
them with the closest entries; `resolve` points every case party and account that names a value at
an entry, each case through `Engine.relink_parties` (the case's data and workflow take the entry's
name, and the change is an event in its history, replayed like any other); `link_spellings` does
that for every value that differs from an entry's name only in case and spacing.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Case, User
from .organisations import PARTY_FIELDS, ROLE_KINDS, Organisation, find, link_account, name_key, suggest
from .permissions import ORGANISATIONS, actor_for, require
from .queries import party_value

#: How many case ids `unmatched` names for one value (the count says how many there are).
CASES_SHOWN = 20


def relink_workflow(workflow, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Every task's data (subprocesses' too) that holds a party's old value takes its new one."""
    for task in workflow.get_tasks():
        for field, new in after.items():
            if field in task.data and task.data[field] == before.get(field):
                task.data[field] = new


def _unmatched_parties(session: Session) -> list[tuple[str, str, str]]:
    """(field, value, case id) of every case party whose value is no entry's name."""
    names = select(Organisation.name)
    out = []
    for field in PARTY_FIELDS:
        value = party_value(session, field)
        rows = session.execute(select(value, Case.id).where(value.is_not(None), value != "", value.not_in(names))
                               .order_by(value, Case.id))
        out += [(field, v, case_id) for v, case_id in rows if isinstance(v, str)]
    return out


def unmatched(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Case parties (grouped by field and value) and accounts whose organisation is no register entry,
    each with the closest entries of the kinds it may name."""
    groups: dict[tuple[str, str], list[str]] = {}
    for field, value, case_id in _unmatched_parties(session):
        groups.setdefault((field, value), []).append(case_id)
    cases = [{"field": field, "value": value, "cases": len(ids), "case_ids": ids[:CASES_SHOWN],
              "suggestions": suggest(session, value, PARTY_FIELDS[field])} for (field, value), ids in groups.items()]
    users = session.scalars(select(User).where(User.org.is_not(None), User.org_id.is_(None)).order_by(User.name))
    accounts = [{"name": u.name, "role": u.role, "org": u.org, "suggestions": suggest(session, u.org, ROLE_KINDS.get(u.role))}
                for u in users]
    return {"case_parties": cases, "accounts": accounts}


def resolve(engine, value: str, to: str, actor: str, field: str | None = None) -> dict[str, Any]:
    """Point every case party (of `field`, or of any party field that takes the entry's kind) and every
    account naming `value` at the entry `to` (id or exact name). Returns what changed; ValueError
    (UnknownOrganisation) if `to` is no entry, or none of its kind fits `field`."""
    session = engine.session
    require(actor_for(session, actor), ORGANISATIONS)
    if field is not None and field not in PARTY_FIELDS:
        raise ValueError(f"{field!r} is not a party field; they are {', '.join(PARTY_FIELDS)}")
    entry = find(session, to)
    fields = [f for f in ([field] if field else PARTY_FIELDS) if entry.kind in PARTY_FIELDS[f]]
    if field and not fields:
        find(session, to, PARTY_FIELDS[field], field.replace("_", " "))  # raises, saying which kinds fit
    changed: dict[str, list[str]] = {}
    for f, v, case_id in _unmatched_parties(session):
        if f in fields and v == value:
            engine.relink_parties(case_id, {f: entry.id}, actor)
            changed.setdefault(case_id, []).append(f)
    linked = []
    for user in session.scalars(select(User).where(User.org == value, User.org_id.is_(None)).order_by(User.name)):
        if entry.kind in ROLE_KINDS.get(user.role, (entry.kind,)):
            link_account(session, user, entry.id)
            linked.append(user.name)
    session.flush()
    return {"value": value, "entry": entry.to_json(), "cases": [{"case_id": c, "fields": fs} for c, fs in changed.items()],
            "accounts": linked}


def link_spellings(engine, actor: str = "system") -> dict[str, Any]:
    """`resolve` every unmatched case party and account whose value is an entry's name but for case and
    spacing (an entry of a kind its field or role takes): what init-db does after loading the register."""
    session = engine.session
    by_key = {name_key(o.name): o for o in session.scalars(select(Organisation))}
    out = {"cases": 0, "accounts": 0}
    found = unmatched(session)
    for group in found["case_parties"]:
        entry = by_key.get(name_key(group["value"]))
        if entry is not None and entry.kind in PARTY_FIELDS[group["field"]]:
            out["cases"] += len(resolve(engine, group["value"], entry.id, actor, group["field"])["cases"])
    for account in found["accounts"]:
        entry = by_key.get(name_key(account["org"]))
        if entry is not None and entry.kind in ROLE_KINDS.get(account["role"], (entry.kind,)):
            user = session.scalar(select(User).where(User.name == account["name"]))
            link_account(session, user, entry.id)
            out["accounts"] += 1
    return out
