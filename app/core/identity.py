"""Who is calling: users by bearer token, services by ``x-internal-key``; role decorators.

Token verification belongs to the auth domain, which registers a resolver at start-up
(``register_token_resolver``); core only knows the ``Identity`` it returns. Keeping the
dependency this way round lets every domain import these decorators without importing auth.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from functools import wraps
from typing import Callable

from flask import current_app, g, request
from flask_smorest import Blueprint

from app.errors import AppError, AuthenticationError, AuthorizationError

ROLE_USER, ROLE_ADMIN, ROLE_SERVICE = "user", "admin", "service"
TIERS = ("free", "premium", "family")
TIER_RANK = {tier: rank for rank, tier in enumerate(TIERS)}

BEARER_SECURITY = [{"bearerAuth": []}]
ANY_SECURITY = [{"bearerAuth": []}, {"internalKey": []}]
SERVICE_SECURITY = [{"internalKey": []}]

_doc = Blueprint("_identity_doc", __name__)  # only used for its documentation decorators


@dataclass(frozen=True)
class Identity:
    role: str
    user_id: int | None = None
    uid: str | None = None
    email: str | None = None
    display_name: str | None = None
    tier: str = "free"
    claims: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def is_service(self) -> bool:
        return self.role == ROLE_SERVICE

    @property
    def is_user(self) -> bool:
        return self.user_id is not None


SERVICE_IDENTITY = Identity(role=ROLE_SERVICE, uid="service", display_name="service")

TokenResolver = Callable[[str], Identity]


def register_token_resolver(app, resolver: TokenResolver) -> None:
    app.extensions["marquee.token_resolver"] = resolver


def resolve_token(token: str) -> Identity:
    """Verify a bearer token (HTTP or Socket.IO) and return its identity, or raise AuthenticationError."""
    resolver = current_app.extensions.get("marquee.token_resolver")
    if resolver is None:
        raise AuthenticationError("No authentication provider is configured")
    if not token or not isinstance(token, str) or len(token) > 8192:
        raise AuthenticationError("A valid token is required")
    return resolver(token)


def internal_key_matches(candidate: str | None) -> bool:
    expected = current_app.config.get("INTERNAL_API_KEY") or ""
    if not candidate or not expected:
        return False
    return hmac.compare_digest(candidate.encode(), expected.encode())


def _load_identity() -> Identity | None:
    """Every credential sent must be valid, even beside another one: a wrong bearer token next to
    a good service key is refused, not ignored (the service key decides when both are good)."""
    header = request.headers.get("Authorization")
    user = None
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("The Authorization header must be 'Bearer <token>'")
        user = resolve_token(token.strip())
    internal_key = request.headers.get("x-internal-key")
    if internal_key is not None:
        if internal_key_matches(internal_key):
            return SERVICE_IDENTITY
        raise AuthenticationError("The internal key is not valid")
    return user


def current_identity(required: bool = False) -> Identity | None:
    """The caller's identity for this request (resolved once), or None when anonymous."""
    if "identity" not in g:
        # resolve once per request; a failure (a bad token, an identity provider out of reach) is
        # remembered and raised again, with its message, even if the first caller swallowed it
        g.identity, g.identity_error = None, None
        try:
            g.identity = _load_identity()
        except AppError as exc:
            g.identity_error = exc
    if g.get("identity_error") is not None:
        raise g.identity_error
    if required and g.identity is None:
        raise AuthenticationError("Authentication is required")
    return g.identity


def _documented(func, security, forbidden: bool):
    func = _doc.doc(security=security)(func)
    func = _doc.alt_response(401, response="UNAUTHORIZED", description="Missing or invalid credentials")(func)
    # with AUTH_PROVIDER=firebase, verifying a token may need Google, which can be unreachable
    func = _doc.alt_response(503, response="SERVICE_UNAVAILABLE",
                             description="The identity provider could not be reached")(func)
    if forbidden:
        func = _doc.alt_response(403, response="FORBIDDEN", description="The caller lacks the required role")(func)
    return func


# A credential of a kind the operation does not take is no credential for it: 401, as when it is
# missing (the document's security lists the kinds); 403 is for the right kind without the role.
def _needs_user_token() -> AuthenticationError:
    return AuthenticationError("This endpoint needs a user's bearer token; a service key is not accepted here")


def _needs_service_key() -> AuthenticationError:
    return AuthenticationError("This endpoint needs the service key (x-internal-key)")


def auth_required(func=None, *, allow_service: bool = True):
    """The caller must be signed in (or, unless ``allow_service=False``, a service)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            identity = current_identity(required=True)
            if identity.is_service and not allow_service:
                raise _needs_user_token()
            return view(*args, **kwargs)

        return _documented(wrapper, ANY_SECURITY if allow_service else BEARER_SECURITY, not allow_service)

    return decorator(func) if func is not None else decorator


def roles_required(*roles: str):
    """The caller's role must be one of ``roles`` (e.g. ``"admin", "service"``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            identity = current_identity(required=True)
            if identity.is_service and ROLE_SERVICE not in roles:
                raise _needs_user_token()
            if roles == (ROLE_SERVICE,) and not identity.is_service:
                raise _needs_service_key()
            if identity.role not in roles:
                raise AuthorizationError(f"This action needs the role {' or '.join(roles)}")
            return view(*args, **kwargs)

        security = ANY_SECURITY if ROLE_SERVICE in roles else BEARER_SECURITY
        if roles == (ROLE_SERVICE,):
            security = SERVICE_SECURITY
        return _documented(wrapper, security, True)

    return decorator


def optional_auth(view):
    """Resolve the identity when credentials are present (bad credentials still fail)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        current_identity()
        return view(*args, **kwargs)

    wrapper = _doc.alt_response(401, response="UNAUTHORIZED", description="Invalid credentials")(wrapper)
    wrapper = _doc.alt_response(503, response="SERVICE_UNAVAILABLE",
                                description="The identity provider could not be reached")(wrapper)
    return _doc.doc(security=[{}, *ANY_SECURITY])(wrapper)
