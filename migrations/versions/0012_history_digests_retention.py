"""history digests and retention: each event's payload is kept beside a salted digest, and the hash
chain covers the digests, so that retention can erase a payload (set it and its salt to NULL) and the
chain still verifies; the append-only triggers allow that one change and nothing else; a
`redactions` table records what retention erased on which case, when and by whom

Existing events get a salt and a digest here, and their chain is sealed again over the digests, case
by case, up to the first event whose old hash does not verify: from there on the old hashes are kept,
so that a chain already broken stays broken where it was.

Revision ID: 0012
Revises: 0011
"""
import hashlib
import json
import secrets
import warnings
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
REFUSE = "history_events is append-only: events cannot be changed or deleted (retention may only erase a payload)"
# What the chain covers besides the digest: none of it may change, even when a payload is erased.
KEPT = ('id', 'case_id', 'seq', 'at', 'actor', 'kind', 'element', 'prev_hash', 'hash', 'digest')


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _old_hash(prev, case_id, seq, at, actor, kind, element, data) -> str:
    body = _canonical({"case": case_id, "seq": seq, "at": at.isoformat(), "actor": actor, "kind": kind,
                       "element": element, "data": data})
    return hashlib.sha256((prev + body).encode()).hexdigest()


# The same formulas as engine/history.py at this revision (a migration keeps its own copy).
def _digest(salt: str, data) -> str:
    return hashlib.sha256((salt + _canonical(data)).encode()).hexdigest()


def _new_hash(prev, case_id, seq, at, actor, kind, element, digest) -> str:
    body = _canonical({"case": case_id, "seq": seq, "at": at.isoformat(), "actor": actor, "kind": kind,
                       "element": element, "digest": digest})
    return hashlib.sha256((prev + body).encode()).hexdigest()


def _utc(at):
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _drop_triggers(dialect: str) -> None:
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS history_events_append_only ON history_events")
        op.execute("DROP FUNCTION IF EXISTS refuse_history_change()")
    elif dialect == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS history_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS history_events_no_delete")


def _create_triggers(dialect: str, refuse: str, allow_erasing: bool) -> None:
    if dialect == 'postgresql':
        same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in KEPT)
        allowed = (f"IF TG_OP = 'UPDATE' AND NEW.data IS NULL AND NEW.salt IS NULL AND {same} THEN RETURN NEW; END IF;"
                   if allow_erasing else "")
        op.execute(f"""
            CREATE FUNCTION refuse_history_change() RETURNS trigger AS $$
            BEGIN {allowed} RAISE EXCEPTION '{refuse}'; END; $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER history_events_append_only BEFORE UPDATE OR DELETE ON history_events
                      FOR EACH ROW EXECUTE FUNCTION refuse_history_change()""")
    elif dialect == 'sqlite':
        same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in KEPT)
        when = f"WHEN NOT (NEW.data IS NULL AND NEW.salt IS NULL AND {same})" if allow_erasing else ""
        op.execute(f"""CREATE TRIGGER history_events_no_update BEFORE UPDATE ON history_events {when}
                       BEGIN SELECT RAISE(ABORT, '{refuse}'); END""")
        op.execute(f"""CREATE TRIGGER history_events_no_delete BEFORE DELETE ON history_events
                       BEGIN SELECT RAISE(ABORT, '{refuse}'); END""")


def _seal_again(bind) -> None:
    """Give every event a salt and digest, and chain each case again over the digests."""
    events = sa.table('history_events', *(sa.column(c) for c in ('id', 'case_id', 'seq', 'actor', 'kind', 'element',
                                                                  'prev_hash', 'hash', 'salt', 'digest')),
                      sa.column('at', sa.DateTime(timezone=True)), sa.column('data', sa.JSON))
    cases = sa.table('cases', sa.column('id'), sa.column('history_hash'))
    query = sa.select(events).order_by(events.c.case_id, events.c.seq)
    updates, heads = [], {}
    state = {"case": None, "old": GENESIS, "new": GENESIS, "broken": False}
    for e in bind.execute(query).mappings():
        if e["case_id"] != state["case"]:
            state = {"case": e["case_id"], "old": GENESIS, "new": GENESIS, "broken": False}
        at = _utc(e["at"])
        salt = secrets.token_hex(16)
        digest = _digest(salt, e["data"])
        old = _old_hash(state["old"], e["case_id"], e["seq"], at, e["actor"], e["kind"], e["element"], e["data"])
        state["broken"] = state["broken"] or e["prev_hash"] != state["old"] or e["hash"] != old
        row = {"row_id": e["id"], "salt": salt, "digest": digest, "prev_hash": e["prev_hash"], "hash": e["hash"]}
        if not state["broken"]:
            new = _new_hash(state["new"], e["case_id"], e["seq"], at, e["actor"], e["kind"], e["element"], digest)
            row.update(prev_hash=state["new"], hash=new)
            state["new"] = new
            heads[e["case_id"]] = new
        else:
            heads.pop(e["case_id"], None)
        state["old"] = e["hash"]
        updates.append(row)
        if len(updates) >= 2000:
            _write(bind, events, updates)
            updates = []
    if updates:
        _write(bind, events, updates)
    statement = cases.update().where(cases.c.id == sa.bindparam("case_id")).values(history_hash=sa.bindparam("head"))
    rows = [{"case_id": c, "head": h} for c, h in heads.items()]
    for start in range(0, len(rows), 2000):
        bind.execute(statement, rows[start:start + 2000])


def _write(bind, events, rows) -> None:
    bind.execute(events.update().where(events.c.id == sa.bindparam("row_id"))
                 .values(salt=sa.bindparam("salt"), digest=sa.bindparam("digest"),
                         prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash")), rows)


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _drop_triggers(dialect)
    with warnings.catch_warnings():  # SQLite's batch mode reflects `cases` too, and its expression indexes
        warnings.filterwarnings("ignore", "Skipped unsupported reflection")
        with op.batch_alter_table('history_events') as batch_op:
            batch_op.add_column(sa.Column('salt', sa.String(length=32), nullable=True))
            batch_op.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
            batch_op.alter_column('data', existing_type=sa.JSON(), nullable=True)
        _seal_again(bind)
        with op.batch_alter_table('history_events') as batch_op:
            batch_op.alter_column('digest', existing_type=sa.String(length=64), nullable=False)
    _create_triggers(dialect, REFUSE, allow_erasing=True)
    op.create_table(
        'redactions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=20), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('erased', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_redactions_case_id', 'redactions', ['case_id'])


def _seal_as_before(bind) -> None:
    """Chain every case again over whole payloads (the formula before this revision)."""
    events = sa.table('history_events', *(sa.column(c) for c in ('id', 'case_id', 'seq', 'actor', 'kind', 'element',
                                                                  'prev_hash', 'hash', 'digest')),
                      sa.column('at', sa.DateTime(timezone=True)), sa.column('data', sa.JSON))
    cases = sa.table('cases', sa.column('id'), sa.column('history_hash'))
    updates, heads, state = [], {}, {"case": None, "prev": GENESIS, "new": GENESIS, "broken": False}
    for e in bind.execute(sa.select(events).order_by(events.c.case_id, events.c.seq)).mappings():
        if e["case_id"] != state["case"]:
            state = {"case": e["case_id"], "prev": GENESIS, "new": GENESIS, "broken": False}
        at = _utc(e["at"])
        expected = _new_hash(state["new"], e["case_id"], e["seq"], at, e["actor"], e["kind"], e["element"], e["digest"])
        state["broken"] = state["broken"] or e["prev_hash"] != state["new"] or e["hash"] != expected
        state["new"] = e["hash"]
        if state["broken"]:  # a broken chain stays broken where it was
            heads.pop(e["case_id"], None)
            continue
        old = _old_hash(state["prev"], e["case_id"], e["seq"], at, e["actor"], e["kind"], e["element"], e["data"])
        updates.append({"row_id": e["id"], "prev_hash": state["prev"], "hash": old})
        state["prev"] = heads[e["case_id"]] = old
    statement = events.update().where(events.c.id == sa.bindparam("row_id")).values(
        prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash"))
    for start in range(0, len(updates), 2000):
        bind.execute(statement, updates[start:start + 2000])
    rows = [{"case_id": c, "head": h} for c, h in heads.items()]
    head = cases.update().where(cases.c.id == sa.bindparam("case_id")).values(history_hash=sa.bindparam("head"))
    for start in range(0, len(rows), 2000):
        bind.execute(head, rows[start:start + 2000])


def downgrade() -> None:
    """Back to hashes over whole payloads; refused once retention has erased any payload (the old chain
    cannot cover a payload that is gone, and forging one would be worse)."""
    bind = op.get_bind()
    dialect = bind.dialect.name
    erased = bind.execute(sa.text("SELECT count(*) FROM history_events WHERE data IS NULL")).scalar()
    if erased:
        raise RuntimeError(f"0012 cannot be undone: retention has erased {erased} event payload(s), "
                           "which a chain over whole payloads cannot cover")
    op.drop_index('ix_redactions_case_id', 'redactions')
    op.drop_table('redactions')
    _drop_triggers(dialect)
    _seal_as_before(bind)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection")
        with op.batch_alter_table('history_events') as batch_op:
            batch_op.drop_column('digest')
            batch_op.drop_column('salt')
            batch_op.alter_column('data', existing_type=sa.JSON(), nullable=False)
    _create_triggers(dialect, "history_events is append-only: events cannot be changed or deleted",
                     allow_erasing=False)
