"""case shares: cases sent to an authority's agency teams (social care, youth justice, early help), which they may open

- `case_shares`: case, organisation (the authority), reason (the half-termly timetable list and its half
  term), when and by whom. engine.case_shares; engine.permissions reads it for the agency roles.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_shares',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('case_id', sa.String(20), sa.ForeignKey('cases.id'), nullable=False),
        sa.Column('organisation', sa.String(255), nullable=False),
        sa.Column('reason', sa.String(100), nullable=False),
        sa.Column('shared_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('shared_by', sa.String(100), nullable=False),
        sa.UniqueConstraint('case_id', 'organisation', 'reason'),
    )
    op.create_index('ix_case_shares_case_id', 'case_shares', ['case_id'])
    op.create_index('ix_case_shares_organisation', 'case_shares', ['organisation'])


def downgrade() -> None:
    op.drop_index('ix_case_shares_organisation', table_name='case_shares')
    op.drop_index('ix_case_shares_case_id', table_name='case_shares')
    op.drop_table('case_shares')
