"""closed_tasks: user tasks no longer ready and why (completed or withdrawn), filled from the history

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    closed = op.create_table(
        'closed_tasks',
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=20), nullable=False),
        sa.Column('element', sa.String(length=100), nullable=False),
        sa.Column('how', sa.String(length=20), nullable=False),
        sa.Column('closed_by', sa.String(length=100), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('task_id'),
    )
    op.create_index('ix_closed_tasks_case_id', 'closed_tasks', ['case_id'])
    # Tasks completed before this table existed, from their history events (withdrawn ones were
    # never recorded, and stay unknown).
    history = sa.table('history_events', sa.column('case_id', sa.String), sa.column('kind', sa.String),
                       sa.column('element', sa.String), sa.column('actor', sa.String),
                       sa.column('at', sa.DateTime(timezone=True)), sa.column('data', sa.JSON))
    bind = op.get_bind()
    rows, seen = [], set()
    query = sa.select(history.c.case_id, history.c.element, history.c.actor, history.c.at, history.c.data) \
        .where(history.c.kind == 'task_completed')
    for case_id, element, actor, at, data in bind.execute(query):
        task_id = (data or {}).get('task_id')
        if task_id and task_id not in seen:
            seen.add(task_id)
            rows.append({'task_id': task_id, 'case_id': case_id, 'element': element or '', 'how': 'completed',
                         'closed_by': actor, 'closed_at': at})
        if len(rows) >= 5000:
            op.bulk_insert(closed, rows)
            rows = []
    if rows:
        op.bulk_insert(closed, rows)


def downgrade() -> None:
    op.drop_index('ix_closed_tasks_case_id', table_name='closed_tasks')
    op.drop_table('closed_tasks')
