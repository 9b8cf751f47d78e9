"""process facts: each reporting process's report facts in a table of its own; case_facts keeps the shared ones

- `outreach_support_facts`, `reintegration_facts`, `semh_placement_facts`, `reintegration_timetable_facts`:
  one row per case of that process (schooling.facts), copied from the columns of `case_facts` they take.
- `case_facts` keeps what every process has (process, status, dates, academic year, schools, authority,
  outcome) and loses the other columns, `updated_at` among them (facts are written only when they change).

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

s, i, b, d, f = sa.String, sa.Integer, sa.Boolean, sa.Date, sa.Float
PUPIL = [('gender', s(10)), ('year_group', i()), ('key_stage', s(8)), ('phase', s(10))]
#: table -> (process, its columns besides case_id)
TABLES = {
    'outreach_support_facts': ('outreach_support', [
        *PUPIL, ('send', b()), ('pupil_premium', b()), ('free_school_meals', b()), ('looked_after', b()),
        ('pupils', i()), ('financial_year', s(7)), ('request_type', s(20)), ('support_type', s(40)),
        ('funding_basis', s(40)), ('decision', s(20)), ('destination', s(40)), ('destination_group', s(20)),
        ('income_total', i()), ('support_weeks', i()), ('chargeable_weeks', i())]),
    'reintegration_facts': ('reintegration', [
        *PUPIL, ('send', b()), ('looked_after', b()), ('destination', s(40)), ('destination_group', s(20)),
        ('advocacy', b()), ('advocacy_outcome', s(40)), ('transition_type', s(8)), ('current_setting_funding', i()),
        ('transition_cost', i()), ('mainstream_funding', i()), ('net_saving', i())]),
    'semh_placement_facts': ('semh_placement', [
        *PUPIL, ('offer', s(20)), ('placement_term', s(30)), ('placement_start', d()), ('placement_end_by', d()),
        ('returned_on', d()), ('placement_weeks', i()), ('placement_attendance', f()), ('returned_home', b()),
        ('kpi_within_12_weeks', b()), ('kpi_two_terms_due', d()), ('kpi_attendance', b()),
        ('kpi_absence_percent', f()), ('kpi_no_suspensions', b()), ('kpi_behaviour', b()), ('kpi_one_year_due', d()),
        ('kpi_no_permanent_exclusion', b()), ('kpi_home_school_only', b()), ('feedback_positive', i()),
        ('feedback_given', i())]),
    'reintegration_timetable_facts': ('reintegration_timetable', [
        *PUPIL, ('send', b()), ('looked_after', b()), ('timetable_agreed', b()), ('timetable_start', d()),
        ('timetable_limit', d()), ('full_time_from', d()), ('full_time_on', d()), ('full_week_hours', f()),
        ('timetable_hours', sa.JSON())]),
}
#: the columns case_facts had that no process table takes
ONLY_WIDE = [('updated_at', sa.DateTime(timezone=True))]
#: the indexes of case_facts over columns it loses, as they were (0004, 0008, 0009), and as they become:
#: the same without the columns that left, with the case id for the joins to the process tables
_OLD_TAIL, _NEW_TAIL = ['decision', 'outcome', 'request_type'], ['outcome', 'case_id']
_SCHOOL_YEARS = {'home_school': [], 'host_school': ['home_school'], 'ap_setting': ['home_school', 'host_school']}
OLD_INDEXES = {'ix_case_facts_placement_term': ['placement_term'],
               'ix_case_facts_process_year_decision': ['process', 'academic_year', *_OLD_TAIL],
               **{f'ix_case_facts_{school}_years': ['process', school, 'academic_year', *others, *_OLD_TAIL]
                  for school, others in _SCHOOL_YEARS.items()}}
NEW_INDEXES = {'ix_case_facts_process_year_outcome': ['process', 'academic_year', *_NEW_TAIL],
               **{f'ix_case_facts_{school}_years': ['process', school, 'academic_year', *others, *_NEW_TAIL]
                  for school, others in _SCHOOL_YEARS.items()}}


def _moved() -> list[tuple[str, sa.types.TypeEngine]]:
    """Every column that leaves case_facts, once, with its type."""
    out: dict[str, sa.types.TypeEngine] = {}
    for _, columns in TABLES.values():
        out.update({name: type_ for name, type_ in columns if name not in out})
    return list(out.items())


def upgrade() -> None:
    for table, (process, columns) in TABLES.items():
        op.create_table(table, sa.Column('case_id', sa.String(20), sa.ForeignKey('cases.id'), primary_key=True),
                        *(sa.Column(name, type_, nullable=name != 'pupils') for name, type_ in columns))
        names = ', '.join(name for name, _ in columns)
        op.execute(sa.text(f"INSERT INTO {table} (case_id, {names}) SELECT case_id, {names} FROM case_facts "
                           "WHERE process = :process").bindparams(process=process))
    op.create_index('ix_semh_placement_facts_placement_term', 'semh_placement_facts', ['placement_term'])
    op.create_index('ix_outreach_support_facts_request', 'outreach_support_facts',
                    ['case_id', 'decision', 'request_type'])
    for name in OLD_INDEXES:
        op.drop_index(name, table_name='case_facts')
    with op.batch_alter_table('case_facts', reflect_kwargs={'resolve_fks': False}) as batch:
        for name, _ in [*_moved(), *ONLY_WIDE]:
            batch.drop_column(name)
    for name, columns in NEW_INDEXES.items():
        op.create_index(name, 'case_facts', columns)


def downgrade() -> None:
    for name in NEW_INDEXES:
        op.drop_index(name, table_name='case_facts')
    with op.batch_alter_table('case_facts', reflect_kwargs={'resolve_fks': False}) as batch:
        for name, type_ in [*_moved(), *ONLY_WIDE]:
            batch.add_column(sa.Column(name, type_, nullable=True))
    for table, (process, columns) in TABLES.items():
        sets = ', '.join(f"{name} = (SELECT {name} FROM {table} WHERE {table}.case_id = case_facts.case_id)"
                         for name, _ in columns)
        op.execute(sa.text(f"UPDATE case_facts SET {sets} WHERE process = :process").bindparams(process=process))
    op.execute("UPDATE case_facts SET pupils = 1 WHERE pupils IS NULL")
    op.execute("UPDATE case_facts SET updated_at = (SELECT updated_at FROM cases WHERE cases.id = case_facts.case_id)")
    with op.batch_alter_table('case_facts', reflect_kwargs={'resolve_fks': False}) as batch:
        batch.alter_column('pupils', existing_type=sa.Integer(), nullable=False)
        batch.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)
    for name, columns in OLD_INDEXES.items():
        op.create_index(name, 'case_facts', columns)
    op.drop_index('ix_outreach_support_facts_request', table_name='outreach_support_facts')
    op.drop_index('ix_semh_placement_facts_placement_term', table_name='semh_placement_facts')
    for table in TABLES:
        op.drop_table(table)
