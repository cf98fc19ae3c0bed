"""The Torznab protocol (Jackett, Prowlarr): the query URL of a search, and the indexer's XML
answer read into releases. Pure but for the XML parser; fetching is ``search.py``'s job.

Indexer answers are untrusted XML: ``defusedxml`` refuses entity tricks, and every value is
checked (an item without a usable info-hash is skipped, numbers must be numbers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from app.torrents.magnets import MagnetError, TorrentSource, normalise_info_hash, parse_magnet
from app.torrents.releases import Release

TORZNAB_NS = "{http://torznab.com/schemas/2015/feed}"
MAX_ITEMS = 500


class TorznabError(ValueError):
    pass


@dataclass(frozen=True)
class Indexer:
    name: str
    url: str  # the Torznab endpoint, with its apikey


def indexers_from(entries: list[str]) -> list[Indexer]:
    """``name=url`` or a bare URL (named after its host and path)."""
    indexers = []
    for entry in entries:
        name, sep, url = entry.partition("=")
        if not sep or name.startswith(("http://", "https://")):
            name, url = "", entry
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RuntimeError(f"TORZNAB_URLS: {url!r} is not an http(s) URL")
        if not name:
            segments = [s for s in parts.path.split("/") if s and s not in ("api", "torznab", "results", "v2.0")]
            name = parts.hostname + ("/" + segments[-1] if segments else "")
        indexers.append(Indexer(name.strip(), url))
    return indexers


@dataclass(frozen=True)
class Query:
    text: str | None = None
    imdb_id: str | None = None  # tt1234567
    season: int | None = None
    episode: int | None = None

    @property
    def is_tv(self) -> bool:
        return self.season is not None or self.episode is not None


def query_url(indexer: Indexer, query: Query, caps: dict | None) -> str:
    """The search URL: ``tvsearch`` for an episode, ``movie`` for an IMDb id, else ``search``;
    an IMDb id the indexer cannot search by goes into the text query instead."""
    params: dict[str, str] = {}
    imdb_digits = query.imdb_id[2:] if query.imdb_id else None
    if query.is_tv:
        mode = "tvsearch"
    elif query.imdb_id:
        mode = "movie"
    else:
        mode = "search"
    supported = (caps or {}).get(mode)
    if supported is None and mode != "search" and caps is not None:
        mode, supported = "search", caps.get("search")
    params["t"] = mode
    text = query.text
    if imdb_digits:
        if supported is not None and "imdbid" in supported:
            params["imdbid"] = imdb_digits
        else:
            text = " ".join(filter(None, [text, query.imdb_id]))
    if text:
        params["q"] = text
    if mode == "tvsearch":
        if query.season is not None:
            params["season"] = str(query.season)
        if query.episode is not None:
            params["ep"] = str(query.episode)
    return _with_params(indexer.url, params)


def caps_url(indexer: Indexer) -> str:
    return _with_params(indexer.url, {"t": "caps"})


def _with_params(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    existing = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode(existing + list(params.items()))))


def _root(xml: bytes):
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        raise TorznabError(f"not Torznab XML ({type(exc).__name__})") from None
    if root.tag == "error":
        raise TorznabError(f"the indexer refused: {root.get('description') or root.get('code') or 'error'}"[:200])
    return root


def parse_caps(xml: bytes) -> dict[str, set[str]]:
    """Search mode -> the parameters it takes, for the modes the indexer offers."""
    root = _root(xml)
    searching = root.find("searching")
    if root.tag != "caps" or searching is None:
        raise TorznabError("not a Torznab caps document")
    modes = {}
    for element in searching:
        if element.get("available", "no").lower() == "yes":
            name = {"tv-search": "tvsearch", "movie-search": "movie"}.get(element.tag, element.tag)
            modes[name] = {p.strip() for p in (element.get("supportedParams") or "q").split(",") if p.strip()}
    return modes


def _int(text: str | None) -> int | None:
    if text is None or not re.fullmatch(r"\s*\d{1,18}\s*", text):
        return None
    return int(text)


def parse_results(xml: bytes, indexer_name: str) -> list[Release]:
    root = _root(xml)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise TorznabError("not a Torznab RSS feed")
    releases = []
    for item in channel.findall("item")[:MAX_ITEMS]:
        release = _release(item, indexer_name)
        if release is not None:
            releases.append(release)
    return releases


def _release(item, indexer_name: str) -> Release | None:
    attrs = {a.get("name", "").lower(): a.get("value") for a in item.findall(f"{TORZNAB_NS}attr")}
    title = (item.findtext("title") or "").strip()[:500]
    enclosure = item.find("enclosure")
    links = [attrs.get("magneturl"), enclosure.get("url") if enclosure is not None else None, item.findtext("link")]
    magnet_source: TorrentSource | None = None
    for link in links:
        if link and link.strip().lower().startswith("magnet:"):
            try:
                magnet_source = parse_magnet(link.strip())
                break
            except MagnetError:
                continue
    info_hash = None
    if attrs.get("infohash"):
        try:
            info_hash = normalise_info_hash(attrs["infohash"])
        except MagnetError:
            info_hash = None
    if info_hash is None and magnet_source is not None:
        info_hash = magnet_source.info_hash
    if info_hash is None or not title:
        return None  # nothing we could stream
    if magnet_source is None or magnet_source.info_hash != info_hash:
        magnet_source = TorrentSource(info_hash, title[:255])
    elif not magnet_source.name:
        magnet_source = TorrentSource(info_hash, title[:255], magnet_source.trackers, magnet_source.peers)
    size = _int(item.findtext("size")) or _int(attrs.get("size")) or (
        _int(enclosure.get("length")) if enclosure is not None else None)
    seeders = _int(attrs.get("seeders")) or 0
    peers = _int(attrs.get("peers"))
    leechers = _int(attrs.get("leechers"))
    if leechers is None:
        leechers = max(0, (peers or 0) - seeders)
    return Release(title=title, info_hash=info_hash, magnet=magnet_source.magnet(), size=size, seeders=seeders,
                   leechers=leechers, indexers=(indexer_name,), published_at=(item.findtext("pubDate") or None))
