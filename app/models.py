"""Imports every domain's models so SQLAlchemy metadata and Alembic see all tables."""
from app.auth.models import RefreshToken, User  # noqa: F401
from app.catalog.models import Content, Credit, Episode, Genre, Season, content_genres  # noqa: F401
from app.playback.models import PlaybackSession, WatchHistory  # noqa: F401
from app.providers.models import CustomProvider  # noqa: F401
from app.proxies.models import Proxy  # noqa: F401
from app.users.models import Favorite  # noqa: F401
