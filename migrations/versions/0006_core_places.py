"""core_places: core offer places numbered per school and term, unique, filled from the SEMH cases

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    places = op.create_table(
        'core_places',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school', sa.String(length=255), nullable=False),
        sa.Column('term', sa.String(length=30), nullable=False),
        sa.Column('place_number', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=20), nullable=False),
        sa.Column('allocated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('allocated_by', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('school', 'term', 'place_number'),
    )
    op.create_index('ix_core_places_case_id', 'core_places', ['case_id'])
    # Places allocated before this table existed, with the number each meeting was given.
    cases = sa.table('cases', sa.column('id', sa.String), sa.column('process_key', sa.String),
                     sa.column('data', sa.JSON), sa.column('updated_at', sa.DateTime(timezone=True)),
                     sa.column('created_at', sa.DateTime(timezone=True)))
    bind = op.get_bind()
    taken: dict[tuple[str, str], set[int]] = {}
    found = []
    query = sa.select(cases.c.id, cases.c.data, cases.c.created_at).where(cases.c.process_key == 'semh_placement') \
        .order_by(cases.c.created_at, cases.c.id)
    for case_id, data, created_at in bind.execute(query):
        data = data or {}
        if data.get('offer') != 'core' or not data.get('placement_term') or not data.get('home_school'):
            continue
        key = (data['home_school'], data['placement_term'])
        number = (data.get('inclusion_allocation') or {}).get('place_number')  # what the meeting was told
        if isinstance(number, int) and number not in taken.setdefault(key, set()):
            taken[key].add(number)
        else:
            number = None
        found.append((key, number, case_id, created_at))
    rows = []
    for key, number, case_id, created_at in found:
        if number is None:  # none recorded (or a duplicate from a past race): the next free number
            number = next(n for n in range(1, len(found) + 2) if n not in taken[key])
            taken[key].add(number)
        rows.append({'school': key[0], 'term': key[1], 'place_number': number, 'case_id': case_id,
                     'allocated_at': created_at, 'allocated_by': 'migration 0006'})
    if rows:
        op.bulk_insert(places, rows)


def downgrade() -> None:
    op.drop_index('ix_core_places_case_id', table_name='core_places')
    op.drop_table('core_places')
