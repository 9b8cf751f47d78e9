"""permanent exclusions: each one costs its school a core SEMH place in its term (the SEMH service level agreement)

- `permanent_exclusions`: school, term, date, and the case whose core place it withdrew (none: the term's
  allowance is one lower instead). schooling.exclusions; schooling.core_places reads and writes it.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'permanent_exclusions',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('school', sa.String(255), nullable=False),
        sa.Column('term', sa.String(30), nullable=False),
        sa.Column('excluded_on', sa.Date, nullable=False),
        sa.Column('withdrawn_case_id', sa.String(20), sa.ForeignKey('cases.id'), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by', sa.String(100), nullable=False),
    )
    op.create_index('ix_permanent_exclusions_school', 'permanent_exclusions', ['school'])


def downgrade() -> None:
    op.drop_index('ix_permanent_exclusions_school', table_name='permanent_exclusions')
    op.drop_table('permanent_exclusions')
