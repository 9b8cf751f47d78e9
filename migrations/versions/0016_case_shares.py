"""case shares and half-termly lists: cases sent to an authority's agency teams (social care, youth justice,
early help), which they may open, and each authority's half-termly timetable list, sent once

- `case_shares`: case, organisation (the authority), reason (the half-termly timetable list and its half
  term), when and by whom. engine.case_shares; engine.permissions reads it for the agency roles.
- `half_term_lists`: half term, authority, pupils listed, recipients emailed, when: one row per list
  sent (schooling.timetable_list), so that it is sent once whatever restarts.

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
    op.create_table(
        'half_term_lists',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('half_term', sa.String(30), nullable=False),
        sa.Column('authority', sa.String(255), nullable=False),
        sa.Column('pupils', sa.Integer, nullable=False),
        sa.Column('recipients', sa.Integer, nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('half_term', 'authority'),
    )


def downgrade() -> None:
    op.drop_table('half_term_lists')
    op.drop_index('ix_case_shares_organisation', table_name='case_shares')
    op.drop_index('ix_case_shares_case_id', table_name='case_shares')
    op.drop_table('case_shares')
