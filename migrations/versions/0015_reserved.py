"""reserved: protocols: deadlines and steps (issue 17)

A placeholder that keeps the revision chain linear while this change is built; it changes nothing
until its work fills it in (and renames the file).

Revision ID: 0015
Revises: 0014
"""

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
