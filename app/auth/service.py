"""Accounts and sessions: registration, login, refresh-token rotation, identities.

Every public function here is one unit of work and commits it; routes only call them.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.auth import tokens
from app.auth.models import RefreshToken, User
from app.auth.passwords import dummy_hash, hash_password, verify_password
from app.core.identity import ROLE_ADMIN, ROLE_USER, TIERS, Identity
from app.core.timeutil import as_utc, utcnow
from app.errors import AuthenticationError, ConflictError, NotFoundError, ValidationError
from app.extensions import db


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_password_strength(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationError(f"The password must have at least {minimum} characters", field="password")
    if len(password) > 256:
        raise ValidationError("The password must have at most 256 characters", field="password")


def _hash(password: str) -> str:
    return hash_password(password, fast=current_app.config.get("PASSWORD_HASH_FAST", False))


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError("The user was not found")
    return user


def account_for(identity: Identity) -> User:
    """The account behind a signed-in identity; a deleted account is an authentication failure."""
    user = db.session.get(User, identity.user_id) if identity.user_id is not None else None
    if user is None or not user.is_active:
        raise AuthenticationError("The account no longer exists or is disabled")
    return user


def create_user(email: str, password: str, display_name: str, *, role: str = ROLE_USER, tier: str = "free") -> User:
    """Create a local account; refuses a taken e-mail with CONFLICT. Commits."""
    _check_password_strength(password)
    if tier not in TIERS:
        raise ValidationError("Unknown subscription tier", field="subscriptionTier")
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise ConflictError("An account with this e-mail already exists", details={"field": "email"})
    user = User(uid=f"local:{uuid.uuid4().hex}", email=email, password_hash=_hash(password),
                display_name=display_name.strip() or email.split("@")[0], role=role,
                subscription_tier=tier, preferences={}, auth_provider="local")
    db.session.add(user)
    db.session.commit()
    return user


def import_accounts(accounts: list[tuple[str, str]]) -> dict[str, int]:
    """Accounts for a data import, ``(uid, display name)``: no e-mail and no password, so nobody
    can sign in as them; an existing uid is kept. Returns every uid's user id. One commit."""
    uids = [uid for uid, _ in accounts]
    known: dict[str, int] = {}
    for start in range(0, len(uids), 900):
        known.update(db.session.execute(select(User.uid, User.id).where(User.uid.in_(uids[start:start + 900]))).all())
    added = [User(uid=uid, email=None, password_hash=None, display_name=name[:100], role=ROLE_USER,
                  subscription_tier="free", preferences={}, auth_provider="import")
             for uid, name in accounts if uid not in known]
    db.session.add_all(added)
    db.session.commit()
    known.update({user.uid: user.id for user in added})
    return known


def has_account_with_uid_prefix(prefix: str) -> bool:
    return db.session.scalar(select(User.id).where(User.uid.startswith(prefix, autoescape=True)).limit(1)) is not None


def register(email: str, password: str, display_name: str) -> dict:
    """Create an account and sign it in: returns the token bundle."""
    user = create_user(email, password, display_name)
    return issue_session(user)


def login(email: str, password: str) -> dict:
    user = find_user_by_email(email)
    if user is None:
        verify_password(dummy_hash(current_app.config.get("PASSWORD_HASH_FAST", False)), password)
        raise AuthenticationError("The e-mail or password is not correct")
    if not verify_password(user.password_hash, password) or not user.is_active:
        raise AuthenticationError("The e-mail or password is not correct")
    user.last_login_at = utcnow()
    return issue_session(user)


def issue_session(user: User, family_id: str | None = None) -> dict:
    """Issue an access token and a new refresh token (in ``family_id`` when rotating). Commits."""
    config = current_app.config
    refresh_value = tokens.new_refresh_token()
    db.session.add(RefreshToken(
        user_id=user.id, token_hash=tokens.hash_refresh_token(refresh_value),
        family_id=family_id or tokens.new_family_id(),
        expires_at=utcnow() + timedelta(seconds=config["REFRESH_TOKEN_TTL"]),
    ))
    db.session.commit()
    return {
        "access_token": access_token_for(user),
        "refresh_token": refresh_value,
        "expires_in": config["ACCESS_TOKEN_TTL"],
        "token_type": "Bearer",
        "user": user,
    }


def access_token_for(user: User) -> str:
    config = current_app.config
    return tokens.issue_access_token(
        config["SECRET_KEY"], user_id=user.id, uid=user.uid, role=user.role, tier=user.subscription_tier,
        ttl=config["ACCESS_TOKEN_TTL"], email=user.email, name=user.display_name,
    )


def _find_refresh(refresh_value: str) -> RefreshToken:
    record = db.session.execute(
        select(RefreshToken).where(RefreshToken.token_hash == tokens.hash_refresh_token(refresh_value))
    ).scalar_one_or_none()
    if record is None:
        raise AuthenticationError("The refresh token is not valid")
    return record


def _revoke_family(family_id: str) -> None:
    db.session.execute(
        update(RefreshToken).where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()


def refresh(refresh_value: str) -> dict:
    """Rotate a refresh token. Presenting one that was already used revokes its whole family."""
    record = _find_refresh(refresh_value)
    if record.revoked_at is not None:
        raise AuthenticationError("The refresh token has been revoked")
    if as_utc(record.expires_at) <= utcnow():
        raise AuthenticationError("The refresh token has expired")
    # Claim the token atomically: of two concurrent rotations only one may win.
    claimed = db.session.execute(
        update(RefreshToken).where(RefreshToken.id == record.id, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        _revoke_family(record.family_id)
        raise AuthenticationError("The refresh token was already used; every session of this login is revoked")
    user = db.session.get(User, record.user_id)
    if user is None or not user.is_active:
        db.session.rollback()
        raise AuthenticationError("The account is not active")
    return issue_session(user, family_id=record.family_id)


def logout(refresh_value: str) -> None:
    """Revoke the login (token family) the refresh token belongs to. Unknown tokens are an error."""
    record = _find_refresh(refresh_value)
    _revoke_family(record.family_id)


def identity_for(user: User) -> Identity:
    return Identity(role=user.role, user_id=user.id, uid=user.uid, email=user.email,
                    display_name=user.display_name, tier=user.subscription_tier)


def resolve_local_token(token: str) -> Identity:
    """Identity from a local access token. Role and tier come from the signed claims, so a
    change takes effect at the next refresh (at most ACCESS_TOKEN_TTL later)."""
    try:
        claims = tokens.decode_access_token(current_app.config["SECRET_KEY"], token)
    except tokens.TokenInvalid as exc:
        raise AuthenticationError(str(exc)) from exc
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise AuthenticationError("The access token is not valid") from exc
    return Identity(role=claims.get("role", ROLE_USER), user_id=user_id, uid=claims.get("uid"),
                    email=claims.get("email"), display_name=claims.get("name"), tier=claims.get("tier", "free"),
                    claims=claims)


def ensure_admin(email: str, password: str, display_name: str = "Administrator") -> tuple[User, bool]:
    """Create the admin account if missing, or promote an existing account. Returns (user, created)."""
    user = find_user_by_email(email)
    if user is None:
        return create_user(email, password, display_name, role=ROLE_ADMIN, tier="family"), True
    if user.role != ROLE_ADMIN:
        user.role = ROLE_ADMIN
        db.session.commit()
    return user, False


def _claim_text(claims: dict, name: str, limit: int) -> str | None:
    """A string claim that fits its column; anything else is dropped rather than stored cut."""
    value = claims.get(name)
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def user_for_firebase_claims(claims: dict) -> User:
    """The local user row for a verified Firebase identity, created on first sight. Commits."""
    uid = claims.get("uid") or claims.get("sub")
    if not isinstance(uid, str) or not uid:
        raise AuthenticationError("The Firebase token has no uid")
    user = db.session.execute(select(User).where(User.uid == uid)).scalar_one_or_none()
    if user is None:
        email = _claim_text(claims, "email", 320)
        email = normalise_email(email) if email else None
        if email and find_user_by_email(email) is not None:
            email = None  # the address belongs to another account; never merge identities silently
        name = (_claim_text(claims, "name", 1000) or (email or uid).split("@")[0]).strip()[:100] or uid[:100]
        user = User(uid=uid, email=email, display_name=name, avatar_url=_claim_text(claims, "picture", 1024),
                    role=ROLE_USER, subscription_tier="free", preferences={}, auth_provider="firebase")
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:
            # a concurrent first request for the same uid won the insert; use its row
            db.session.rollback()
            user = db.session.execute(select(User).where(User.uid == uid)).scalar_one_or_none()
            if user is None:  # lost a race on the e-mail instead: retry once, without it
                return user_for_firebase_claims({**claims, "email": None})
    if not user.is_active:
        raise AuthenticationError("The account is not active")
    return user


def resolve_firebase_token(token: str) -> Identity:
    from app.auth.firebase import verify_id_token

    return identity_for(user_for_firebase_claims(verify_id_token(token)))


def social_login(id_token: str) -> dict:
    """Verify a Firebase ID token and return the user (the client keeps using Firebase tokens)."""
    from app.auth.firebase import verify_id_token

    user = user_for_firebase_claims(verify_id_token(id_token))
    user.last_login_at = utcnow()
    db.session.commit()
    return {"access_token": id_token, "refresh_token": None, "expires_in": None, "token_type": "Bearer", "user": user}


# ---- used by the users, catalog and playback domains ---------------------------------------

def viewer_profile(user_id: int) -> dict:
    """The current role, tier and preferences of a user (fresh, not from the token)."""
    row = db.session.execute(
        select(User.role, User.subscription_tier, User.preferences, User.is_active).where(User.id == user_id)
    ).one_or_none()
    if row is None or not row.is_active:
        raise AuthenticationError("The account no longer exists or is disabled")
    return {"role": row.role, "tier": row.subscription_tier, "preferences": row.preferences or {}}


def update_profile(user_id: int, changes: dict) -> User:
    """Apply profile changes (display_name, avatar_url, preferences merged, subscription_tier). Commits."""
    user = get_user(user_id)
    if "display_name" in changes:
        user.display_name = changes["display_name"].strip() or user.display_name
    if "avatar_url" in changes:
        user.avatar_url = changes["avatar_url"]
    if "preferences" in changes:
        user.preferences = {**(user.preferences or {}), **changes["preferences"]}
    if "subscription_tier" in changes:
        if changes["subscription_tier"] not in TIERS:
            raise ValidationError("Unknown subscription tier", field="subscriptionTier")
        user.subscription_tier = changes["subscription_tier"]
    db.session.commit()
    return user


def user_counts(since_day, since_week) -> dict:
    """Totals for the admin dashboard: users, by tier, signed in within a day and a week."""
    from sqlalchemy import func

    by_tier = dict(db.session.execute(select(User.subscription_tier, func.count()).group_by(User.subscription_tier)).all())
    return {
        "total": sum(by_tier.values()),
        "byTier": {tier: by_tier.get(tier, 0) for tier in TIERS},
        "signedIn24h": db.session.scalar(select(func.count()).where(User.last_login_at >= since_day)),
        "signedIn7d": db.session.scalar(select(func.count()).where(User.last_login_at >= since_week)),
    }
