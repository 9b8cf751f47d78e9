"""incidents, the active version of each process and its history, failed outbox messages

- `incidents`: a step of a case that failed (engine.incidents), committed apart from the rolled-back step.
- `active_versions`: the version new cases of a process start on (engine.active_versions); a process
  without a row starts them on its latest version, as before this table. `process_events` records every
  deploy and every choice.
- `outbox.failed_at`: a message given up on, its reason in `last_error` (engine.outbox).

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'incidents',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('case_id', sa.String(20), nullable=False),
        sa.Column('process_key', sa.String(100), nullable=False),
        sa.Column('version', sa.Integer, nullable=False),
        sa.Column('element', sa.String(100), nullable=False),
        sa.Column('title', sa.String(255), nullable=False),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('action', sa.String(20), nullable=False),
        sa.Column('task_id', sa.String(36), nullable=True),
        sa.Column('error', sa.Text, nullable=False),
        sa.Column('payload', sa.JSON, nullable=False),
        sa.Column('actor', sa.String(100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('occurrences', sa.Integer, nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', sa.String(100), nullable=True),
        sa.Column('resolution', sa.Text, nullable=True),
    )
    op.create_index('ix_incidents_status_case', 'incidents', ['status', 'case_id'])
    op.create_table(
        'active_versions',
        sa.Column('process_key', sa.String(100), primary_key=True),
        sa.Column('process_version_id', sa.Integer, sa.ForeignKey('process_versions.id'), nullable=False),
        sa.Column('chosen_by', sa.String(100), nullable=False),
        sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'process_events',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('process_key', sa.String(100), nullable=False),
        sa.Column('version', sa.Integer, nullable=False),
        sa.Column('kind', sa.String(30), nullable=False),
        sa.Column('actor', sa.String(100), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('data', sa.JSON, nullable=False),
    )
    op.create_index('ix_process_events_process_key', 'process_events', ['process_key'])
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('failed_at')
    op.drop_index('ix_process_events_process_key', table_name='process_events')
    op.drop_table('process_events')
    op.drop_table('active_versions')
    op.drop_index('ix_incidents_status_case', table_name='incidents')
    op.drop_table('incidents')
