"""accounts: password and API-token hashes; task claims; indexes for the task list and case visibility

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# The case-data fields that name a case's parties (engine.queries.PARTY_FIELDS): one expression index
# each, so "cases where my school is the host school" is an index lookup, not a scan of every case.
PARTY_FIELDS = ('ap_setting', 'host_school', 'home_school', 'local_authority')


def _party_expression(dialect: str, field: str) -> str:
    if dialect == 'postgresql':
        return f"((data ->> '{field}'))"
    return f"(json_extract(data, '$.{field}'))"


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_token_hash'), ['token_hash'], unique=True)

    with op.batch_alter_table('ready_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_ready_tasks_due', ['due'], unique=False)
        batch_op.create_index('ix_ready_tasks_claimed_by', ['claimed_by'], unique=False)

    dialect = op.get_bind().dialect.name
    for field in PARTY_FIELDS:
        op.execute(f"CREATE INDEX ix_cases_party_{field} ON cases {_party_expression(dialect, field)}")


def downgrade() -> None:
    for field in PARTY_FIELDS:
        op.execute(f"DROP INDEX ix_cases_party_{field}")
    with op.batch_alter_table('ready_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_ready_tasks_claimed_by')
        batch_op.drop_index('ix_ready_tasks_due')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_token_hash'))
        batch_op.drop_column('token_hash')
        batch_op.drop_column('password_hash')
