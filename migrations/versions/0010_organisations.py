"""organisations register: authorities, schools, AP settings and providers; accounts point at one

Creates `organisations` and `users.org_id`, loads the register shipped in processes/organisations.csv,
and links every account whose free-text organisation matches an entry's name once case and spacing
are set aside (the account's organisation is rewritten to the entry's spelling). Accounts and case
parties that match nothing are listed by `reintegrate org unmatched` for an admin to resolve; a case
party spelled differently from its entry is relinked by `reintegrate init-db` through the engine, so
that the change is in the case's history (engine.party_links).

Revision ID: 0010
Revises: 0009
"""
import csv
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

REGISTER = Path(__file__).resolve().parents[2] / 'processes' / 'organisations.csv'


def _key(name: str) -> str:
    return ' '.join(name.split()).casefold()


def _shipped_rows() -> list[dict]:
    if not REGISTER.exists():
        return []
    with REGISTER.open(newline='', encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    now = datetime.now(UTC)
    out = [{'id': r['id'].strip(), 'name': ' '.join(r['name'].split()), 'name_key': _key(r['name']),
            'kind': r['kind'].strip(), 'authority_id': (r.get('authority') or '').strip() or None,
            'urn': (r.get('urn') or '').strip() or None, 'created_at': now} for r in rows]
    return sorted(out, key=lambda r: r['kind'] != 'local_authority')  # authorities before their members


def upgrade() -> None:
    organisations = op.create_table(
        'organisations',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('name_key', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('authority_id', sa.String(length=64), nullable=True),
        sa.Column('urn', sa.String(length=10), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['authority_id'], ['organisations.id'], name='fk_organisations_authority'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', name='uq_organisations_name'),
        sa.UniqueConstraint('name_key', name='uq_organisations_name_key'),
        sa.UniqueConstraint('urn', name='uq_organisations_urn'),
    )
    op.create_index('ix_organisations_kind', 'organisations', ['kind'])
    op.create_index('ix_organisations_authority_id', 'organisations', ['authority_id'])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_id', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_users_org_id', ['org_id'])
        batch_op.create_foreign_key('fk_users_org_id', 'organisations', ['org_id'], ['id'])
    rows = _shipped_rows()
    if rows:
        op.bulk_insert(organisations, rows)
    _link_accounts({r['name_key']: (r['id'], r['name']) for r in rows})


def _link_accounts(by_key: dict[str, tuple[str, str]]) -> None:
    conn = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('org', sa.String),
                     sa.column('org_id', sa.String))
    for user_id, org in conn.execute(sa.select(users.c.id, users.c.org).where(users.c.org.is_not(None))).all():
        match = by_key.get(_key(org))
        if match is not None:
            conn.execute(users.update().where(users.c.id == user_id).values(org_id=match[0], org=match[1]))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_org_id', type_='foreignkey')
        batch_op.drop_index('ix_users_org_id')
        batch_op.drop_column('org_id')
    op.drop_index('ix_organisations_authority_id', table_name='organisations')
    op.drop_index('ix_organisations_kind', table_name='organisations')
    op.drop_table('organisations')
