"""scheduler heartbeats: each scheduler process's last pass, so that a dead one is noticed

- `scheduler_heartbeats`: one row per scheduler process (host:pid), written on every poll (engine.heartbeat);
  `/readyz`, the admin banner and `reintegrate status` read it.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'scheduler_heartbeats',
        sa.Column('name', sa.String(200), primary_key=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('passes', sa.Integer, nullable=False),
        sa.Column('fired', sa.Integer, nullable=False),
        sa.Column('last_error', sa.Text, nullable=True),
        sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_scheduler_heartbeats_beat_at', 'scheduler_heartbeats', ['beat_at'])


def downgrade() -> None:
    op.drop_index('ix_scheduler_heartbeats_beat_at', table_name='scheduler_heartbeats')
    op.drop_table('scheduler_heartbeats')
