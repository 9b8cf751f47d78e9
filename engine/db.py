"""Database set-up: URL from configuration, engine, sessions, and schema upgrades through Alembic."""
from __future__ import annotations

import os

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from .locations import SOURCE_ROOT, instance_dir, migrations_location

#: The source checkout's root (tests and benchmarks read fixtures from it); the installed product never does.
ROOT = SOURCE_ROOT


def database_url(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    url = env.get("REINTEGRATE_DATABASE_URL")
    if url:
        return url
    instance = instance_dir(env)
    instance.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance / 'reintegrate.sqlite3'}"


def safe_url(url: str) -> str:
    """The database URL with its password masked, for output and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: say nothing of it
        return "<unparseable database URL>"


def make_engine(url: str) -> SAEngine:
    """A SQLAlchemy engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


# PostgreSQL's deadlock_detected and serialization_failure: the transaction was chosen to give way and
# rolled back whole; the same work run again normally goes through.
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})


def is_transient(exc: BaseException) -> bool:
    """Whether `exc` is a database error that running the same transaction again may cure: a
    PostgreSQL deadlock or serialization failure, or SQLite still locked after its busy timeout."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    return type(orig).__module__ == "sqlite3" and "database is locked" in str(orig)


def session_factory(engine: SAEngine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config():
    """Alembic's configuration, with the migrations read from the installed `migrations` package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", migrations_location())
    return cfg


def upgrade(engine: SAEngine, revision: str = "head") -> dict[str, int] | None:
    """Create or upgrade the schema to `revision` (the latest by default). At the latest, also load the
    organisations register the site runs on (engine.organisations_csv.load_register): the counts."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    if revision != "head":
        return None
    from .organisations_csv import load_register

    return load_register(engine)
