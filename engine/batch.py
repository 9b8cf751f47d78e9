"""Writes sent to the database together and answered together: one round trip for a save's writes.

A step writes the case row, its history events and the changed projection rows: statements whose
results nobody reads but the UPDATE's row count. On PostgreSQL each would be a round trip; in
psycopg's pipeline mode they are sent one after the other without waiting, and the end of the
block waits once for all the answers. On SQLite (a statement is a function call, not a round trip)
the block changes nothing.

Only statements whose results are not read belong in a batch: a SELECT, or a RETURNING, would
come back empty. A row count is known once the block has ended (`engine.case_row.Pending`). A
database error in the batch is raised when the block ends, as SQLAlchemy's error (so that a
deadlock is still recognised as one to run again, `engine.db.is_transient`).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError


@contextmanager
def batched(connection) -> Iterator[None]:
    """Statements executed on `connection` within the block go to the database together."""
    driver = connection.connection.driver_connection
    pipeline = getattr(driver, "pipeline", None) if connection.dialect.name == "postgresql" else None
    if pipeline is None:
        yield
        return
    import psycopg

    try:
        with pipeline():
            yield
    except psycopg.Error as exc:  # raised by the pipeline's end: SQLAlchemy's execute did not see it
        raise DBAPIError.instance(None, None, exc, psycopg.Error, dialect=connection.dialect) from exc
