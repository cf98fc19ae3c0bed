"""AUTH_PROVIDER=firebase, proven through firebase-admin's emulator mode against a local emulator.

Every test runs with HTTPS_PROXY pointing at a local tripwire, so a request meant for Google
would be recorded there (and held) instead of leaving the machine.
"""
from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import func, select

from tests.support.firebase_emulator import AuthEmulator, Tripwire, mint_id_token
from tests.support.processes import ServerProcess

PROJECT = "marquee-test"
TIMEOUT = 1.0


@pytest.fixture(scope="module")
def tripwire():
    wire = Tripwire().start()
    yield wire
    wire.stop()


@pytest.fixture(scope="module")
def emulator():
    server = AuthEmulator().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def firebase_env(test_env, emulator, tripwire):
    """Process environment for firebase mode: emulator on, every other HTTP(S) request trapped."""
    env = {"FIREBASE_AUTH_EMULATOR_HOST": emulator.host, "HTTPS_PROXY": tripwire.url, "HTTP_PROXY": tripwire.url,
           "NO_PROXY": "127.0.0.1,localhost"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        yield env


@pytest.fixture(scope="module")
def fb_app(app, firebase_env):
    from app import create_app

    # ``app`` migrated the shared test database; this second app uses the same one.
    return create_app("testing", AUTH_PROVIDER="firebase", FIREBASE_PROJECT_ID=PROJECT, FIREBASE_TIMEOUT=TIMEOUT,
                      FIREBASE_CHECK_REVOKED=False)


@pytest.fixture
def fb(fb_app, app, emulator, tripwire):
    """The firebase-mode app with a clean emulator; revocation checks off unless a test turns them on."""
    emulator.reset()
    fb_app.config["FIREBASE_CHECK_REVOKED"] = False
    yield fb_app
    fb_app.config["FIREBASE_CHECK_REVOKED"] = False
    emulator.mode = "ok"
    assert tripwire.hits == [], "a request tried to leave for Google"


@pytest.fixture
def fb_client(fb):
    return fb.test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def users_with_uid(app, uid: str) -> int:
    from app.auth.models import User
    from app.extensions import db

    with app.app_context():
        return db.session.execute(select(func.count()).select_from(User).where(User.uid == uid)).scalar_one()


def assert_refused(response, status=401, code="AUTHENTICATION_ERROR"):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["success"] is False and body["error"]["code"] == code
    return body


# ---- first sight --------------------------------------------------------------------------

def test_valid_token_signs_in_and_creates_the_user_once(fb, fb_client, emulator):
    token = mint_id_token(PROJECT, "fb-uid-1", email="Ada@Example.test", name="Ada")
    first = fb_client.get("/api/v1/auth/me", headers=bearer(token))
    assert first.status_code == 200, first.get_data(as_text=True)
    user = first.get_json()["data"]
    assert user["uid"] == "fb-uid-1" and user["email"] == "ada@example.test" and user["displayName"] == "Ada"
    assert user["authProvider"] == "firebase" and user["role"] == "user"
    again = fb_client.get("/api/v1/auth/me", headers=bearer(token))
    assert again.status_code == 200 and again.get_json()["data"]["id"] == user["id"]
    login = fb_client.post("/api/v1/auth/social-login", json={"idToken": token})
    assert login.status_code == 200
    data = login.get_json()["data"]
    assert data["user"]["id"] == user["id"] and data["accessToken"] == token and data["refreshToken"] is None
    assert data["user"]["lastLoginAt"] is not None
    assert users_with_uid(fb, "fb-uid-1") == 1
    assert emulator.requests == []  # revocation checks are off: nothing was looked up


def test_social_login_creates_the_user_on_first_sight(fb, fb_client):
    token = mint_id_token(PROJECT, "fb-uid-2", name="Grace")
    assert users_with_uid(fb, "fb-uid-2") == 0
    response = fb_client.post("/api/v1/auth/social-login", json={"idToken": token})
    assert response.status_code == 200
    assert response.get_json()["data"]["user"]["displayName"] == "Grace"
    assert response.get_json()["data"]["user"]["email"] is None
    assert users_with_uid(fb, "fb-uid-2") == 1
    me = fb_client.get("/api/v1/auth/me", headers=bearer(token))
    assert me.get_json()["data"]["id"] == response.get_json()["data"]["user"]["id"]


def test_a_firebase_user_never_takes_over_a_local_account(fb, fb_client, make_user):
    local = make_user(email="taken@example.test")
    token = mint_id_token(PROJECT, "fb-uid-3", email="taken@example.test")
    data = fb_client.get("/api/v1/auth/me", headers=bearer(token)).get_json()["data"]
    assert data["id"] != local["id"] and data["email"] is None


def test_odd_profile_claims_do_not_break_sign_in(fb, fb_client):
    # emulator tokens carry whatever a client put in them; the columns have limits
    token = mint_id_token(PROJECT, "fb-odd", name={"not": "text"}, picture="https://img.test/" + "a" * 2000,
                          email="x" * 400 + "@example.test")
    response = fb_client.get("/api/v1/auth/me", headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()["data"]
    assert data["avatarUrl"] is None and data["email"] is None and data["displayName"] == "fb-odd"


# ---- tokens that must be refused ----------------------------------------------------------

def _bad_tokens():
    now = time.time()
    return {
        "expired": mint_id_token(PROJECT, "u", iat=now - 7200, exp=now - 3600),
        "issued in the future": mint_id_token(PROJECT, "u", iat=now + 3600, exp=now + 7200),
        "another project": mint_id_token("someone-else", "u"),
        "wrong issuer": mint_id_token(PROJECT, "u", iss="https://securetoken.google.com/someone-else"),
        "no subject": mint_id_token(PROJECT, ""),
        "no iat": mint_id_token(PROJECT, "u", omit=("iat",)),
        "custom token": mint_id_token(
            PROJECT, "u", aud="https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit"),
        "not a jwt": "not-a-jwt",
        "three garbage parts": "a.b.c",
        "bad base64 payload": "eyJhbGciOiJub25lIn0.!!!.",
    }


@pytest.mark.parametrize("kind", list(_bad_tokens()))
def test_bad_tokens_are_refused_with_401(fb, fb_client, kind):
    token = _bad_tokens()[kind]
    body = assert_refused(fb_client.get("/api/v1/auth/me", headers=bearer(token)))
    if kind == "expired":
        assert "expired" in body["error"]["message"]
    assert_refused(fb_client.post("/api/v1/auth/social-login", json={"idToken": token}))


# ---- revocation -------------------------------------------------------------------------

def test_revocation_check_asks_the_emulator_and_refuses_revoked_users(fb, fb_client, emulator):
    fb.config["FIREBASE_CHECK_REVOKED"] = True
    emulator.add_account("fb-rev", "rev@example.test")
    token = mint_id_token(PROJECT, "fb-rev", email="rev@example.test", iat=time.time() - 5)
    assert fb_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    lookup = emulator.requests[-1]
    assert lookup["path"] == f"/identitytoolkit.googleapis.com/v1/projects/{PROJECT}/accounts:lookup"
    assert lookup["body"] == {"localId": ["fb-rev"]} and lookup["authorization"] == "Bearer owner"

    emulator.revoke("fb-rev")
    body = assert_refused(fb_client.get("/api/v1/auth/me", headers=bearer(token)))
    assert "revoked" in body["error"]["message"]
    assert_refused(fb_client.post("/api/v1/auth/social-login", json={"idToken": token}))
    # a token issued after the revocation works again
    fresh = mint_id_token(PROJECT, "fb-rev", email="rev@example.test", iat=time.time() + 2)
    assert fb_client.get("/api/v1/auth/me", headers=bearer(fresh)).status_code == 200


def test_revocation_check_refuses_disabled_and_deleted_accounts(fb, fb_client, emulator):
    fb.config["FIREBASE_CHECK_REVOKED"] = True
    emulator.add_account("fb-off", disabled=True)
    assert_refused(fb_client.get("/api/v1/auth/me", headers=bearer(mint_id_token(PROJECT, "fb-off"))))
    assert_refused(fb_client.get("/api/v1/auth/me", headers=bearer(mint_id_token(PROJECT, "fb-gone"))))
    assert users_with_uid(fb, "fb-off") == 0 and users_with_uid(fb, "fb-gone") == 0


def test_revoked_tokens_pass_when_the_check_is_off(fb, fb_client, emulator):
    emulator.add_account("fb-lax")
    emulator.revoke("fb-lax")
    token = mint_id_token(PROJECT, "fb-lax", iat=time.time() - 5)
    assert fb_client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    assert emulator.requests == []


# ---- an unreachable Firebase fails fast -------------------------------------------------

def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.parametrize("mode", ["stall", "fail"])
def test_a_stalling_or_failing_emulator_gives_503_within_the_timeout(fb, fb_client, emulator, mode):
    fb.config["FIREBASE_CHECK_REVOKED"] = True
    emulator.add_account("fb-slow")
    emulator.mode = mode  # "fail" answers 503, which firebase-admin retries with back-off for ~7 s
    token = mint_id_token(PROJECT, "fb-slow")
    response, elapsed = _timed(lambda: fb_client.get("/api/v1/auth/me", headers=bearer(token)))
    assert_refused(response, 503, "SERVICE_UNAVAILABLE")
    assert elapsed < TIMEOUT + 1.0, elapsed
    response, elapsed = _timed(lambda: fb_client.post("/api/v1/auth/social-login", json={"idToken": token}))
    assert_refused(response, 503, "SERVICE_UNAVAILABLE")
    assert elapsed < TIMEOUT + 1.0, elapsed
    assert users_with_uid(fb, "fb-slow") == 0


def test_a_refusing_emulator_gives_503_fast(fb, fb_client, monkeypatch):
    from config.redis_server import free_port

    fb.config["FIREBASE_CHECK_REVOKED"] = True
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", f"127.0.0.1:{free_port()}")  # nobody listens
    response, elapsed = _timed(lambda: fb_client.get("/api/v1/auth/me", headers=bearer(mint_id_token(PROJECT, "x"))))
    assert_refused(response, 503, "SERVICE_UNAVAILABLE")
    assert elapsed < TIMEOUT + 1.0, elapsed


def test_without_the_emulator_an_unreachable_google_gives_503_fast(fb, fb_client, tripwire, monkeypatch):
    """Production path: a signed-looking token makes firebase-admin fetch Google's keys; the
    proxy tripwire catches that request and holds it, as a dead network would."""
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST")
    token = mint_id_token(PROJECT, "fb-prod", alg="RS256", kid="some-key-id")
    try:
        response, elapsed = _timed(lambda: fb_client.get("/api/v1/auth/me", headers=bearer(token)))
        assert_refused(response, 503, "SERVICE_UNAVAILABLE")
        assert elapsed < TIMEOUT + 1.0, elapsed
        assert tripwire.hits and all("googleapis.com" in hit for hit in tripwire.hits), tripwire.hits
        # without the emulator an unsigned token is refused before any key is fetched
        tripwire.hits.clear()
        assert_refused(fb_client.get("/api/v1/auth/me", headers=bearer(mint_id_token(PROJECT, "fb-prod"))))
        assert tripwire.hits == []
    finally:
        tripwire.hits.clear()


# ---- password endpoints are closed in firebase mode -----------------------------------------

@pytest.mark.parametrize("path, body", [
    ("/api/v1/auth/register", {"email": "pw@example.test", "password": "password123", "displayName": "Pw"}),
    ("/api/v1/auth/login", {"email": "pw@example.test", "password": "password123"}),
    ("/api/v1/auth/refresh", {"refreshToken": "anything"}),
])
def test_password_endpoints_refuse_clearly(fb, fb_client, path, body):
    response = fb_client.post(path, json=body)
    error = assert_refused(response, 422, "VALIDATION_ERROR")["error"]
    assert "Firebase" in error["message"] and "social-login" in error["message"]
    from app.auth.service import find_user_by_email

    with fb.app_context():
        assert find_user_by_email("pw@example.test") is None


def test_social_login_is_refused_in_local_mode(client):
    # a well-formed token this server cannot verify: an authentication failure, not a field error
    response = client.post("/api/v1/auth/social-login", json={"idToken": mint_id_token(PROJECT, "u")})
    assert_refused(response, 401, "AUTHENTICATION_ERROR")


# ---- under the real web process (gunicorn + gevent) ------------------------------------------

@pytest.mark.slow
def test_live_server_signs_in_and_fails_fast_under_gevent(app, test_env, firebase_env, emulator, tripwire):
    emulator.reset()
    server = ServerProcess(test_env, {**firebase_env, "AUTH_PROVIDER": "firebase", "FIREBASE_PROJECT_ID": PROJECT,
                                      "FIREBASE_CHECK_REVOKED": "true", "FIREBASE_TIMEOUT": str(TIMEOUT)})
    server.start()

    def get(path: str, headers: dict | None = None, timeout: float = 10):
        # One connection per request: an idle keep-alive connection would hold the gevent
        # worker's graceful stop for GRACEFUL_TIMEOUT.
        return requests.get(f"{server.url}{path}", headers={**(headers or {}), "Connection": "close"},
                            timeout=timeout)

    try:
        emulator.add_account("fb-live")
        token = mint_id_token(PROJECT, "fb-live", iat=time.time() - 5)
        ok = get("/api/v1/auth/me", bearer(token))
        assert ok.status_code == 200 and ok.json()["data"]["uid"] == "fb-live"
        emulator.mode = "stall"
        started = time.monotonic()
        slow = get("/api/v1/auth/me", bearer(token))
        assert slow.status_code == 503 and slow.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
        assert time.monotonic() - started < TIMEOUT + 1.0
        # the stuck lookup did not block the worker: health answers at once
        assert get("/health/redis", timeout=2).status_code == 200
    finally:
        emulator.mode = "ok"
        server.stop()
    assert tripwire.hits == []
