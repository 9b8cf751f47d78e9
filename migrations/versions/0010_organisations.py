"""organisations register: authorities, schools, AP settings and providers; accounts point at one

Creates `organisations` and `users.org_id`. The register's entries are data, not schema: every upgrade
(engine.db.upgrade, so `reintegrate init-db`) then loads the site's register, or the shipped
processes/organisations.csv, and links each account whose free-text organisation is an entry's name
but for case and spacing; `init-db` relinks case parties spelled that way through the engine, so
that the change is in each case's history (engine.party_links). What matches nothing is listed by
`reintegrate org unmatched` and on the admins' Organisations page, to be resolved.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
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


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_org_id', type_='foreignkey')
        batch_op.drop_index('ix_users_org_id')
        batch_op.drop_column('org_id')
    op.drop_index('ix_organisations_authority_id', table_name='organisations')
    op.drop_index('ix_organisations_kind', table_name='organisations')
    op.drop_table('organisations')
