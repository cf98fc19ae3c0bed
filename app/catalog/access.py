"""Who may see and play what: drafts, maturity limits and subscription tiers."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.catalog.maturity import MAX_LEVEL, limit_level
from app.core.identity import TIER_RANK, Identity
from app.errors import AppError, NotFoundError


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    is_staff: bool = False  # admins and services see drafts and bypass limits
    tier: str = "free"
    max_level: int = MAX_LEVEL
    # the account's preferences as read with the rest (favoriteGenres seed recommendations)
    preferences: dict = field(default_factory=dict, compare=False, repr=False)


ANONYMOUS = Viewer()


def viewer_for(identity: Identity | None) -> Viewer:
    """The viewer behind an identity, with the tier and preferences read from the account now
    (a token's tier may be minutes stale)."""
    if identity is None:
        return ANONYMOUS
    if identity.is_service:
        return Viewer(is_staff=True, tier="family")
    return member_viewer(identity.user_id)


def member_viewer(user_id: int) -> Viewer:
    """The viewer a user is in their own right (a room member known by id): admins are staff."""
    from app.auth import service as auth_service

    profile = auth_service.viewer_profile(user_id)
    return Viewer(user_id=user_id, is_staff=profile["role"] == "admin", tier=profile["tier"],
                  max_level=limit_level(profile["preferences"]), preferences=profile["preferences"])


def viewer_for_user(user_id: int) -> Viewer:
    """The viewer an admin acts for when reading another user's lists (their limits apply)."""
    from app.auth import service as auth_service

    profile = auth_service.viewer_profile(user_id)
    return Viewer(user_id=user_id, is_staff=False, tier=profile["tier"], max_level=limit_level(profile["preferences"]),
                  preferences=profile["preferences"])


def _ensure_maturity(content, viewer: Viewer) -> None:
    if content.maturity_level > viewer.max_level:
        raise AppError("This title is above your maturity limit", code="MATURITY_RESTRICTED", status=403,
                       details={"maturityRating": content.maturity_rating})


def _ensure_tier(content, viewer: Viewer) -> None:
    if TIER_RANK[content.tier_required] > TIER_RANK.get(viewer.tier, 0):
        raise AppError(f"This title needs the {content.tier_required} subscription", code="SUBSCRIPTION_REQUIRED",
                       status=403, details={"tierRequired": content.tier_required, "tier": viewer.tier})


def ensure_visible(content, viewer: Viewer) -> None:
    if viewer.is_staff:
        return
    if content.status != "published":
        raise NotFoundError("The content was not found")
    _ensure_maturity(content, viewer)


def ensure_playable(content, viewer: Viewer) -> None:
    """What the catalog's own paths (details, sources, playback) check: a published title, within
    the viewer's maturity limit and subscription tier."""
    ensure_visible(content, viewer)
    if not viewer.is_staff:
        _ensure_tier(content, viewer)


def ensure_entitled(content, viewer: Viewer) -> None:
    """The entitlement itself (maturity limit and tier), for paths that reach a title by a media
    id rather than through the catalog: a provider embed, a watch-together room. A draft's own
    rules apply too, so a title cannot be watched there before it is published."""
    if viewer.is_staff:
        return
    _ensure_maturity(content, viewer)
    _ensure_tier(content, viewer)
