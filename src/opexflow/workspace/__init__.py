"""The workspace: projects, phases, forms and records (SQLAlchemy 2, Alembic)."""
