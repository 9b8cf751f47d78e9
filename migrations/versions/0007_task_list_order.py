"""task list order: an index on ready tasks by lane in due order, those without a due date last

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_ready_tasks_lane_due_order', 'ready_tasks',
                    ['lane', sa.text("coalesce(due, '~')"), 'created_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_ready_tasks_lane_due_order', table_name='ready_tasks')
