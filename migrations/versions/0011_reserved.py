"""reserved: server-side sessions, tokens and sign-in throttling (issue 15)

A placeholder that keeps the revision chain linear while this change is built; it changes nothing
until its work fills it in (and renames the file).

Revision ID: 0011
Revises: 0010
"""

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
