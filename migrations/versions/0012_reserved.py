"""reserved: audit: payload digests, retention and redaction (issue 16)

A placeholder that keeps the revision chain linear while this change is built; it changes nothing
until its work fills it in (and renames the file).

Revision ID: 0012
Revises: 0011
"""

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
