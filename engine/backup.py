"""`reintegrate backup PATH`: a consistent copy of a SQLite database, taken while the app runs.

SQLite's online backup API copies the database page by page inside one read transaction: in WAL mode
(which engine.db sets) writers carry on meanwhile, and the copy is the database as it stood when the
backup began, committed transactions only. The copy is written beside PATH, checked with
`PRAGMA integrity_check`, synced to disk and only then renamed to PATH, so PATH is either a whole
backup or absent. PostgreSQL is backed up with its own tools (`pg_dump`, see the README).
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine as SAEngine

from .db import safe_url


class BackupRefused(ValueError):
    """Not a SQLite database, or the target exists or cannot be written."""


def backup_sqlite(db: SAEngine, target: str | os.PathLike) -> dict[str, Any]:
    """Copy the SQLite database behind `db` to `target`; returns what was copied."""
    url = db.url
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(f"backup copies SQLite databases; {safe_url(str(url))} is {url.get_backend_name()}: "
                            "use pg_dump (see the README's backups)")
    if not url.database or url.database == ":memory:" or not Path(url.database).is_file():
        raise BackupRefused(f"no SQLite database file at {url.database!r}")
    path = Path(target).expanduser().resolve()
    if path.exists():
        raise BackupRefused(f"{path} exists: back up to a new file")
    if not path.parent.is_dir():
        raise BackupRefused(f"{path.parent} is not a folder")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        summary = _copy(url.database, partial)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(path)
    return {"database": url.database, "path": str(path), "bytes": path.stat().st_size, **summary}


def _copy(database: str, partial: Path) -> dict[str, Any]:
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one read transaction, writers not blocked (WAL)
            return _check(copy)
        finally:
            copy.close()
    finally:
        source.close()


def _check(copy: sqlite3.Connection) -> dict[str, Any]:
    result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupRefused(f"the copy failed its integrity check: {result}")
    tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    schema = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] if "alembic_version" in tables else None
    cases = copy.execute("SELECT count(*) FROM cases").fetchone()[0] if "cases" in tables else 0
    return {"schema": schema, "cases": cases}
