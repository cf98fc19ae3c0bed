"""Fixtures: a real Redis, a fresh real database (SQLite file or TEST_DATABASE_URL), the app,
clients, small factories, and real server/worker processes for behaviour that needs them."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.processes import ServerProcess, WorkerProcess, settle_workers  # noqa: E402


def pytest_collection_modifyitems(config, items):
    # Every test that reaches Redis through the fixtures (directly, or via the app, servers and
    # workers) is marked, so CI can run exactly those again on the embedded server: `-m redis`.
    for item in items:
        if "redis_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.redis)


def _start_private_redis():
    from config.redis_server import start_redis

    return start_redis()


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    server = _start_private_redis()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    # A file, not :memory:, so server and worker subprocesses share it.
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def test_env(redis_url, database_url, tmp_path_factory):
    """The environment every process of the test run uses (this one and its subprocesses)."""
    storage = tmp_path_factory.mktemp("storage")
    env = {
        "APP_ENV": "testing",
        "TEST_REDIS_URL": redis_url,
        "TEST_DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STORAGE_DIR": str(storage),
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "INTERNAL_API_KEY": "test-internal-key-0123456789",
        "AUTH_PROVIDER": os.environ.get("AUTH_PROVIDER", "local"),
        "ALLOW_PRIVATE_TARGETS": "true",
        "CORS_ORIGIN": "http://127.0.0.1:3000,http://localhost:3000",
        # small, fast ladders: clips of a few seconds at 320x180 get two rungs
        "MEDIA_LADDER": "180:300k,120:150k",
        "MEDIA_X264_PRESET": "ultrafast",
        "MEDIA_MIN_FREE_BYTES": "0",
        # torrents: a swarm on 127.0.0.1 only, found through the magnet's x.pe hints
        "TORRENT_DOWNLOAD_DIR": str(storage / "torrents"),
        "TORRENT_LISTEN_INTERFACES": "127.0.0.1:0",
        "TORRENT_DHT": "false",
        "TORRENT_LSD": "false",
        "TORRENT_UPNP": "false",
        "TORRENT_NATPMP": "false",
        "TORRENT_METADATA_TIMEOUT": "5",
        "TORRENT_READ_WAIT": "10",
    }
    os.environ.update(env)
    return env


def _reset_database(app) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()  # the schema comes from the migrations, so they are tested on every run


@pytest.fixture(scope="session")
def app(test_env):
    from app import create_app

    application = create_app("testing")
    _reset_database(application)
    return application


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Every test starts with empty tables and an empty Redis (only when it uses the app)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from app.extensions import db, redis

    settle_workers()
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        redis.client.flushdb()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


# ---- factories -------------------------------------------------------------------------

@pytest.fixture
def make_user(app):
    counter = {"n": 0}

    def make(role: str = "user", tier: str = "free", email: str | None = None, password: str = "password123",
             display_name: str | None = None):
        from app.auth.service import create_user

        counter["n"] += 1
        email = email or f"user{counter['n']}-{os.urandom(3).hex()}@example.test"
        with app.app_context():
            user = create_user(email, password, display_name or f"User {counter['n']}", role=role, tier=tier)
            return {"id": user.id, "email": user.email, "password": password, "role": role, "tier": tier,
                    "uid": user.uid, "display_name": user.display_name}

    return make


@pytest.fixture
def token_for(app):
    def issue(user: dict) -> str:
        from app.auth.service import access_token_for, get_user

        with app.app_context():
            return access_token_for(get_user(user["id"]))

    return issue


@pytest.fixture
def auth_headers(token_for):
    def headers(user: dict) -> dict:
        return {"Authorization": f"Bearer {token_for(user)}"}

    return headers


@pytest.fixture
def user(make_user):
    return make_user()


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", tier="family")


@pytest.fixture
def user_headers(user, auth_headers):
    return auth_headers(user)


@pytest.fixture
def admin_headers(admin, auth_headers):
    return auth_headers(admin)


@pytest.fixture
def service_headers(test_env):
    return {"x-internal-key": test_env["INTERNAL_API_KEY"]}


# ---- real processes --------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(app, test_env):
    """The real web process: gunicorn with the gevent WebSocket worker, as the Procfile runs it."""
    server = ServerProcess(test_env)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def celery_worker(app, test_env):
    """A real Celery worker process consuming every queue but ``media`` (see ``media_worker``)."""
    worker = WorkerProcess(test_env)
    worker.start(app.extensions["celery"])
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def upstream():
    """A local HTTP server standing in for the internet (providers, probe targets), per module."""
    from tests.support.upstreams import HttpServer

    server = HttpServer()
    yield server
    server.stop()


@pytest.fixture
def tmp_dir():
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)
