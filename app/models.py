"""Imports every domain's models so SQLAlchemy metadata and Alembic see all tables."""
from app.auth.models import RefreshToken, User  # noqa: F401
from app.catalog.models import Content, Credit, Episode, Genre, Season, content_genres  # noqa: F401
from app.playback.models import PlaybackSession, WatchHistory  # noqa: F401
from app.providers.models import CustomProvider  # noqa: F401
from app.proxies.models import Proxy  # noqa: F401
from app.users.models import Favorite  # noqa: F401


def include_object(object, name, type_, reflected, compare_to):
    """What Alembic compares with the models: everything but the full-text objects that
    0003_catalog_playback creates by hand (the FTS5 table and its shadow tables on SQLite, the
    tsvector column and search indexes on PostgreSQL)."""
    if type_ == "table" and name.startswith("content_fts"):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    if type_ == "index" and name in ("ix_content_search_vector", "ix_content_title_trgm"):
        return False
    return True
