"""Torznab search through a local indexer speaking the protocol: caps, search, tvsearch, movie,
one indexer timing out, one answering garbage, one refusing its key."""
from __future__ import annotations

import time

import pytest

from tests.support.torznab import TorznabServer, item

H1, H2, H3, H4 = "a" * 40, "b" * 40, "c" * 40, "d" * 40


@pytest.fixture(scope="module")
def indexers():
    server = TorznabServer({
        "alpha": [item("Big.Movie.2024.1080p.BluRay.x264-GRP", H1, 50, 60, 8_000_000_000),
                  item("Big.Movie.2024.HDCAM.x264", H2, 900, 950, 1_000_000_000),
                  item("Big Movie 2024 2160p WEB-DL HEVC", H3, 40, 41, 20_000_000_000, magnet=False)],
        "beta": [item("Big.Movie.2024.1080p.BluRay.x264-GRP", H1, 70, 75, 8_000_000_000, infohash_attr=False),
                 item("Big.Movie.2024.720p.WEB.x265", H4, 0, 3, 2_000_000_000),
                 item("No hash at all", "", 5, 5, 10, magnet=False, infohash_attr=False)],
        "slow": [item("Slow.Result.1080p", "e" * 40, 1000, 1000, 1)],
    }, slow_seconds=3)
    yield server
    server.stop()


@pytest.fixture
def configured(app, indexers):
    def configure(*names: str, timeout: float = 1.5):
        app.config["TORZNAB_URLS"] = [f"{name}={indexers.url(name)}" for name in names]
        app.config["TORZNAB_TIMEOUT"] = timeout
        indexers.requests.clear()

    saved = (app.config["TORZNAB_URLS"], app.config["TORZNAB_TIMEOUT"])
    yield configure
    app.config["TORZNAB_URLS"], app.config["TORZNAB_TIMEOUT"] = saved


def test_results_are_normalised_merged_by_hash_and_best_first(client, user_headers, configured, indexers):
    configured("alpha", "beta")
    answer = client.get("/api/v1/torrents/search?query=Big%20Movie", headers=user_headers)
    assert answer.status_code == 200, answer.json
    data = answer.json["data"]
    assert data["failedIndexers"] == [] and data["total"] == 4
    hashes = [r["infoHash"] for r in data["results"]]
    # seeded real releases by seeders; the camera copy after them however seeded; the unseeded last
    assert hashes == [H1, H3, H2, H4]
    best = data["results"][0]
    assert best["seeders"] == 70 and best["leechers"] == 5  # the higher report of the two indexers
    assert sorted(best["indexers"]) == ["alpha", "beta"]
    assert (best["quality"], best["codec"], best["size"]) == ("1080p", "H.264", 8_000_000_000)
    assert best["magnet"].startswith(f"magnet:?xt=urn:btih:{H1}") and "tr=udp" in best["magnet"]
    uhd = data["results"][1]
    assert (uhd["quality"], uhd["codec"]) == ("2160p", "HEVC")
    assert uhd["magnet"].startswith(f"magnet:?xt=urn:btih:{H3}")  # built from the hash: the link was a .torrent
    assert data["results"][2]["quality"] == "CAM"
    assert {(i, p["t"], p.get("q")) for i, p in indexers.requests} == {("alpha", "search", "Big Movie"),
                                                                         ("beta", "search", "Big Movie")}


def test_an_episode_uses_tvsearch_where_the_indexer_offers_it(client, user_headers, configured, indexers):
    configured("alpha", "beta")
    answer = client.get("/api/v1/torrents/search?query=Show&season=1&episode=2", headers=user_headers)
    assert answer.status_code == 200
    searches = {i: p for i, p in indexers.requests if p["t"] != "caps"}
    assert searches["alpha"] == {"apikey": "secret", "t": "tvsearch", "q": "Show", "season": "1", "ep": "2"}
    assert searches["beta"] == {"apikey": "secret", "t": "search", "q": "Show"}  # no tv-search in its caps
    # caps are asked once and remembered
    configured("alpha", "beta")
    client.get("/api/v1/torrents/search?query=Show&season=1&episode=3", headers=user_headers)
    assert not [p for _, p in indexers.requests if p["t"] == "caps"]


def test_an_imdb_id_uses_movie_search_by_id_or_the_text_query(client, user_headers, configured, indexers):
    configured("alpha", "beta")
    assert client.get("/api/v1/torrents/search?imdbId=tt0111161", headers=user_headers).status_code == 200
    searches = {i: p for i, p in indexers.requests if p["t"] != "caps"}
    assert searches["alpha"] == {"apikey": "secret", "t": "movie", "imdbid": "0111161"}
    assert searches["beta"] == {"apikey": "secret", "t": "search", "q": "tt0111161"}


def test_failing_indexers_are_named_and_the_others_still_answer(client, user_headers, configured):
    configured("alpha", "slow", "garbage", "refusing", timeout=1.0)
    started = time.monotonic()
    answer = client.get("/api/v1/torrents/search?query=Big", headers=user_headers)
    assert time.monotonic() - started < 2.5  # the slow indexer is not waited for
    assert answer.status_code == 200
    data = answer.json["data"]
    assert len(data["results"]) == 3
    failed = {f["indexer"]: f["reason"] for f in data["failedIndexers"]}
    assert set(failed) == {"slow", "garbage", "refusing"}
    assert failed["garbage"].startswith("not") and "Torznab" in failed["garbage"] and "Invalid API Key" in failed["refusing"]


def test_search_failed_only_when_every_indexer_failed(client, user_headers, configured):
    configured("garbage", "refusing")
    answer = client.get("/api/v1/torrents/search?query=Big", headers=user_headers)
    assert answer.status_code == 502
    error = answer.json["error"]
    assert error["code"] == "SEARCH_FAILED"
    assert sorted(f["indexer"] for f in error["details"]["failed"]) == ["garbage", "refusing"]


def test_search_needs_a_user_and_something_to_search(client, user_headers, configured):
    configured("alpha")
    assert client.get("/api/v1/torrents/search?query=x").status_code == 401
    missing = client.get("/api/v1/torrents/search", headers=user_headers)
    assert missing.status_code == 422 and "query" in missing.json["error"]["details"]["fields"]
    bad = client.get("/api/v1/torrents/search?imdbId=0111161", headers=user_headers)
    assert bad.status_code == 422 and "imdbId" in bad.json["error"]["details"]["fields"]


def test_no_indexer_configured_is_503(client, user_headers, configured):
    configured()
    answer = client.get("/api/v1/torrents/search?query=x", headers=user_headers)
    assert answer.status_code == 503 and answer.json["error"]["code"] == "SEARCH_UNAVAILABLE"


def test_the_original_path_answers_the_same(client, user_headers, configured):
    configured("alpha")
    original = client.get("/api/search?query=Big", headers=user_headers)
    assert original.status_code == 200
    assert [r["infoHash"] for r in original.json["data"]["results"]] == [H1, H3, H2]
    assert client.get("/api/search?query=Big").status_code == 401


def test_hostile_xml_is_refused_not_expanded():
    from app.torrents.torznab import TorznabError, parse_results

    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
    <rss><channel><item><title>&lol2;</title></item></channel></rss>"""
    with pytest.raises(TorznabError):
        parse_results(bomb, "x")
    external = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>"""
    with pytest.raises(TorznabError):
        parse_results(external, "x")


@pytest.mark.parametrize("title, quality, codec", [
    ("Movie.2019.2160p.UHD.BluRay.x265-X", "2160p", "HEVC"),
    ("Movie (2019) [1080p] [WEBRip] [5.1] [YTS.MX]", "1080p", None),
    ("Movie.2019.720p.HDTV.H.264", "720p", "H.264"),
    ("Movie 2019 DVDRip XviD", "480p", "XviD"),
    ("Movie.2019.HDTS.AV1", "CAM", "AV1"),
    ("Movie 2019", None, None),
])
def test_quality_and_codec_are_guessed_from_the_title(title, quality, codec):
    from app.torrents.releases import guess_codec, guess_quality

    assert (guess_quality(title), guess_codec(title)) == (quality, codec)
