"""POST /api/v1/torrents/stream from a magnet or an info-hash, then Range reads of the file from a
real local swarm: every byte served is the source's, from hash-checked pieces only."""
from __future__ import annotations

import time

import pytest
import requests

from tests.torrents.conftest import random_bytes

PIECE = 64 * 1024


@pytest.fixture(scope="module")
def movie(seeder):
    """A 3 MiB "movie" of random bytes (no zero run to hide a gap), an .nfo beside it."""
    return seeder.seed("Test Movie (2024)", {"Test.Movie.2024.mp4": random_bytes(3 * 1024 * 1024 + 12345),
                                             "Test.Movie.2024.nfo": b"release notes"}, piece_length=PIECE)


def test_magnet_in_stream_url_out_and_range_reads_equal_the_source(start_stream, movie):
    ready = start_stream(magnet=movie.magnet)
    source = movie.content("Test.Movie.2024.mp4")
    assert ready["status"] == "STREAM_READY"
    assert ready["infoHash"] == movie.info_hash
    assert ready["name"] == "Test Movie (2024)"
    assert ready["videoFile"] == "Test.Movie.2024.mp4"
    assert ready["size"] == len(source)
    assert ready["mimeType"] == "video/mp4"
    assert [f["kind"] for f in ready["files"]] == ["video", "other"]
    url = ready["streamUrl"]

    head = requests.head(url, timeout=10)
    assert head.status_code == 200
    assert head.headers["Accept-Ranges"] == "bytes"
    assert int(head.headers["Content-Length"]) == len(source)
    assert head.headers["Content-Type"] == "video/mp4"

    for start, end in [(0, 999), (len(source) - 5000, len(source) - 1), (PIECE - 10, 3 * PIECE + 10),
                       (len(source) // 2, len(source) // 2 + 200_000)]:
        part = requests.get(url, headers={"Range": f"bytes={start}-{end}"}, timeout=30)
        assert part.status_code == 206, part.text
        assert part.headers["Content-Range"] == f"bytes {start}-{end}/{len(source)}"
        assert part.content == source[start:end + 1]

    suffix = requests.get(url, headers={"Range": "bytes=-100"}, timeout=30)
    assert suffix.status_code == 206 and suffix.content == source[-100:]

    whole = requests.get(url, timeout=60)
    assert whole.status_code == 200
    assert whole.content == source


def test_a_range_past_the_end_is_416_with_the_size(start_stream, movie):
    ready = start_stream(magnet=movie.magnet)
    answer = requests.get(ready["streamUrl"], headers={"Range": f"bytes={ready['size']}-"}, timeout=10)
    assert answer.status_code == 416
    assert answer.headers["Content-Range"] == f"bytes */{ready['size']}"


def test_the_metadata_is_stored_once_and_an_info_hash_alone_then_streams(app, start_stream, movie):
    from app.extensions import redis
    from app.platform.metrics import celery_outcomes_key

    start_stream(magnet=movie.magnet)
    with app.app_context():
        fetched = int(redis.client.hget(celery_outcomes_key(), "workers.torrents.fetch_metadata|success") or 0)
    ready = start_stream(infoHash=movie.info_hash.upper())
    with app.app_context():
        assert int(redis.client.hget(celery_outcomes_key(), "workers.torrents.fetch_metadata|success") or 0) == fetched
    assert ready["infoHash"] == movie.info_hash
    part = requests.get(ready["streamUrl"], headers={"Range": "bytes=100-199"}, timeout=30)
    assert part.content == movie.content("Test.Movie.2024.mp4")[100:200]


def test_the_stream_url_needs_its_own_valid_token(start_stream, movie, seeder):
    ready = start_stream(magnet=movie.magnet)
    url = ready["streamUrl"]
    bare = url.split("?")[0]
    refused = requests.get(bare, timeout=10)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "STREAM_TOKEN_INVALID"
    tampered = requests.get(url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB"), timeout=10)
    assert tampered.status_code == 403
    other = seeder.seed("other.mp4", {"other.mp4": random_bytes(200_000)})
    other_ready = start_stream(magnet=other.magnet)
    query = other_ready["streamUrl"].split("?")[1]
    assert requests.get(f"{bare}?{query}", timeout=10).status_code == 403


def test_asking_needs_a_signed_in_user(start_stream, movie):
    error = start_stream(expect=401, headers={}, magnet=movie.magnet)
    assert error["code"] == "AUTHENTICATION_ERROR"


@pytest.mark.parametrize("body, field", [
    ({"magnet": "magnet:?xt=urn:btih:1234"}, "magnet"),
    ({"magnet": "http://example.com/a.torrent"}, "magnet"),
    ({"infoHash": "zz" * 20}, "infoHash"),
])
def test_a_malformed_magnet_or_hash_is_400_naming_the_field(start_stream, body, field):
    error = start_stream(expect=400, **body)
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["details"]["fields"]


def test_neither_magnet_nor_hash_is_refused(start_stream):
    error = start_stream(expect=422)
    assert error["code"] == "VALIDATION_ERROR" and "magnet" in error["details"]["fields"]


def test_a_torrent_without_video_is_422_no_video_file(start_stream, seeder):
    docs = seeder.seed("Just Docs", {"readme.txt": b"hello", "cover.jpg": random_bytes(1000)})
    error = start_stream(expect=422, magnet=docs.magnet)
    assert error["code"] == "NO_VIDEO_FILE"


def test_a_file_index_that_does_not_exist_is_400(start_stream, movie):
    error = start_stream(expect=400, magnet=movie.magnet, fileIndex=7)
    assert error["code"] == "VALIDATION_ERROR" and "fileIndex" in error["details"]["fields"]


def test_no_peer_answering_is_503_no_seeds(start_stream):
    from config.redis_server import free_port

    started = time.monotonic()
    error = start_stream(expect=503, magnet=f"magnet:?xt=urn:btih:{'ab' * 20}&x.pe=127.0.0.1:{free_port()}")
    assert error["code"] == "NO_SEEDS"
    assert time.monotonic() - started < 15


def test_peers_without_the_metadata_is_504_metadata_timeout(start_stream):
    """A peer that answers but has no metadata itself (another leecher)."""
    import libtorrent as lt

    from tests.support.swarm import LOCAL_ONLY

    leecher = lt.session(LOCAL_ONLY)
    params = lt.parse_magnet_uri(f"magnet:?xt=urn:btih:{'cd' * 20}")
    params.save_path = "/tmp"
    leecher.add_torrent(params)
    time.sleep(0.2)
    error = start_stream(expect=504, magnet=f"magnet:?xt=urn:btih:{'cd' * 20}&x.pe=127.0.0.1:{leecher.listen_port()}")
    assert error["code"] == "METADATA_TIMEOUT"
    assert error["details"]["timeoutSeconds"] == 5


@pytest.fixture(scope="module")
def slow_seeder():
    from tests.support.swarm import Seeder

    swarm = Seeder(upload_limit=1024 * 1024)  # 1 MB/s: the whole file takes ~10 s
    swarm.wait_listening()
    yield swarm
    swarm.close()


def test_a_seek_far_ahead_answers_before_the_download_gets_there(start_stream, slow_seeder):
    movie = slow_seeder.seed("Long.Movie.mp4", {"Long.Movie.mp4": random_bytes(10 * 1024 * 1024)},
                             piece_length=256 * 1024)
    source = movie.content("Long.Movie.mp4")
    ready = start_stream(magnet=movie.magnet)
    first = requests.get(ready["streamUrl"], headers={"Range": "bytes=0-65535"}, timeout=30)
    assert first.content == source[:65536]
    at = int(len(source) * 0.8)
    started = time.monotonic()
    seek = requests.get(ready["streamUrl"], headers={"Range": f"bytes={at}-{at + 65535}"}, timeout=30)
    took = time.monotonic() - started
    assert seek.status_code == 206 and seek.content == source[at:at + 65536]
    # sequentially, 80 % of the file at 1 MB/s is 8 s away; a deadline brings it in a piece's time
    assert took < 4, f"the seek took {took:.2f}s"


def test_no_zero_byte_is_ever_served_while_pieces_arrive(start_stream):
    """Reads all over a file that is still downloading: a byte libtorrent has not verified (or
    not yet written) would show as zero, and the source has none."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.support.swarm import Seeder

    own = Seeder(upload_limit=2 * 1024 * 1024)  # its own: no other stream shares its rate
    own.wait_listening()
    try:
        _read_everywhere(start_stream, own, ThreadPoolExecutor)
    finally:
        own.close()


def _read_everywhere(start_stream, seeder, ThreadPoolExecutor):
    source = random_bytes(4 * 1024 * 1024).replace(b"\0", b"\1")
    movie = seeder.seed("NoZeros.mp4", {"NoZeros.mp4": source}, piece_length=128 * 1024)
    ready = start_stream(magnet=movie.magnet)
    ranges = [(at, at + 99_999) for at in range(0, len(source) - 100_000, len(source) // 12)]

    def read(span):
        answer = requests.get(ready["streamUrl"], headers={"Range": f"bytes={span[0]}-{span[1]}"}, timeout=60)
        return span, answer.status_code, answer.content

    with ThreadPoolExecutor(6) as pool:
        for (start, end), status, content in pool.map(read, ranges):
            assert status == 206
            assert b"\0" not in content
            assert content == source[start:end + 1]


def test_the_next_episode_of_a_pack_streams_after_the_first_finished(start_stream, seeder):
    """A torrent whose wanted file is complete is "finished"; wanting another file must not wait
    for the seed to come back."""
    pack = seeder.seed("Show.S01", {"Show.S01E01.mp4": random_bytes(600_000), "Show.S01E02.mp4": random_bytes(700_000)})
    first = start_stream(magnet=pack.magnet, season=1, episode=1)
    assert first["videoFile"] == "Show.S01E01.mp4"
    assert requests.get(first["streamUrl"], timeout=30).content == pack.content("Show.S01E01.mp4")
    time.sleep(1.5)  # let it settle as finished
    second = start_stream(infoHash=pack.info_hash, season=1, episode=2)
    assert second["videoFile"] == "Show.S01E02.mp4" and second["fileIndex"] == 1
    started = time.monotonic()
    assert requests.get(second["streamUrl"], timeout=30).content == pack.content("Show.S01E02.mp4")
    assert time.monotonic() - started < 10


def _phases(header: str) -> dict[str, float]:
    phases = {}
    for part in header.split(","):
        name, _, duration = part.strip().partition(";dur=")
        phases[name] = float(duration)
    return phases


def test_server_timing_shows_each_phase_of_the_first_byte(stack, seeder, user_headers):
    """Where the time to first byte goes, for browsers' developer tools and the benchmark: the
    queue, the metadata fetch and the hand-over on POST, the wait for the first verified piece
    on the bytes."""
    movie = seeder.seed("Timed.mp4", {"Timed.mp4": random_bytes(700_000)}, piece_length=PIECE)
    asked = time.monotonic()
    answer = requests.post(f"{stack.url}/api/v1/torrents/stream", json={"magnet": movie.magnet},
                           headers=user_headers, timeout=60)
    took_ms = (time.monotonic() - asked) * 1000
    assert answer.status_code == 200, answer.text
    phases = _phases(answer.headers["Server-Timing"])
    assert set(phases) == {"queue", "metadata", "streamer"}
    assert all(0 <= ms <= took_ms for ms in phases.values()) and sum(phases.values()) <= took_ms + 50
    assert phases["metadata"] > 0  # the worker really fetched it
    again = requests.post(f"{stack.url}/api/v1/torrents/stream", json={"magnet": movie.magnet},
                          headers=user_headers, timeout=60)
    assert set(_phases(again.headers["Server-Timing"])) == {"streamer"}  # stored: no task at all
    part = requests.get(again.json()["data"]["streamUrl"], headers={"Range": "bytes=0-99"}, timeout=30)
    assert part.status_code == 206 and part.content == movie.content("Timed.mp4")[:100]
    assert set(_phases(part.headers["Server-Timing"])) == {"piece"}
