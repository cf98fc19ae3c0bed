"""Firebase ID-token verification with firebase-admin.

With ``FIREBASE_AUTH_EMULATOR_HOST`` set, firebase-admin accepts the emulator's unsigned tokens
and talks to the emulator instead of Google; the same code path runs in both modes. Calls that
reach out (certificate fetch, revocation check) run under a hard deadline: firebase-admin's own
``httpTimeout`` bounds each socket operation, but its retry policy (one retry on read errors, four
on 500/503 with back-off) can stretch one call to many times that, so only a deadline around
the whole call keeps a request from hanging when Google is slow or down.
"""
from __future__ import annotations

import concurrent.futures
import logging
import os
import threading
import time

import firebase_admin
from firebase_admin import auth as fb_auth
from firebase_admin import credentials
from firebase_admin import exceptions as fb_exceptions
from flask import current_app

from app.errors import AuthenticationError, ServiceUnavailableError

log = logging.getLogger(__name__)
EMULATOR_ENV = "FIREBASE_AUTH_EMULATOR_HOST"
# Tokens are minted by Google's (or the emulator's) clock, not ours; allow a little drift.
CLOCK_SKEW_SECONDS = 30
_lock = threading.Lock()
# A few workers are enough: a call stuck on a dead Google only holds one until httpTimeout,
# and callers past the deadline get 503 whether or not a worker was free.
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="firebase")


def _firebase_app() -> firebase_admin.App:
    """The firebase-admin App for the current settings.

    firebase-admin caches its HTTP client (and the emulator choice, read from the environment)
    inside the App, so the App is keyed by everything that shapes that client: a changed
    project, timeout, credential or emulator host gets its own App instead of a stale one.
    """
    config = current_app.config
    project_id = config["FIREBASE_PROJECT_ID"]
    timeout = config["FIREBASE_TIMEOUT"]
    cred_path = config.get("FIREBASE_CREDENTIALS") or ""
    emulator = os.environ.get(EMULATOR_ENV, "")
    name = f"marquee|{project_id}|{timeout}|{cred_path}|{emulator}"
    with _lock:
        try:
            return firebase_admin.get_app(name)
        except ValueError:
            pass
        cred = credentials.Certificate(cred_path) if cred_path else _AnonymousCredential()
        return firebase_admin.initialize_app(cred, {"projectId": project_id, "httpTimeout": timeout}, name=name)


class _AnonymousCredential(credentials.Base):
    """Verifying ID tokens needs only Google's public keys, not a service account."""

    def get_credential(self):
        from google.auth.credentials import AnonymousCredentials

        return AnonymousCredentials()


def _check_times(claims: dict) -> None:
    """Refuse tokens outside their lifetime.

    google-auth already checks ``exp``/``iat`` on signed tokens, but firebase-admin's emulator
    mode returns the payload unchecked; checking here keeps development and tests honest.
    """
    now = time.time()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, (int, float)) or not isinstance(iat, (int, float)):
        raise AuthenticationError("The Firebase ID token is not valid")
    if exp <= now - CLOCK_SKEW_SECONDS:
        raise AuthenticationError("The Firebase ID token has expired")
    if iat > now + CLOCK_SKEW_SECONDS:
        raise AuthenticationError("The Firebase ID token is not valid yet")
    auth_time = claims.get("auth_time")
    if auth_time is not None and (not isinstance(auth_time, (int, float)) or auth_time > now + CLOCK_SKEW_SECONDS):
        raise AuthenticationError("The Firebase ID token is not valid")


def _verify(id_token: str, app: firebase_admin.App, check_revoked: bool) -> dict:
    claims = fb_auth.verify_id_token(id_token, app=app)
    # Lifetime first: firebase-admin's revocation check multiplies ``iat`` blindly, so a token
    # without one must be refused before it gets there (and an expired one needs no lookup).
    _check_times(claims)
    if check_revoked:
        # The second pass re-verifies against cached keys and adds the account lookup.
        claims = fb_auth.verify_id_token(id_token, app=app, check_revoked=True)
    return claims


def verify_id_token(id_token: str) -> dict:
    """Verified claims of a Firebase ID token.

    Raises AuthenticationError for a token that is malformed, expired, for another project,
    revoked, or whose user is disabled or deleted; ServiceUnavailableError when Google (or the
    emulator) cannot answer within ``FIREBASE_TIMEOUT`` seconds.
    """
    config = current_app.config
    app = _firebase_app()
    timeout = config["FIREBASE_TIMEOUT"]
    future = _pool.submit(_verify, id_token, app, bool(config["FIREBASE_CHECK_REVOKED"]))
    try:
        claims = future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as exc:
        future.cancel()  # if it is still queued behind stuck calls, it need not run at all
        log.warning("firebase did not answer within %.1fs", timeout)
        raise ServiceUnavailableError("Firebase did not answer in time; try again shortly") from exc
    except (fb_auth.RevokedIdTokenError, fb_auth.UserDisabledError) as exc:
        raise AuthenticationError("The Firebase session has been revoked or disabled") from exc
    except fb_auth.ExpiredIdTokenError as exc:
        raise AuthenticationError("The Firebase ID token has expired") from exc
    except fb_auth.UserNotFoundError as exc:
        # the revocation check looked the user up and Firebase no longer knows it
        raise AuthenticationError("The Firebase account no longer exists") from exc
    except (fb_auth.InvalidIdTokenError, ValueError) as exc:
        raise AuthenticationError("The Firebase ID token is not valid") from exc
    except fb_exceptions.FirebaseError as exc:  # CertificateFetchError, transport errors, 5xx
        log.warning("firebase unavailable: %s", exc)
        raise ServiceUnavailableError("Firebase cannot be reached; try again shortly") from exc
    return claims
