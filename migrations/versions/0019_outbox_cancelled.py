"""outbox cancellations: a reminder or escalation queued for a task is not sent once the task is done

- `outbox.about_task`: the task (its BPMN element) a message reminds of or escalates; NULL for other mail.
- `outbox.cancelled_at`: when a message not yet sent was cancelled because that task stopped being ready
  (completed, withdrawn, the case ended); the row stays (the outbox is audit data), `last_error` says why.

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('about_task', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('about_task')
