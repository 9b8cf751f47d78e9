"""The migration scripts (Alembic reads every file here but this one)."""
