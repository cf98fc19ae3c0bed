"""Built-in providers and embed-URL building. Pure: no Flask import.

Templates use ``{id}``, ``{season}`` and ``{episode}``; values are validated and URL-encoded
before substitution, so nothing from a request reaches a URL unescaped.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from html import escape
from string import Formatter
from urllib.parse import quote, urlsplit

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
    if not isinstance(media_id, str) or not MEDIA_ID.fullmatch(media_id):
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


PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
# path segments of the provider routes; a provider with one of these ids would be unreachable
RESERVED_IDS = frozenset({"status", "best", "check", "list"})
PLACEHOLDERS = frozenset({"id", "season", "episode"})
OVERRIDABLE = ("name", "base_url", "movie_template", "tv_template", "health_url", "enabled", "priority")


def _template_problems(template: str, host: str, field_name: str) -> list[tuple[str, str]]:
    try:
        names = [(name, conversion, spec) for _, name, spec, conversion in Formatter().parse(template)
                 if name is not None]
    except ValueError as exc:
        return [(field_name, f"not a valid template: {exc}")]
    problems = []
    unknown = sorted({n for n, _, _ in names if n not in PLACEHOLDERS})
    if unknown:
        problems.append((field_name, f"unknown placeholders {unknown}; use {{id}}, {{season}}, {{episode}}"))
    if any(conversion or spec for _, conversion, spec in names):
        problems.append((field_name, "placeholders take no conversion or format spec"))
    if "id" not in {n for n, _, _ in names}:
        problems.append((field_name, "the template must contain {id}"))
    if problems:
        return problems
    sample = urlsplit(template.format(id="1", season="1", episode="1"))
    head = template.split("{", 1)[0]
    # the host must be literal (before any placeholder) and the provider's own
    if sample.scheme != "https" or (sample.hostname or "").lower() != host or "/" not in head[len("https://"):]:
        problems.append((field_name, f"the template must be an https URL on {host} with placeholders only in the path"))
    return problems


def validate_definition(base_url: str, movie_template: str, tv_template: str,
                        health_url: str | None) -> list[tuple[str, str]]:
    """Every problem with a provider definition as ``(field, message)``; empty when it is sound."""
    base = urlsplit(base_url or "")
    if base.scheme != "https" or not base.hostname or base.username or base.password:
        return [("baseUrl", "baseUrl must be an https URL with a host and no credentials")]
    host = base.hostname.lower()
    problems = _template_problems(movie_template or "", host, "movieTemplate")
    problems += _template_problems(tv_template or "", host, "tvTemplate")
    if health_url:
        health = urlsplit(health_url)
        if health.scheme not in ("http", "https") or not health.hostname:
            problems.append(("healthUrl", "healthUrl must be an http or https URL"))
    return problems


def with_env_overrides(provider: Provider, overrides: dict) -> Provider:
    changes = {name: overrides[name] for name in OVERRIDABLE if overrides.get(name) is not None}
    return replace(provider, **changes) if changes else provider


def fingerprint(provider: Provider) -> str:
    """Changes whenever anything that shapes an embed changes, so cached embeds of an edited
    provider are never served."""
    raw = "|".join(str(getattr(provider, name)) for name in ("id", *OVERRIDABLE))
    return hashlib.sha1(raw.encode()).hexdigest()[:12]
