"""report indexes: the service report's pupils by year and the SEMH scheme's schools, from indexes alone

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_facts_process_year_decision', 'case_facts',
                    ['process', 'academic_year', 'decision', 'outcome', 'request_type'])
    op.create_index('ix_case_facts_process_home_school', 'case_facts', ['process', 'home_school'])


def downgrade() -> None:
    op.drop_index('ix_case_facts_process_home_school', table_name='case_facts')
    op.drop_index('ix_case_facts_process_year_decision', table_name='case_facts')
