"""The organisations register: the organisations that take part in cases, as records.

Each entry is of a kind the service declares (its party table, `engine.parties`), and may belong to an
authority (an entry of the authority's kind). A case's parties (the party fields of its data) and an
account's organisation each point at an entry here. Input names an entry by its id or its exact name;
anything else is refused with the closest names in the register. The case data keeps the entry's
canonical name, so every reader of the data (reports, letters, access checks) sees one spelling.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import parties
from .models import Base, UTCDateTime

# Live views of the party table in force (engine.parties), refilled in place when one is put in force:
#: The kinds of organisation, and how people say each.
KINDS: list[str] = []
KIND_LABELS: dict[str, str] = {}
#: Kinds whose entries always belong to an authority.
NEEDS_AUTHORITY: list[str] = []
#: Case-data field naming a party -> the kinds of organisation that field accepts.
PARTY_FIELDS: dict[str, tuple[str, ...]] = {}
#: The parties a case's authority is derived from, in order, when the case does not name one.
AUTHORITY_FROM: list[str] = []
#: Account role -> the kinds of organisation an account in that role may belong to.
ROLE_KINDS: dict[str, tuple[str, ...]] = {}
#: Words too common in organisations' names to tell two apart.
GENERIC_WORDS: set[str] = set()


def _follow(table: parties.PartyTable) -> None:
    parties.refill(KINDS, [k.id for k in table.kinds])
    parties.refill(KIND_LABELS, {k.id: k.name for k in table.kinds})
    parties.refill(NEEDS_AUTHORITY, [k.id for k in table.kinds if k.needs_authority])
    parties.refill(PARTY_FIELDS, {p.field: p.kinds for p in table.parties})
    parties.refill(AUTHORITY_FROM, table.authority_from)
    parties.refill(ROLE_KINDS, {r.id: r.kinds for r in table.roles if r.kinds})
    GENERIC_WORDS.clear()
    GENERIC_WORDS.update(table.common_words)


parties.follow(_follow)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_URN = re.compile(r"^[0-9]{6,7}$")


class Organisation(Base):
    """One register entry. `name_key` is the name case-folded with its spaces collapsed: two entries may
    not differ only in case or spacing, and old free-text values are matched on it."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    name_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    authority_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    urn: Mapped[str | None] = mapped_column(String(10), unique=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "authority": self.authority_id,
                "urn": self.urn}


class UnknownOrganisation(ValueError):
    """A value that names no register entry (or one of the wrong kind); `suggestions` are the closest names."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        self.suggestions = suggestions or []
        super().__init__(message)


def name_key(name: str) -> str:
    """`name` case-folded, its runs of spaces made one: how free text is matched to a register name."""
    return " ".join(name.split()).casefold()


def slug(name: str) -> str:
    """A register id made from a name: lower case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:64] or "organisation"


def _did_you_mean(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"; did you mean {listed}?"


def _a(label: str) -> str:
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"


def _kinds_text(kinds: Iterable[str]) -> str:
    return _a(" or ".join(KIND_LABELS[k] for k in kinds))


def _words(key: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9']+", key) if w not in GENERIC_WORDS]


def _likeness(typed: str, candidate: str) -> float:
    """How alike two name keys are, 0..1: the whole names; what was typed against the start of the
    candidate (a school typed by its first word or two); or the distinctive words they share (the
    same school with "Academy" for "High School")."""
    whole = difflib.SequenceMatcher(None, typed, candidate).ratio()
    start = difflib.SequenceMatcher(None, typed, candidate[:len(typed) + 1]).ratio() if len(typed) >= 4 else 0.0
    typed_words, their_words = _words(typed), _words(candidate)
    shared = sum(1 for w in typed_words
                 if any(difflib.SequenceMatcher(None, w, v).ratio() >= 0.85 for v in their_words))
    words = shared / len(typed_words) if typed_words else 0.0
    return max(whole, 0.95 * start, 0.9 * words)


def suggest(session: Session, text: str, kinds: Iterable[str] | None = None, n: int = 3) -> list[str]:
    """The register names closest to `text` (of `kinds` when given), best first: only the one that
    differs in case or spacing if there is one, else up to `n` alike enough and near the best."""
    query = select(Organisation.name, Organisation.name_key)
    if kinds:
        query = query.where(Organisation.kind.in_(tuple(kinds)))
    names = {key: name for name, key in session.execute(query)}
    key = name_key(text)
    if key in names:
        return [names[key]]
    scored = sorted(((_likeness(key, k), names[k]) for k in names), key=lambda x: (-x[0], x[1]))
    best = scored[0][0] if scored else 0.0
    return [name for score, name in scored[:n] if score >= 0.6 and score >= best - 0.15]


def find(session: Session, text: str, kinds: Iterable[str] | None = None, what: str = "") -> Organisation:
    """The entry whose id or exact name is `text`, of one of `kinds` if given; UnknownOrganisation if none.

    `what` names the field for the message ("home school")."""
    kinds = tuple(kinds or ())
    value = text.strip() if isinstance(text, str) else ""
    org = None
    if value:
        org = session.get(Organisation, value) or session.scalar(select(Organisation).where(Organisation.name == value))
    label = f"{what} " if what else ""
    if org is None:
        close = suggest(session, value, kinds)
        hint = _did_you_mean(close) if close else " (see `reintegrate org list`, or ask an admin to add it)"
        raise UnknownOrganisation(f"{label}{value!r} is not in the organisations register{hint}", close)
    if kinds and org.kind not in kinds:
        close = suggest(session, value, kinds)
        hint = _did_you_mean(close) if close else ""
        raise UnknownOrganisation(f"{label}{org.name!r} is {_a(KIND_LABELS[org.kind])}, not {_kinds_text(kinds)}{hint}",
                                  close)
    return org


def authority_of(session: Session, org: Organisation) -> Organisation | None:
    """The authority `org` belongs to (an authority is its own)."""
    if org.kind == parties.table().authority_kind:
        return org
    return session.get(Organisation, org.authority_id) if org.authority_id else None


def resolve_parties(session: Session, values: Mapping[str, Any], derive_authority: bool = True
                    ) -> tuple[dict[str, Any], dict[str, str]]:
    """Check every party field in `values` against the register: (values with canonical names, errors).

    With `derive_authority`, a case that names parties but not its authority (the table's
    `authority_field`) gets the authority of its first party in `AUTHORITY_FROM` that has one; parties
    that belong to no known authority are an error on the authority's field."""
    out, errors = dict(values), {}
    found: dict[str, Organisation] = {}
    for field, kinds in PARTY_FIELDS.items():
        value = out.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        what = field.replace("_", " ")
        try:
            found[field] = find(session, value if isinstance(value, str) else "", kinds, what)
        except UnknownOrganisation as exc:
            errors[field] = str(exc)[:1].upper() + str(exc)[1:]
            continue
        out[field] = found[field].name
    table = parties.table()
    field = table.authority_field
    if derive_authority and not errors and field is not None and field not in found:
        named = [found[f] for f in AUTHORITY_FROM if f in found]
        if named:
            authority = next(filter(None, (authority_of(session, o) for o in named)), None)
            if authority is None:
                kind = KIND_LABELS.get(table.authority_kind or "", "authority")
                errors[field] = (f"{', '.join(o.name for o in named)} belong{'s' if len(named) == 1 else ''}"
                                 f" to no {kind} in the register; name the {table.party_name(field)}")
            else:
                out[field] = authority.name
    return out, errors


def add_organisation(session: Session, name: str, kind: str, now: datetime, *, authority: str | None = None,
                     urn: str | None = None, org_id: str | None = None) -> Organisation:
    """A new register entry; ValueError with a message for a person on a bad or duplicate one.

    `authority` is the id or exact name of an authority (required for the kinds that need one)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 255:
        raise ValueError("an organisation's name is 1 to 255 characters")
    if name[0] in "=+-@":  # it would be a formula in a spreadsheet that opens an export
        raise ValueError(f"an organisation's name cannot begin with {name[0]!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
    org_id = (org_id or "").strip() or _free_id(session, slug(name))
    if not _ID.match(org_id):
        raise ValueError(f"id {org_id!r}: use 1 to 64 lower-case letters, digits and hyphens")
    if session.get(Organisation, org_id) is not None:
        raise ValueError(f"id {org_id!r} is taken")
    clash = session.scalar(select(Organisation).where(Organisation.name_key == name_key(name)))
    if clash is not None:
        raise ValueError(f"{clash.name!r} ({clash.id}) is already in the register")
    urn = (urn or "").strip() or None
    if urn is not None:
        if not _URN.match(urn):
            raise ValueError(f"URN {urn!r}: a DfE URN is 6 or 7 digits")
        if session.scalar(select(Organisation).where(Organisation.urn == urn)) is not None:
            raise ValueError(f"URN {urn} is already in the register")
    parent, authority_kind = None, parties.table().authority_kind
    if kind != authority_kind and authority_kind and (authority or "").strip():
        parent = find(session, authority, (authority_kind,), "authority")
    elif kind in NEEDS_AUTHORITY:
        raise ValueError(f"{name!r} is {_a(KIND_LABELS[kind])}, which belongs to "
                         f"{_a(KIND_LABELS.get(authority_kind or '', 'authority'))}: give its id or name")
    org = Organisation(id=org_id, name=name, name_key=name_key(name), kind=kind,
                       authority_id=parent.id if parent else None, urn=urn, created_at=now)
    session.add(org)
    session.flush()
    return org


def _free_id(session: Session, base: str) -> str:
    candidate, n = base, 2
    while session.get(Organisation, candidate) is not None:
        candidate, n = f"{base[:60]}-{n}", n + 1
    return candidate


def list_organisations(session: Session, kind: str | None = None) -> list[dict[str, Any]]:
    """Every entry (of `kind`), authorities first, then by name; each with its authority's name."""
    authority_kind = parties.table().authority_kind or ""
    orgs = session.scalars(select(Organisation).order_by(Organisation.kind != authority_kind, Organisation.name))
    rows = list(orgs)
    names = {o.id: o.name for o in rows}
    return [{**o.to_json(), "authority_name": names.get(o.authority_id) if o.authority_id else None}
            for o in rows if kind is None or o.kind == kind]


def choices(session: Session, kinds: Iterable[str]) -> list[tuple[str, str]]:
    """(id, name) of every entry of `kinds`, by name: the options a form offers for a party field."""
    rows = session.execute(select(Organisation.id, Organisation.name)
                           .where(Organisation.kind.in_(tuple(kinds))).order_by(Organisation.name))
    return [(oid, name) for oid, name in rows]


def link_account(session: Session, user, org: str | None) -> None:
    """Point `user` at the register entry named by `org` (id or exact name), of a kind its role allows;
    None unlinks. UnknownOrganisation (a ValueError) if there is no such entry."""
    if org is None or not org.strip():
        user.org, user.org_id = None, None
        return
    entry = find(session, org, ROLE_KINDS.get(user.role), "organisation")
    user.org, user.org_id = entry.name, entry.id


def clean_form(session: Session, fields: list, data: Any, derive_authority: bool = False,
               today: date | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """`engine.forms.clean` (with `today`, the local date its date rules are kept against), then every
    party field on the form checked against the register (see `resolve_parties`); with
    `derive_authority`, a start form's missing authority is derived."""
    from .form_values import error_name, required_message
    from .forms import clean

    values, errors = clean(fields, data, today)
    for f in fields:  # a party is chosen from the register: "Select ...", as GOV.UK words a choice left out
        if f.id in PARTY_FIELDS and f.type == "string" and errors.get(f.id) == required_message(f) \
                and not f.error_required:
            errors[f.id] = f"Select {error_name(f, start=False)}"
    if errors:
        return values, errors
    return resolve_parties(session, values, derive_authority)


def form_choices(session: Session, fields: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """For each party field of a form (JSON field shapes), the (id, name) entries it may name."""
    return {f["id"]: choices(session, PARTY_FIELDS[f["id"]]) for f in fields
            if f["id"] in PARTY_FIELDS and f["type"] == "string"}


def link_account_spellings(session: Session) -> int:
    """Link every account not yet linked whose organisation is an entry's name but for case and spacing
    (an entry of a kind its role takes); the account takes the entry's spelling. Returns how many."""
    from .models import User

    by_key = {o.name_key: o for o in session.scalars(select(Organisation))}
    linked = 0
    for user in session.scalars(select(User).where(User.org.is_not(None), User.org_id.is_(None))):
        entry = by_key.get(name_key(user.org))
        if entry is not None and entry.kind in ROLE_KINDS.get(user.role, (entry.kind,)):
            user.org, user.org_id = entry.name, entry.id
            linked += 1
    session.flush()
    return linked
