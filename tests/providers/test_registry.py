"""Provider definitions and embeds, pure."""
import pytest

from app.providers import registry
from app.providers.settings import provider_overrides

BASE = "https://player.example"


def problems(movie=f"{BASE}/movie/{{id}}", tv=f"{BASE}/tv/{{id}}/{{season}}/{{episode}}", base=BASE, health=None):
    return dict(registry.validate_definition(base, movie, tv, health))


def test_a_sound_definition_has_no_problems():
    assert problems() == {}


@pytest.mark.parametrize("kwargs, field, words", [
    ({"base": "http://player.example"}, "baseUrl", "https"),
    ({"movie": "http://player.example/movie/{id}"}, "movieTemplate", "https URL on player.example"),
    ({"movie": "https://evil.example/movie/{id}"}, "movieTemplate", "player.example"),
    ({"movie": "https://player.example@evil.example/{id}"}, "movieTemplate", "player.example"),
    ({"movie": "https://{id}.player.example/x"}, "movieTemplate", "only in the path"),
    ({"movie": "https://player.example/movie/"}, "movieTemplate", "{id}"),
    ({"tv": "https://player.example/tv/{id}/{show}"}, "tvTemplate", "unknown placeholders"),
    ({"tv": "https://player.example/tv/{id!r}"}, "tvTemplate", "conversion"),
    ({"tv": "https://player.example/tv/{id"}, "tvTemplate", "not a valid template"),
    ({"health": "gopher://player.example"}, "healthUrl", "http or https"),
])
def test_each_problem_names_its_field(kwargs, field, words):
    found = problems(**kwargs)
    assert field in found and words in found[field]


def test_media_ids_are_validated_and_encoded():
    provider = registry.BUILTIN_PROVIDERS[0]
    assert registry.embed_url(provider, "tt0137523") == "https://vidnest.fun/movie/tt0137523"
    for bad in ("../../admin", "550?x=1", "tt12", "", "550 "):
        with pytest.raises(registry.InvalidMediaRequest) as caught:
            registry.embed_url(provider, bad)
        assert caught.value.field == "mediaId"
    assert registry.embed_url(provider, "1399", "tv", 1, 2) == "https://vidnest.fun/tv/1399/1/2"


def test_iframe_is_built_with_escaped_attributes():
    html = registry.iframe_html('https://x.example/"><script>', 'A "name"', "allow-scripts", "autoplay")
    assert html.startswith("<iframe ") and html.endswith(" allowfullscreen></iframe>")
    assert "<script>" not in html and "&quot;&gt;&lt;script&gt;" in html
    assert 'frameborder="0"' in html and 'scrolling="no"' in html and 'sandbox="allow-scripts"' in html


def test_fingerprint_follows_every_field_that_shapes_an_embed():
    provider = registry.BUILTIN_PROVIDERS[1]
    assert registry.fingerprint(provider) == registry.fingerprint(registry.with_env_overrides(provider, {}))
    moved = registry.with_env_overrides(provider, {"movie_template": "https://vidsrc.to/v2/{id}"})
    assert registry.fingerprint(moved) != registry.fingerprint(provider)


def test_environment_overrides_are_read_per_provider(monkeypatch):
    monkeypatch.setenv("PROVIDER_VIDSRC_ENABLED", "false")
    monkeypatch.setenv("PROVIDER_VIDNEST_PRIORITY", "50")
    monkeypatch.setenv("PROVIDER_EMBED_HEALTH_URL", "https://embed.stream/ping")
    monkeypatch.setenv("PROVIDER_BUILTIN_HEALTH_URL", "http://127.0.0.1:9/")
    overrides = provider_overrides()
    assert overrides["vidsrc"] == {"enabled": False} and overrides["vidnest"] == {"priority": 50}
    assert overrides["embed"] == {"health_url": "https://embed.stream/ping"} and "builtin" not in overrides
