"""The organisations register to and from CSV: `id,name,kind,authority,urn`, one entry a line.

`authority` is the id (or exact name) of the authority an entry belongs to, empty for an
authority itself; `urn` is the DfE unique reference number where there is one; an empty `id` is
made from the name. Importing adds new entries and updates the kind, authority and URN of existing
ones (matched by id); it never renames one, as cases name it. A file with any bad line changes nothing.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import parties
from .organisations import (
    KIND_LABELS,
    KINDS,
    NEEDS_AUTHORITY,
    Organisation,
    UnknownOrganisation,
    add_organisation,
    find,
    list_organisations,
    name_key,
)

COLUMNS = ("id", "name", "kind", "authority", "urn")


class RegisterFileError(ValueError):
    """A register file with bad lines; the message has one `FILE:LINE: problem` per line."""


def _rows(text: str, source: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("name", "kind") if c not in (reader.fieldnames or [])]
    if missing:
        raise RegisterFileError(f"{source}:1: the header needs the columns {', '.join(COLUMNS)} "
                                f"(missing {', '.join(missing)})")
    rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]
    authority_kind = parties.table().authority_kind
    return sorted(rows, key=lambda r: r[1].get("kind") != authority_kind)  # authorities first


def import_csv(session: Session, text: str, now: datetime, source: str = "register",
               add_only: bool = False) -> dict[str, int]:
    """Add and update register entries from CSV `text`: counts of added, updated and unchanged.

    With `add_only`, entries whose id or name is in the register already are left as they are (the
    shipped register loaded into a database whose admins have edited theirs). RegisterFileError
    listing every bad line if any line is bad; the caller's transaction then rolls back whatever was
    flushed, so nothing changes."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    problems: list[tuple[int, str]] = []
    for line, row in _rows(text, source):
        if add_only and _known(session, row):
            counts["unchanged"] += 1
            continue
        try:
            counts[_apply(session, row, now)] += 1
        except ValueError as exc:
            problems.append((line, str(exc)))
    if problems:
        raise RegisterFileError("\n".join(f"{source}:{line}: {message}" for line, message in sorted(problems)))
    return counts


def _known(session: Session, row: dict[str, str]) -> bool:
    return (bool(row.get("id")) and session.get(Organisation, row["id"]) is not None) or session.scalar(
        select(Organisation.id).where(Organisation.name_key == name_key(row.get("name") or ""))) is not None


def _apply(session: Session, row: dict[str, str], now: datetime) -> str:
    existing = session.get(Organisation, row["id"]) if row.get("id") else None
    if existing is None:
        add_organisation(session, row["name"], row["kind"], now, authority=row.get("authority") or None,
                         urn=row.get("urn") or None, org_id=row.get("id") or None)
        return "added"
    name = " ".join(row["name"].split())
    if name != existing.name:
        raise ValueError(f"id {existing.id!r} is {existing.name!r} in the register; import does not rename "
                         "entries (cases name them): add the new name as a new entry")
    if row["kind"] not in KINDS:
        raise ValueError(f"unknown kind {row['kind']!r}; kinds are {', '.join(KINDS)}")
    authority, authority_kind = None, parties.table().authority_kind
    if row["kind"] in NEEDS_AUTHORITY and not row.get("authority"):
        raise ValueError(f"{name!r} needs the {KIND_LABELS.get(authority_kind or '', 'authority')} it belongs to")
    if row["kind"] != authority_kind and authority_kind and row.get("authority"):
        try:
            authority = find(session, row["authority"], (authority_kind,), "authority").id
        except UnknownOrganisation as exc:
            raise ValueError(str(exc)) from None
    urn = row.get("urn") or None
    if urn is not None:
        other = session.scalar(select(Organisation).where(Organisation.urn == urn, Organisation.id != existing.id))
        if other is not None:
            raise ValueError(f"URN {urn} is already {other.name!r}'s")
    new = (row["kind"], authority, urn)
    if new == (existing.kind, existing.authority_id, existing.urn):
        return "unchanged"
    existing.kind, existing.authority_id, existing.urn = new
    session.flush()
    return "updated"


def import_file(session: Session, path: Path, now: datetime, add_only: bool = False) -> dict[str, int]:
    """`import_csv` on a file; RegisterFileError (a ValueError) if it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RegisterFileError(f"{path}: cannot read: {exc.strerror or type(exc).__name__}") from None
    except UnicodeDecodeError:
        raise RegisterFileError(f"{path}: cannot read: not UTF-8 text") from None
    return import_csv(session, text, now, str(path), add_only)


def register_file(processes: Path) -> Path | None:
    """The register `init-db` loads: `organisations.csv` in a site's own processes folder, else the one the
    service ships (its party table's `register_file`); None when there is neither."""
    own = Path(processes) / "organisations.csv"
    return own if own.is_file() else parties.table().register_file


def load_register(sa_engine, processes: Path | None = None) -> dict[str, int]:
    """Load the register a site runs on (`register_file`) into the database, adding the entries it lacks
    and keeping those it has, then link the accounts spelled as an entry: what every upgrade does."""
    from datetime import UTC

    from sqlalchemy.orm import Session as OrmSession

    from .locations import processes_dir
    from .organisations import link_account_spellings

    path = register_file(processes or processes_dir())
    with OrmSession(sa_engine) as session:
        counts = (import_file(session, path, datetime.now(UTC), add_only=True) if path
                  else {"added": 0, "updated": 0, "unchanged": 0})
        counts["accounts_linked"] = link_account_spellings(session)
        session.commit()
    return counts


def export_csv(session: Session) -> str:
    """The whole register as CSV in the import format."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for org in list_organisations(session):
        writer.writerow([org["id"], org["name"], org["kind"], org["authority"] or "", org["urn"] or ""])
    return out.getvalue()
