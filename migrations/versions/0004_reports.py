"""reports: case_facts (the reports' typed, indexed columns per case), filled for existing cases; weightings by date

Revision ID: 0004
Revises: 0003
"""
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column]:
    s, i, b, d, f = sa.String, sa.Integer, sa.Boolean, sa.Date, sa.Float
    spec = [
        ('opened_on', d(), False), ('started_on', d(), True), ('closed_on', d(), True),
        ('academic_year', s(7), True), ('financial_year', s(7), True),
        ('home_school', s(255), True), ('host_school', s(255), True), ('ap_setting', s(255), True),
        ('local_authority', s(255), True),
        ('gender', s(10), True), ('year_group', i(), True), ('key_stage', s(8), True), ('phase', s(10), True),
        ('send', b(), True), ('pupil_premium', b(), True), ('free_school_meals', b(), True),
        ('looked_after', b(), True), ('pupils', i(), False),
        ('request_type', s(20), True), ('support_type', s(40), True), ('funding_basis', s(40), True),
        ('decision', s(20), True), ('outcome', s(40), True), ('destination', s(40), True),
        ('destination_group', s(20), True), ('income_total', i(), True), ('support_weeks', i(), True),
        ('chargeable_weeks', i(), True),
        ('advocacy', b(), True), ('advocacy_outcome', s(40), True), ('transition_type', s(8), True),
        ('current_setting_funding', i(), True), ('transition_cost', i(), True), ('mainstream_funding', i(), True),
        ('net_saving', i(), True),
        ('offer', s(20), True), ('placement_term', s(30), True), ('placement_start', d(), True),
        ('placement_end_by', d(), True), ('returned_on', d(), True), ('placement_weeks', i(), True),
        ('placement_attendance', f(), True), ('returned_home', b(), True), ('kpi_within_12_weeks', b(), True),
        ('kpi_two_terms_due', d(), True), ('kpi_attendance', b(), True), ('kpi_absence_percent', f(), True),
        ('kpi_no_suspensions', b(), True), ('kpi_behaviour', b(), True), ('kpi_one_year_due', d(), True),
        ('kpi_no_permanent_exclusion', b(), True), ('kpi_home_school_only', b(), True),
        ('feedback_positive', i(), True), ('feedback_given', i(), True),
        ('timetable_agreed', b(), True), ('timetable_start', d(), True), ('timetable_limit', d(), True),
        ('full_time_from', d(), True), ('full_time_on', d(), True), ('full_week_hours', f(), True),
        ('timetable_hours', sa.JSON(), True),
    ]
    return [sa.Column(name, type_, nullable=nullable) for name, type_, nullable in spec]


def upgrade() -> None:
    op.create_table(
        'case_facts',
        sa.Column('case_id', sa.String(length=20), sa.ForeignKey('cases.id'), nullable=False),
        sa.Column('process', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        *_columns(),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('case_id'),
    )
    op.create_index('ix_case_facts_year_process', 'case_facts', ['academic_year', 'process'])
    op.create_index('ix_case_facts_process_status', 'case_facts', ['process', 'status'])
    op.create_index('ix_case_facts_home_school', 'case_facts', ['home_school'])
    op.create_index('ix_case_facts_host_school', 'case_facts', ['host_school'])
    op.create_index('ix_case_facts_ap_setting', 'case_facts', ['ap_setting'])
    op.create_index('ix_case_facts_placement_term', 'case_facts', ['placement_term'])
    op.create_index('ix_weightings_at', 'weightings', ['at'])
    _backfill()


def _backfill() -> None:
    """The facts of the cases that exist already, taken from their data as the engine now does."""
    bind = op.get_bind()
    facts = sa.table('case_facts', *(sa.column(c.name, c.type) for c in _columns()),
                     *(sa.column(name) for name in ('case_id', 'process', 'status', 'updated_at')))
    cases = sa.table('cases', sa.column('id', sa.String()), sa.column('process_key', sa.String()),
                     sa.column('status', sa.String()), sa.column('data', sa.JSON()),
                     sa.column('created_at', sa.DateTime(timezone=True)),
                     sa.column('updated_at', sa.DateTime(timezone=True)))
    columns = frozenset(c.name for c in facts.columns)
    query = sa.select(cases.c.id, cases.c.process_key, cases.c.status, cases.c.data, cases.c.created_at,
                      cases.c.updated_at)
    rows = []
    for r in bind.execute(query):
        from schooling.report_facts import facts_row  # only with cases to fill: an engine alone has none

        case = SimpleNamespace(id=r.id, process_key=r.process_key, status=r.status, data=r.data,
                               created_at=r.created_at, updated_at=r.updated_at)
        rows.append(facts_row(case, columns))
        if len(rows) >= 500:
            bind.execute(facts.insert(), rows)
            rows = []
    if rows:
        bind.execute(facts.insert(), rows)


def downgrade() -> None:
    op.drop_index('ix_weightings_at', 'weightings')
    for name in ('placement_term', 'ap_setting', 'host_school', 'home_school', 'process_status', 'year_process'):
        op.drop_index(f'ix_case_facts_{name}', 'case_facts')
    op.drop_table('case_facts')
