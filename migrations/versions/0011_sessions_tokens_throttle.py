"""sessions, tokens and throttling: server-side web sessions, named API tokens, failed sign-ins

Existing API tokens (one per account, users.token_hash) become tokens named "token" without expiry;
users.token_hash is emptied and no longer read.

Revision ID: 0011
Revises: 0010
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('id_hash'),
    )
    op.create_index('ix_web_sessions_user_id', 'web_sessions', ['user_id'])
    op.create_index('ix_web_sessions_last_seen_at', 'web_sessions', ['last_seen_at'])
    tokens = op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_api_tokens_user_id', 'api_tokens', ['user_id'])
    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sign_in_failures_address_at', 'sign_in_failures', ['address', 'at'])
    op.create_index('ix_sign_in_failures_at', 'sign_in_failures', ['at'])
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('token_hash', sa.String),
                     sa.column('created_at', sa.DateTime(timezone=True)))
    bind = op.get_bind()
    rows = [{'user_id': uid, 'name': 'token', 'token_hash': digest,
             'created_at': created or datetime.now(timezone.utc)}
            for uid, digest, created in bind.execute(sa.select(users.c.id, users.c.token_hash, users.c.created_at)
                                                     .where(users.c.token_hash.is_not(None)))]
    if rows:
        op.bulk_insert(tokens, rows)
        op.execute(users.update().values(token_hash=None))


def downgrade() -> None:
    op.drop_index('ix_sign_in_failures_at', table_name='sign_in_failures')
    op.drop_index('ix_sign_in_failures_address_at', table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
    op.drop_index('ix_api_tokens_user_id', table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_index('ix_web_sessions_last_seen_at', table_name='web_sessions')
    op.drop_index('ix_web_sessions_user_id', table_name='web_sessions')
    op.drop_table('web_sessions')
