"""reserved: operations: scheduler heartbeat (issue 18)

A placeholder that keeps the revision chain linear while this change is built; it changes nothing
until its work fills it in (and renames the file).

Revision ID: 0014
Revises: 0013
"""

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
