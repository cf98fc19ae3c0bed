"""Imports every domain's models so SQLAlchemy metadata and Alembic see all tables."""
from app.auth.models import RefreshToken, User  # noqa: F401
