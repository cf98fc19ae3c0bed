"""Torrent search across the Torznab indexers of ``TORZNAB_URLS``: all at once, each through the
outbound client (its circuit breaker and the proxy pool) and within ``TORZNAB_TIMEOUT``.

An indexer that times out, fails or answers garbage is reported in ``failedIndexers``; only when
every indexer failed is the search an error (``SEARCH_FAILED``, naming each and why). Each
indexer's capabilities (``t=caps``) are asked once a day and kept in Redis.
"""
from __future__ import annotations

import concurrent.futures
import json
import time

from flask import current_app

from app.errors import AppError
from app.extensions import redis
from app.platform import outbound
from app.torrents import keys
from app.torrents.releases import merge
from app.torrents.torznab import Indexer, Query, TorznabError, caps_url, indexers_from, parse_caps, parse_results, \
    query_url

_pool = concurrent.futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="torznab")
MAX_BODY = 8 * 1024 * 1024


def configured() -> list[Indexer]:
    return indexers_from(current_app.config["TORZNAB_URLS"])


def _fetch(url: str, timeout: float) -> bytes:
    response = outbound.get(url, timeout=timeout, use_proxy=current_app.config["TORZNAB_USE_PROXY"], stream=True)
    try:
        if response.status_code != 200:
            raise TorznabError(f"answered HTTP {response.status_code}")
        body = response.raw.read(MAX_BODY + 1, decode_content=True)
        if len(body) > MAX_BODY:
            raise TorznabError("answered more than 8 MiB")
        return body
    finally:
        response.close()


def _caps(indexer: Indexer, timeout: float) -> dict | None:
    """The indexer's search modes, from Redis or asked now; None when it will not say."""
    cache_key = keys.indexer_caps(indexer.name)
    cached = redis.client.get(cache_key)
    if cached:
        data = json.loads(cached)
        return {mode: set(params) for mode, params in data.items()} if data is not None else None
    try:
        caps = parse_caps(_fetch(caps_url(indexer), timeout))
    except (TorznabError, AppError):
        caps = None
    redis.client.set(cache_key, json.dumps({m: sorted(p) for m, p in caps.items()} if caps is not None else None),
                     ex=current_app.config["TORZNAB_CAPS_TTL"] if caps is not None else 300)
    return caps


def _search_one(indexer: Indexer, query: Query, timeout: float) -> list:
    started = time.monotonic()
    caps = _caps(indexer, timeout) if (query.imdb_id or query.is_tv) else None
    remaining = max(0.5, timeout - (time.monotonic() - started))
    return parse_results(_fetch(query_url(indexer, query, caps), remaining), indexer.name)


def search(query: Query, limit: int) -> dict:
    indexers = configured()
    if not indexers:
        raise AppError("No Torznab indexer is configured (TORZNAB_URLS)", code="SEARCH_UNAVAILABLE", status=503)
    app = current_app._get_current_object()
    timeout = app.config["TORZNAB_TIMEOUT"]

    def run(indexer: Indexer) -> list:
        with app.app_context():
            return _search_one(indexer, query, timeout)

    futures = [(indexer, _pool.submit(run, indexer)) for indexer in indexers]
    deadline = time.monotonic() + timeout + 1
    found, failed = [], []
    for indexer, future in futures:
        try:
            found += future.result(timeout=max(0.0, deadline - time.monotonic()))
        except concurrent.futures.TimeoutError:
            failed.append({"indexer": indexer.name, "reason": f"no answer within {timeout:g}s"})
        except AppError as exc:
            failed.append({"indexer": indexer.name, "reason": f"{exc.code}: {exc.message}"[:300]})
        except TorznabError as exc:
            failed.append({"indexer": indexer.name, "reason": str(exc)[:300]})
        except Exception as exc:  # one indexer's surprise is its failure, not the search's
            failed.append({"indexer": indexer.name, "reason": f"{type(exc).__name__}: {exc}"[:300]})
    if len(failed) == len(indexers):
        raise AppError("Every indexer failed", code="SEARCH_FAILED", status=502, details={"failed": failed})
    results = merge(found)
    return {"results": [r.as_dict() for r in results[:limit]], "total": len(results), "failed_indexers": failed}
