"""reserved: organisations register (issue 15)

A placeholder that keeps the revision chain linear while this change is built; it changes nothing
until its work fills it in (and renames the file).

Revision ID: 0010
Revises: 0009
"""

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
