"""What an operator asks of a running system: is the database reachable, is the schema current, is a
scheduler alive, and what is waiting (timers due and overdue, failed mail, incidents).

Read by `/readyz`, the admin banner and `reintegrate status`; nothing here changes anything.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine as SAEngine

from .db import alembic_config

_HEAD: list[str] = []


def head_revision() -> str:
    """The newest migration shipped with this code (read once per process)."""
    if not _HEAD:
        from alembic.script import ScriptDirectory

        _HEAD.append(ScriptDirectory.from_config(alembic_config()).get_current_head())
    return _HEAD[0]


def schema_revision(db: SAEngine) -> str | None:
    """The revision the database is at, or None before `init-db`. Raises if the database is unreachable."""
    with db.connect() as conn:
        if not db.dialect.has_table(conn, "alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def database_checks(db: SAEngine) -> dict[str, Any]:
    """`database` (reachable or the error's first line) and `schema` (current, or what it is and should be)."""
    try:
        current = schema_revision(db)
    except Exception as exc:  # any driver error means not ready; its first line says why
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {"database": {"ok": False, "error": reason}, "schema": {"ok": False, "error": "database unreachable"}}
    head = head_revision()
    schema = {"ok": current == head, "revision": current, "expected": head}
    if current != head:
        schema["error"] = "no schema: run `reintegrate init-db`" if current is None else \
            f"schema at {current}, code expects {head}: run `reintegrate init-db`"
    return {"database": {"ok": True}, "schema": schema}
