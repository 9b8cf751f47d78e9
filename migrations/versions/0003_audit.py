"""audit: access log, history made append-only in the database, documents deployed with a diagram

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

REFUSE = "history_events is append-only: events cannot be changed or deleted"


def upgrade() -> None:
    op.create_table(
        'access_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=20), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_access_log_case_at', 'access_log', ['case_id', 'at'])
    op.create_index('ix_access_log_actor', 'access_log', ['actor'])
    with op.batch_alter_table('process_versions') as batch_op:
        batch_op.add_column(sa.Column('documents', sa.JSON(), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(f"""
            CREATE FUNCTION refuse_history_change() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{REFUSE}'; END; $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER history_events_append_only BEFORE UPDATE OR DELETE ON history_events
                      FOR EACH ROW EXECUTE FUNCTION refuse_history_change()""")
    elif dialect == 'sqlite':
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"""CREATE TRIGGER history_events_no_{event.lower()} BEFORE {event} ON history_events
                           BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END""")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER history_events_append_only ON history_events")
        op.execute("DROP FUNCTION refuse_history_change()")
    elif dialect == 'sqlite':
        op.execute("DROP TRIGGER history_events_no_update")
        op.execute("DROP TRIGGER history_events_no_delete")
    with op.batch_alter_table('process_versions') as batch_op:
        batch_op.drop_column('documents')
    op.drop_index('ix_access_log_actor', 'access_log')
    op.drop_index('ix_access_log_case_at', 'access_log')
    op.drop_table('access_log')
