"""task drafts: "Save and come back later" on a task form

- `task_drafts`: one row per ready task whose form someone saved unfinished: the inputs as typed, the
  task's lane, who saved it and when. engine.drafts; deleted when the task stops being ready.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'task_drafts',
        sa.Column('task_id', sa.String(36), primary_key=True),
        sa.Column('case_id', sa.String(20), sa.ForeignKey('cases.id'), nullable=False),
        sa.Column('lane', sa.String(50), nullable=True),
        sa.Column('answers', sa.JSON, nullable=False),
        sa.Column('saved_by', sa.String(100), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_task_drafts_case_id', 'task_drafts', ['case_id'])


def downgrade() -> None:
    op.drop_index('ix_task_drafts_case_id', table_name='task_drafts')
    op.drop_table('task_drafts')
