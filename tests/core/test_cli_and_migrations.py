"""The admin CLI, the seed command, and migrations that match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.domains import include_object


def test_create_admin_cli_creates_then_promotes(app, make_user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create-admin", "boss@example.test", "--password", "longpassword1"])
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.test" in result.output
    existing = make_user()
    result = runner.invoke(args=["users", "create-admin", existing["email"], "--password", "ignored-pass"])
    assert "Promoted" in result.output
    login = app.test_client().post("/api/v1/auth/login", json={"email": existing["email"], "password": existing["password"]})
    assert login.get_json()["data"]["user"]["role"] == "admin"


def test_create_admin_cli_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "weak@example.test", "--password", "short"])
    assert result.exit_code != 0 and "at least" in result.output


def test_seed_is_idempotent(app, monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_EMAIL", "seeded@example.test")
    monkeypatch.setitem(app.config, "ADMIN_PASSWORD", "seeded-password")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    second = runner.invoke(args=["seed"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "created" in first.output and "already present" in second.output
    # the demo video: made by the project's ffmpeg, stored, probed and queued once
    assert "Demo video: 'Marquee Test Pattern'" in first.output and "queued as transcode job" in first.output
    assert "Demo video: already attached" in second.output


def test_migrations_match_the_models(app):
    """The schema the migrations build (the suite's schema) is the schema the models declare."""
    from app.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
