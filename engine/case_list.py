"""The cases an account may see, as a searchable, filtered, paged list.

The list shows what identifies a case without opening it: its reference, its subject's initials, the
process, its status, the parties the service lists (organisations, not people) and when it started. It reads no child's
data beyond the initials, as the task list does, so it is not written to the access log; opening a
case is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, union
from sqlalchemy.orm import Session

from . import parties
from .models import Case, ProcessVersion
from .organisations import Organisation
from .paging import Page
from .permissions import AGENCY_ROLES, READ_ALL_ROLES, as_actor
from .queries import MAX_PAGE, PAGE_SIZE, case_filter, party_value

STATUSES = ("running", "completed", "cancelled", "error")
# Live views of the party table in force (engine.parties), refilled in place when one is put in force:
#: The parties the organisation filter (`CaseFilter.school`) looks in.
SEARCHED_PARTIES: list[str] = []
#: The register's kinds the organisation filter offers.
SEARCHED_KINDS: list[str] = []
#: The parties each row shows.
LISTED_PARTIES: list[str] = []


def _follow(table: parties.PartyTable) -> None:
    parties.refill(SEARCHED_PARTIES, table.searched)
    parties.refill(SEARCHED_KINDS, table.searched_kinds)
    parties.refill(LISTED_PARTIES, table.listed)


parties.follow(_follow)
_INITIALS = re.compile(r"^[A-Za-z][A-Za-z. ]{0,12}$")


@dataclass
class CaseFilter:
    """What the list asks for: `q` a case reference (or its start) or a subject's initials; `school` the name
    of an organisation named in one of the searched parties."""

    q: str = ""
    process: str | None = None
    status: str | None = None
    school: str | None = None
    page: int = 1
    per_page: int = PAGE_SIZE

    @property
    def narrowed(self) -> bool:
        """Whether a search or a filter is set (else the list is every case the account may see)."""
        return bool(self.q.strip() or self.process or self.status or self.school)


@dataclass
class CasePage(Page):
    filters: CaseFilter = field(default_factory=CaseFilter)
    #: The account reads only the cases shared with its organisation (an agency team).
    shared_only: bool = False


def _search(q: str) -> ColumnElement[bool] | None:
    q = q.strip()
    if not q:
        return None
    by_reference = Case.id.istartswith(q.upper(), autoescape=True)
    if _INITIALS.match(q):
        initials = re.sub(r"[^A-Za-z]", "", q).upper()
        return or_(by_reference, Case.pupil_initials == initials)
    return by_reference


def _conditions(session: Session, user, f: CaseFilter) -> list[ColumnElement[bool]]:
    conditions = [case_filter(session, user)]
    if (search := _search(f.q)) is not None:
        conditions.append(search)
    if f.process:
        conditions.append(Case.process_key == f.process)
    if f.status in STATUSES:
        conditions.append(Case.status == f.status)
    if f.school:
        conditions.append(or_(*(party_value(session, name) == f.school for name in SEARCHED_PARTIES)))
    return conditions


def case_list(session: Session, user, f: CaseFilter) -> CasePage:
    """One page of the cases `user` may see that match `f`, newest first."""
    f.page = min(max(f.page, 1), MAX_PAGE)
    where = _conditions(session, user, f)
    total = session.scalar(select(func.count()).select_from(Case).where(*where)) or 0
    rows = session.execute(
        select(Case.id, Case.process_key, Case.status, Case.pupil_initials, Case.created_at, Case.data)
        .where(*where).order_by(Case.created_at.desc(), Case.id)
        .limit(f.per_page).offset((f.page - 1) * f.per_page)).all()
    names = process_names(session)
    items = [_row(r, names) for r in rows]
    return CasePage(items, total, f.page, f.per_page, f, shared_only=as_actor(user).role in AGENCY_ROLES)


def _row(row, names: dict[str, str]) -> dict[str, Any]:
    data = row.data or {}
    started: datetime = row.created_at
    return {"case_id": row.id, "process": row.process_key, "process_name": names.get(row.process_key, row.process_key),
            "status": row.status, "pupil": row.pupil_initials, "started_at": started.isoformat(),
            "parties": {name: data.get(name) for name in LISTED_PARTIES if data.get(name)}}


def process_names(session: Session) -> dict[str, str]:
    """Process key -> the name its latest version gives it."""
    rows = session.execute(select(ProcessVersion.process_key, ProcessVersion.info)
                           .order_by(ProcessVersion.process_key, ProcessVersion.version))
    return {key: (info or {}).get("name") or key for key, info in rows}


def organisation_choices(session: Session, user) -> list[tuple[str, str]]:
    """(id, name) of the register's entries of the searched kinds that the organisation filter offers
    `user`: every one to a reader of every case; to anyone else only those named as a searched party of
    a case they may read, so that the list gives away no organisation the account has no case with."""
    query = (select(Organisation.id, Organisation.name).where(Organisation.kind.in_(SEARCHED_KINDS))
             .order_by(Organisation.name))
    actor = as_actor(user)
    if not (actor.system or actor.role in READ_ALL_ROLES):
        named = [select(party_value(session, name).label("name")).where(case_filter(session, actor))
                 for name in SEARCHED_PARTIES]
        query = query.where(Organisation.name.in_(union(*named).subquery().select()))
    return [(oid, name) for oid, name in session.execute(query)]
