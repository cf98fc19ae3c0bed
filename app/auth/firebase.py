"""Firebase ID-token verification with firebase-admin.

With ``FIREBASE_AUTH_EMULATOR_HOST`` set, firebase-admin accepts the emulator's unsigned tokens
and talks to the emulator instead of Google; the same code path runs in both modes. Calls that
reach out (certificate fetch, revocation check) run under a deadline so an unreachable Google
fails the request fast with SERVICE_UNAVAILABLE instead of hanging it.
"""
from __future__ import annotations

import concurrent.futures
import logging
import threading

import firebase_admin
from firebase_admin import auth as fb_auth
from firebase_admin import credentials
from flask import current_app

from app.errors import AuthenticationError, ServiceUnavailableError

log = logging.getLogger(__name__)
_APP_NAME = "marquee"
_lock = threading.Lock()
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="firebase")


def _firebase_app() -> firebase_admin.App:
    with _lock:
        try:
            return firebase_admin.get_app(_APP_NAME)
        except ValueError:
            pass
        config = current_app.config
        options = {"projectId": config["FIREBASE_PROJECT_ID"], "httpTimeout": config["FIREBASE_TIMEOUT"]}
        cred_path = config.get("FIREBASE_CREDENTIALS")
        cred = credentials.Certificate(cred_path) if cred_path else _AnonymousCredential()
        return firebase_admin.initialize_app(cred, options, name=_APP_NAME)


class _AnonymousCredential(credentials.Base):
    """Verifying ID tokens needs only Google's public keys, not a service account."""

    def get_credential(self):
        from google.auth.credentials import AnonymousCredentials

        return AnonymousCredentials()


def verify_id_token(id_token: str) -> dict:
    """Verified claims of a Firebase ID token; raises AuthenticationError or ServiceUnavailableError."""
    app = _firebase_app()
    check_revoked = current_app.config["FIREBASE_CHECK_REVOKED"]
    timeout = current_app.config["FIREBASE_TIMEOUT"]
    future = _pool.submit(fb_auth.verify_id_token, id_token, app=app, check_revoked=check_revoked)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError as exc:
        raise ServiceUnavailableError("Firebase did not answer in time; try again shortly") from exc
    except (fb_auth.RevokedIdTokenError, fb_auth.UserDisabledError) as exc:
        raise AuthenticationError("The Firebase session has been revoked or disabled") from exc
    except fb_auth.ExpiredIdTokenError as exc:
        raise AuthenticationError("The Firebase ID token has expired") from exc
    except (fb_auth.InvalidIdTokenError, ValueError) as exc:
        raise AuthenticationError("The Firebase ID token is not valid") from exc
    except (fb_auth.CertificateFetchError, firebase_admin.exceptions.FirebaseError) as exc:
        log.warning("firebase unavailable: %s", exc)
        raise ServiceUnavailableError("Firebase cannot be reached; try again shortly") from exc
