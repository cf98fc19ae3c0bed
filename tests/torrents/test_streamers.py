"""The streamer processes: the web process routes each torrent to one streamer by rendezvous
hashing, asks it to start the stream, and hands out a signed URL on that streamer."""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from app.torrents.routing import Streamer, pick
from tests.support.processes import ServerProcess
from tests.torrents.conftest import random_bytes

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def cluster(app, test_env, tmp_path_factory):
    """Two streamers, each with its own download directory, and a web process routing to them."""
    streamers = []
    for n in range(2):
        directory = tmp_path_factory.mktemp(f"streamer{n}")
        server = ServerProcess(test_env, {"PROCESS_ROLE": "streamer", "TORRENT_DOWNLOAD_DIR": str(directory)})
        server.start()
        server.download_dir = directory
        streamers.append(server)
    web = ServerProcess(test_env, {"STREAMERS": ",".join(s.url for s in streamers),
                                   "TORRENT_DOWNLOAD_DIR": str(tmp_path_factory.mktemp("web-torrents"))})
    web.start()
    yield web, streamers
    for server in (web, *streamers):
        server.stop()


@pytest.fixture
def ask(cluster, celery_worker, user_headers):
    web, _ = cluster

    def ask(expect: int = 200, **body):
        answer = requests.post(f"{web.url}/api/v1/torrents/stream", json=body, headers=user_headers, timeout=60)
        assert answer.status_code == expect, answer.text
        return answer.json()["data" if expect == 200 else "error"]

    return ask


def test_each_torrent_streams_from_the_streamer_its_hash_picks(cluster, ask, seeder):
    web, streamers = cluster
    nodes = [Streamer(s.url, s.url) for s in streamers]
    used = set()
    for n in range(4):
        movie = seeder.seed(f"Routed{n}.mp4", {f"Routed{n}.mp4": random_bytes(400_000)})
        ready = ask(magnet=movie.magnet)
        expected = pick(movie.info_hash, nodes).public_url
        assert ready["streamUrl"].startswith(f"{expected}/api/v1/torrents/stream/{movie.info_hash}/0?")
        used.add(expected)
        assert requests.get(ready["streamUrl"], timeout=30).content == movie.content(f"Routed{n}.mp4")
        owner = next(s for s in streamers if s.url == expected)
        other = next(s for s in streamers if s.url != expected)
        assert (Path(owner.download_dir) / movie.info_hash).exists()
        assert not (Path(other.download_dir) / movie.info_hash).exists()
        assert ask(infoHash=movie.info_hash)["streamUrl"].startswith(expected)  # the same streamer again


def test_a_stream_url_that_reaches_the_web_process_is_sent_to_its_streamer(cluster, ask, seeder):
    web, _ = cluster
    movie = seeder.seed("Redirected.mp4", {"Redirected.mp4": random_bytes(300_000)})
    ready = ask(magnet=movie.magnet)
    parts = urlsplit(ready["streamUrl"])
    on_web = f"{web.url}{parts.path}?{parts.query}"
    answer = requests.get(on_web, headers={"Range": "bytes=0-99"}, allow_redirects=False, timeout=10)
    assert answer.status_code == 307 and answer.headers["Location"] == ready["streamUrl"]
    followed = requests.get(on_web, headers={"Range": "bytes=0-99"}, timeout=30)
    assert followed.status_code == 206 and followed.content == movie.content("Redirected.mp4")[:100]


def test_status_and_stop_through_the_web_process(cluster, ask, seeder, user_headers):
    web, streamers = cluster
    movie = seeder.seed("Remote.mp4", {"Remote.mp4": random_bytes(MiB)})
    ready = ask(magnet=movie.magnet)
    requests.get(ready["streamUrl"], timeout=30)
    status_url = f"{web.url}/api/v1/torrents/stream/{movie.info_hash}/status"
    deadline, status = time.monotonic() + 10, {}
    # written once a second by the streamer: wait for a report made after the read
    while (status.get("progress") != 100.0 or status.get("timeToFirstByte") is None) and time.monotonic() < deadline:
        time.sleep(0.3)
        status = requests.get(status_url, headers=user_headers, timeout=10).json()["data"]
    assert status["progress"] == 100.0 and status["timeToFirstByte"] is not None
    owner = next(s for s in streamers if ready["streamUrl"].startswith(s.url))
    stopped = requests.delete(f"{web.url}/api/v1/torrents/stream/{movie.info_hash}", headers=user_headers, timeout=10)
    assert stopped.status_code == 200
    assert not (Path(owner.download_dir) / movie.info_hash).exists()
    after = requests.get(status_url, headers=user_headers, timeout=10).json()["data"]
    assert (after["state"], after["stoppedBecause"]) == ("stopped", "deleted")


def test_the_streamer_serves_only_stream_routes_and_its_controls_need_the_service_key(cluster, service_headers):
    _, streamers = cluster
    streamer = streamers[0]
    assert requests.post(f"{streamer.url}/api/v1/torrents/stream", json={"infoHash": "a" * 40},
                         timeout=10).status_code == 404
    control = f"{streamer.url}/api/v1/torrents/streamer/streams/{'a' * 40}"
    assert requests.put(control, json={"fileIndex": 0}, timeout=10).status_code == 401
    unknown = requests.put(control, json={"fileIndex": 0}, headers=service_headers, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "STREAM_NOT_FOUND"
    bad = requests.put(control, json={"fileIndex": "x"}, headers=service_headers, timeout=10)
    assert bad.status_code == 422 and "fileIndex" in bad.json()["error"]["details"]["fields"]
    assert requests.get(f"{streamer.url}/health", timeout=10).status_code == 200


def test_a_streamer_that_does_not_answer_is_502_stream_failed(app, test_env, celery_worker, seeder, user_headers,
                                                              tmp_path):
    from config.redis_server import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    web = ServerProcess(test_env, {"STREAMERS": dead, "TORRENT_DOWNLOAD_DIR": str(tmp_path)})
    web.start()
    try:
        movie = seeder.seed("Nowhere.mp4", {"Nowhere.mp4": random_bytes(100_000)})
        answer = requests.post(f"{web.url}/api/v1/torrents/stream", json={"magnet": movie.magnet},
                               headers=user_headers, timeout=60)
        assert answer.status_code == 502
        error = answer.json()["error"]
        assert error["code"] == "STREAM_FAILED" and error["details"]["streamer"] == dead
    finally:
        web.stop()
