"""Built-in providers and embed-URL building. Pure: no Flask import.

Templates use ``{id}``, ``{season}`` and ``{episode}``; values are validated and URL-encoded
before substitution, so nothing from a request reaches a URL unescaped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html import escape
from urllib.parse import quote

MEDIA_ID = re.compile(r"^(?:\d{1,10}|tt\d{5,10})$")
MEDIA_TYPES = ("movie", "tv")


class InvalidMediaRequest(ValueError):
    def __init__(self, message: str, field_name: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    base_url: str
    movie_template: str
    tv_template: str
    health_url: str
    enabled: bool = True
    priority: int = 100  # lower is preferred
    builtin: bool = True
    extra: dict = field(default_factory=dict, compare=False)


BUILTIN_PROVIDERS: tuple[Provider, ...] = (
    Provider("vidnest", "VidNest", "https://vidnest.fun", "https://vidnest.fun/movie/{id}",
             "https://vidnest.fun/tv/{id}/{season}/{episode}", "https://vidnest.fun", priority=10),
    Provider("vidsrc", "VidSrc", "https://vidsrc.to", "https://vidsrc.to/embed/{id}",
             "https://vidsrc.to/embed/tv/{id}/{season}/{episode}", "https://vidsrc.to", priority=20),
    Provider("embed", "EmbedStream", "https://embed.stream", "https://embed.stream/embed/{id}",
             "https://embed.stream/embed/tv/{id}/{season}/{episode}", "https://embed.stream", priority=30),
)


def validate_media_request(media_id: str, media_type: str, season: int | None, episode: int | None) -> None:
    if not isinstance(media_id, str) or not MEDIA_ID.match(media_id):
        raise InvalidMediaRequest("mediaId must be a TMDB numeric id or an IMDb 'tt' id", "mediaId")
    if media_type not in MEDIA_TYPES:
        raise InvalidMediaRequest("type must be 'movie' or 'tv'", "type")
    if media_type == "tv":
        for name, value in (("season", season), ("episode", episode)):
            if value is None:
                raise InvalidMediaRequest(f"{name} is required for type=tv", name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000:
                raise InvalidMediaRequest(f"{name} must be a whole number between 0 and 10000", name)


def embed_url(provider: Provider, media_id: str, media_type: str = "movie", season: int | None = None,
              episode: int | None = None) -> str:
    validate_media_request(media_id, media_type, season, episode)
    template = provider.tv_template if media_type == "tv" else provider.movie_template
    return template.format(id=quote(media_id, safe=""), season=quote(str(season or ""), safe=""),
                           episode=quote(str(episode or ""), safe=""))


def iframe_html(url: str, title: str, sandbox: str | None = None, allow: str | None = None) -> str:
    attrs = [("src", url), ("title", title), ("width", "100%"), ("height", "100%"), ("frameborder", "0"),
             ("scrolling", "no")]
    if sandbox:
        attrs.append(("sandbox", sandbox))
    if allow:
        attrs.append(("allow", allow))
    rendered = " ".join(f'{name}="{escape(value, quote=True)}"' for name, value in attrs)
    return f"<iframe {rendered} allowfullscreen></iframe>"


def with_overrides(provider: Provider, **changes) -> Provider:
    return replace(provider, **{k: v for k, v in changes.items() if v is not None})
