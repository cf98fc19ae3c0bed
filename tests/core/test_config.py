"""Settings from the environment; production refuses unsafe secrets."""
import pytest

from config.settings import ConfigurationError, get_config, normalise_database_url


def test_production_refuses_missing_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("INTERNAL_API_KEY", raising=False)
    with pytest.raises(ConfigurationError) as err:
        get_config("production")
    assert "SECRET_KEY" in str(err.value) and "INTERNAL_API_KEY" in str(err.value)


def test_production_refuses_development_defaults(monkeypatch):
    from config.settings import DEV_INTERNAL_API_KEY, DEV_SECRET_KEY

    monkeypatch.setenv("SECRET_KEY", DEV_SECRET_KEY)
    monkeypatch.setenv("INTERNAL_API_KEY", DEV_INTERNAL_API_KEY)
    with pytest.raises(ConfigurationError):
        get_config("production")


def test_production_accepts_real_secrets(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("INTERNAL_API_KEY", "k" * 32)
    config = get_config("production")
    assert config.LOG_JSON is True and config.HSTS_ENABLED is True


def test_typed_values_are_checked(monkeypatch):
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "lots")
    with pytest.raises(ValueError, match="MAX_CONTENT_LENGTH"):
        get_config("development")


def test_unknown_config_name():
    with pytest.raises(ConfigurationError):
        get_config("staging-ish")


def test_cors_origins_are_comma_separated(monkeypatch):
    monkeypatch.setenv("CORS_ORIGIN", "https://a.example, https://b.example")
    assert get_config("development").CORS_ORIGINS == ["https://a.example", "https://b.example"]


@pytest.mark.parametrize("given,expected", [
    ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
    ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_from_heroku_and_railway(given, expected):
    assert normalise_database_url(given) == expected
