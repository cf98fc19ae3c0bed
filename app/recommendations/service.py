"""The recommendations domain's public interface: routes, workers and other domains call these.

Lists are ranked once (by the worker every RECS_LIST_INTERVAL, or by the first reader of a
cold cache) and stored in Redis; a request only filters a stored list by what the viewer may
play (published, within their maturity limit and tier) and cuts its page.
"""
from __future__ import annotations

import json

from flask import current_app

from app.catalog import service as catalog
from app.catalog.service import Viewer
from app.core.pagination import page_meta
from app.core.schemas import camelize
from app.core.timeutil import now_ms, utcnow
from app.playback import service as playback
from app.recommendations import jobs, lists, personal, similar as similar_titles
from app.recommendations.decay import WINDOWS, periods
from app.recommendations.lists import Ranked, version_stamp

TRENDING = "trending"
POPULAR = "popular"
ALL = "all"
GENRE_ROWS = "genres"
TRENDING_REASON = {"code": "trending", "text": "Trending now", "content_id": None, "genre": None}
ROW_CANDIDATES = 5  # a genre row looks this many times its size down its list for titles the viewer may play

viewer_for = catalog.viewer_for


def init_app(app) -> None:
    """``flask recs``; users whose history or favorites change are folded in by the next fold-in run."""
    from app.recommendations.cli import recs_cli
    from app.users import service as users

    app.cli.add_command(recs_cli)
    catalog.register_home_row(app, "because-you-watched", because_you_watched_row)
    catalog.register_trending(app, trending_cards)
    playback.register_admin_stats(app, "recommendations", _stats_section)
    playback.history_changed.connect(personal.mark_changed, sender=app, weak=False)
    users.favorites_changed.connect(personal.mark_changed, sender=app, weak=False)


def _settings() -> dict:
    return current_app.config


def _ttl() -> int:
    return 3 * _settings()["RECS_LIST_INTERVAL"]


def _genre_field(slug: str) -> str:
    return f"genre:{slug}"


# ---- building ----------------------------------------------------------------------------

def build_trending() -> dict[str, str]:
    """One list per window: viewers weighted by how recently they started a title, finishing it
    counting ``1 + RECS_COMPLETION_WEIGHT``."""
    config = _settings()
    now, at = utcnow(), now_ms()
    fields = {}
    for name, window in WINDOWS.items():
        steps = periods(now, window, window * config["RECS_TRENDING_HALF_LIFE"], config["RECS_TRENDING_BUCKETS"])
        items = playback.weighted_viewers(steps, config["RECS_COMPLETION_WEIGHT"], config["RECS_LIST_SIZE"])
        fields[name] = Ranked(version_stamp(f"trending-{name}", at), at, tuple(items)).encode()
    return fields


def build_popular() -> dict[str, str]:
    """Most watched (distinct viewers, at least RECS_POPULAR_MIN_VIEWERS): overall, per genre, and
    the genres ordered by how many viewers their titles gathered."""
    config = _settings()
    size, at = config["RECS_LIST_SIZE"], now_ms()
    counts = playback.viewer_counts(config["RECS_POPULAR_MIN_VIEWERS"], limit=100 * size)
    genres = catalog.genres_of([cid for cid, _ in counts])
    by_genre: dict[str, list[tuple[int, float]]] = {}
    for content_id, viewers in counts:
        for slug in genres.get(content_id, ()):
            by_genre.setdefault(slug, []).append((content_id, float(viewers)))
    version = version_stamp("popular", at)
    fields = {ALL: Ranked(version, at, tuple((cid, float(n)) for cid, n in counts[:size])).encode()}
    for slug, items in by_genre.items():
        fields[_genre_field(slug)] = Ranked(version, at, tuple(items[:size])).encode()
    names = catalog.genre_names_by_slug()
    # the genre rows carry their first candidates, so /popular's rows come from one read of one build
    head = config["RECS_ROW_SIZE"] * ROW_CANDIDATES
    rows = sorted(((slug, names.get(slug, slug), sum(n for _, n in items), [[cid, n] for cid, n in items[:head]])
                   for slug, items in by_genre.items()), key=lambda row: (-row[2], row[0]))
    fields[GENRE_ROWS] = json.dumps({"version": version, "generatedAt": at, "rows": rows})
    return fields


def refresh_lists() -> dict:
    """Rebuild every family of lists (the worker's periodic task)."""
    built = {}
    for family, build in ((TRENDING, build_trending), (POPULAR, build_popular)):
        fields = build()
        lists.store(family, fields, _ttl())
        built[family] = len(fields)
    return built


# ---- serving -----------------------------------------------------------------------------

def _read(family: str, fields: list[str]) -> list[str | None]:
    build = build_trending if family == TRENDING else build_popular
    return lists.read(family, fields, build, _ttl())


def _cards(ids: list[int], scores: dict[int, float], reason) -> list[dict]:
    cards = catalog.cards_by_id(ids)
    return [{**cards[cid], "score": round(scores[cid], 6), "reason": reason(cid)} for cid in ids if cid in cards]


def _page(ranked: Ranked, viewer: Viewer, page: int, per_page: int, reason) -> tuple[list[dict], dict]:
    scores = {item[0]: item[1] for item in ranked.items}
    allowed = catalog.playable_ids([cid for cid, _ in ranked.items], viewer)
    chosen = allowed[(page - 1) * per_page:page * per_page]
    meta = {**page_meta(page, per_page, len(allowed)), "modelVersion": ranked.version,
            "generatedAt": ranked.generated}
    return _cards(chosen, scores, reason), meta


def trending(viewer: Viewer, window: str, page: int, per_page: int) -> tuple[list[dict], dict]:
    """Titles by time-decayed views and completions over ``window`` (24h, 7d or 30d)."""
    (text,) = _read(TRENDING, [window])
    return _page(Ranked.decode(text), viewer, page, per_page, lambda _: TRENDING_REASON)


def _genre_reason(slug: str, name: str) -> dict:
    return {"code": "popular-in-genre", "text": f"Popular in {name}", "content_id": None, "genre": slug}


def popular_in_genre(viewer: Viewer, genre: str, page: int, per_page: int) -> tuple[list[dict], dict]:
    """The most watched titles of one genre (by slug); an unknown genre lists nothing."""
    slug = genre.strip().lower()
    rows_text, text = _read(POPULAR, [GENRE_ROWS, _genre_field(slug)])
    rows = json.loads(rows_text)
    ranked = Ranked.decode(text) if text else Ranked(rows["version"], rows["generatedAt"], ())
    name = next((row[1] for row in rows["rows"] if row[0] == slug), slug)  # (slug, name, viewers, head)
    reason = _genre_reason(slug, name)
    return _page(ranked, viewer, page, per_page, lambda _: reason)


def popular_rows(viewer: Viewer, page: int, per_page: int) -> tuple[list[dict], dict]:
    """One row per genre (most watched genres first), each its most watched titles the viewer
    may play; genres with none are left out. Pages count rows."""
    row_size = _settings()["RECS_ROW_SIZE"]
    (rows_text,) = _read(POPULAR, [GENRE_ROWS])
    header = json.loads(rows_text)
    genres = header["rows"]
    candidates = {slug: [(int(cid), float(score)) for cid, score in items] for slug, _, _, items in genres}
    allowed = set(catalog.playable_ids([cid for items in candidates.values() for cid, _ in items], viewer))
    visible = []
    for slug, name, _, _ in genres:
        items = [(cid, score) for cid, score in candidates[slug] if cid in allowed][:row_size]
        if items:
            visible.append((slug, name, items))
    chosen = visible[(page - 1) * per_page:page * per_page]
    cards = catalog.cards_by_id([cid for _, _, items in chosen for cid, _ in items])
    data = []
    for slug, name, items in chosen:
        reason = _genre_reason(slug, name)
        data.append({"genre": slug, "name": name, "items": [
            {**cards[cid], "score": round(score, 6), "reason": reason} for cid, score in items if cid in cards]})
    generated = Ranked(header["version"], header["generatedAt"], ())
    meta = {**page_meta(page, per_page, len(visible)), "modelVersion": generated.version,
            "generatedAt": generated.generated}
    return data, meta


# ---- similar -----------------------------------------------------------------------------

def similar(viewer: Viewer, content_id: int, page: int, per_page: int) -> tuple[list[dict], dict]:
    """Titles like one the viewer may see (NOT_FOUND otherwise), never the title itself."""
    content = catalog.load_content(content_id)
    catalog.ensure_visible(content, viewer)
    ranked = similar_titles.similar_to(content.id)
    ranked = Ranked(ranked.version, ranked.generated_at, tuple(item for item in ranked.items if item[0] != content.id))
    reason = {"code": "similar", "text": f"More like {content.title}", "content_id": content.id, "genre": None}
    return _page(ranked, viewer, page, per_page, lambda _: reason)


def build_similar(force: bool = False) -> dict:
    """The worker's task: rebuild similar titles when the catalog or the history changed since
    the last build (always with ``force``)."""
    return similar_titles.build_if_changed(_settings(), force)


# ---- personalized ------------------------------------------------------------------------

POPULAR_REASON = {"code": "popular", "text": "Popular on Marquee", "content_id": None, "genre": None}
TOP_RATED_REASON = {"code": "top-rated", "text": "Highly rated", "content_id": None, "genre": None}
FOR_YOU_REASON = {"code": "for-you", "text": "Picked for you", "content_id": None, "genre": None}


def _popularity_blend(preferences: dict) -> tuple[str, list[tuple[int, float, dict]]]:
    """What a viewer with no model list gets: the most watched of their favorite genres taken in
    turn, then the most watched overall, then trending; the catalog's best rated when nobody has
    watched anything yet. Returns (its version, picks with their reasons)."""
    slugs = [slug.strip().lower() for slug in preferences.get("favoriteGenres") or [] if isinstance(slug, str)]
    header, overall, *per_genre = _read(POPULAR, [GENRE_ROWS, ALL, *[_genre_field(slug) for slug in slugs]])
    rows = json.loads(header)
    names = {row[0]: row[1] for row in rows["rows"]}
    picks: list[tuple[int, float, dict]] = []
    genre_lists = [(slug, Ranked.decode(text).items) for slug, text in zip(slugs, per_genre) if text]
    for rank in range(max((len(items) for _, items in genre_lists), default=0)):
        for slug, items in genre_lists:
            if rank < len(items):
                picks.append((items[rank][0], items[rank][1], _genre_reason(slug, names.get(slug, slug))))
    picks += [(item[0], item[1], POPULAR_REASON) for item in Ranked.decode(overall).items]
    (trending_text,) = _read(TRENDING, ["7d"])
    picks += [(item[0], item[1], TRENDING_REASON) for item in Ranked.decode(trending_text).items]
    if not picks:
        picks = [(cid, rating, TOP_RATED_REASON) for cid, rating in catalog.best_rated(_settings()["RECS_LIST_SIZE"])]
    return f"popularity-blend@{rows['version'].partition('@')[2]}", picks


def personalized(viewer: Viewer, page: int, per_page: int) -> tuple[list[dict], dict]:
    """The viewer's list from the current model (with the history title behind each pick), then
    the popularity blend; never a title in their history (finished, or started: continue watching
    shows those) nor one they may not play."""
    watched = playback.titles_watched(viewer.user_id)
    stored = personal.stored_list(viewer.user_id)
    picks: list[tuple[int, float, int | dict]] = []
    version = None
    if stored is not None:
        version, generated = stored.version, stored.generated
        picks = [(item[0], item[1], item[2] if len(item) > 2 else 0) for item in stored.items]
    blend_version, blend = _popularity_blend(viewer.preferences)
    if version is None:
        version, generated = blend_version, None
    seen: set[int] = set(watched)
    ordered = []
    for cid, score, why in [*picks, *blend]:
        if cid not in seen:
            seen.add(cid)
            ordered.append((cid, score, why))
    allowed = set(catalog.playable_ids([cid for cid, _, _ in ordered], viewer))
    ordered = [entry for entry in ordered if entry[0] in allowed]
    chosen = ordered[(page - 1) * per_page:page * per_page]
    because_ids = [why for _, _, why in chosen if isinstance(why, int) and why]
    cards = catalog.cards_by_id([cid for cid, _, _ in chosen] + because_ids)
    items = []
    for cid, score, why in chosen:
        if cid not in cards:
            continue
        if isinstance(why, dict):
            reason = why
        elif why and why in cards:
            reason = {"code": "because-you-watched", "text": f"Because you watched {cards[why]['title']}",
                      "content_id": why, "genre": None}
        else:
            reason = FOR_YOU_REASON
        items.append({**cards[cid], "score": round(score, 6), "reason": reason})
    meta = {**page_meta(page, per_page, len(ordered)), "modelVersion": version,
            "generatedAt": generated if generated is not None else utcnow()}
    return items, meta


def train(trigger: str) -> tuple[dict, bool]:
    """Queue a training (one at a time): (its job status, whether it was queued now)."""
    return jobs.start(trigger)


def training_job(job_id: str) -> dict:
    return jobs.get(job_id)


def run_training(job_id: str | None, trigger: str) -> dict:
    return personal.run_training(job_id, trigger)


def fold_in_changed() -> dict:
    return personal.fold_in_changed(_settings())


def model_info() -> dict | None:
    """The current personalized model: name, version, when and on how much it was trained."""
    return personal.model_info()


def _stats_section() -> dict | None:
    info = model_info()
    return {camelize(key): value for key, value in info.items()} if info else None


# ---- home rows ---------------------------------------------------------------------------

def trending_cards(viewer: Viewer, limit: int) -> list[dict]:
    """The home page's "Trending now": this week's trending list, as the viewer may play it."""
    items, _ = trending(viewer, "7d", 1, limit)
    return items


def because_you_watched_row(viewer: Viewer) -> tuple[str, list[dict]] | None:
    """"Because you watched X": the model's picks for the viewer that X supports most, X being
    the title behind the most of their top picks. None without a model list."""
    size = _settings()["HOME_ROW_SIZE"]
    stored = personal.stored_list(viewer.user_id)
    if stored is None:
        return None
    watched = playback.titles_watched(viewer.user_id)
    picks = [item for item in stored.items if len(item) > 2 and item[2] and item[0] not in watched]
    allowed = set(catalog.playable_ids([item[0] for item in picks], viewer))
    picks = [item for item in picks if item[0] in allowed][:5 * size]
    if not picks:
        return None
    counts: dict[int, int] = {}
    for item in picks:
        counts[item[2]] = counts.get(item[2], 0) + 1
    because = max(counts, key=counts.get)  # ties: the first to appear (counts keeps first-seen order)
    chosen = [item for item in picks if item[2] == because][:size]
    cards = catalog.cards_by_id([item[0] for item in chosen] + [because])
    if because not in cards:
        return None
    title = cards[because]["title"]
    reason = {"code": "because-you-watched", "text": f"Because you watched {title}", "content_id": because,
              "genre": None}
    return f"Because you watched {title}", [{**cards[item[0]], "score": round(item[1], 6), "reason": reason}
                                            for item in chosen if item[0] in cards]
