"""The original streaming server's paths answer as it did (inside the envelope): /api/health,
/api/stream, /api/stream/{infoHash}[/status]; every one but /api/health needs a user."""
from __future__ import annotations

from urllib.parse import urlsplit

import requests

from tests.torrents.conftest import random_bytes


def test_api_health_answers_without_sign_in(stack):
    answer = requests.get(f"{stack.url}/api/health", timeout=10)
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert data["status"] == "ok" and data["service"] == "marquee-torrents"
    assert data["streamers"] == 0 and "timestamp" in data


def test_the_original_stream_paths_start_report_serve_and_stop(stack, seeder, user_headers):
    movie = seeder.seed("Original.mp4", {"Original.mp4": random_bytes(500_000)})
    assert requests.post(f"{stack.url}/api/stream", json={"magnet": movie.magnet}, timeout=10).status_code == 401
    answer = requests.post(f"{stack.url}/api/stream", json={"magnet": movie.magnet}, headers=user_headers, timeout=60)
    assert answer.status_code == 200, answer.text
    ready = answer.json()["data"]
    assert {"status", "streamUrl", "infoHash", "name", "videoFile", "size"} <= set(ready)
    assert ready["status"] == "STREAM_READY" and ready["size"] == 500_000
    # the same signed token opens the bytes under the original path too
    parts = urlsplit(ready["streamUrl"])
    original = f"{stack.url}/api/stream/{movie.info_hash}/0?{parts.query}"
    part = requests.get(original, headers={"Range": "bytes=0-9"}, timeout=30)
    assert part.status_code == 206 and part.content == movie.content("Original.mp4")[:10]
    assert requests.get(f"{stack.url}/api/stream/{movie.info_hash}/0", timeout=10).status_code == 403
    status = requests.get(f"{stack.url}/api/stream/{movie.info_hash}/status", headers=user_headers, timeout=10)
    assert status.status_code == 200 and status.json()["data"]["infoHash"] == movie.info_hash
    assert requests.get(f"{stack.url}/api/stream/{movie.info_hash}/status", timeout=10).status_code == 401
    stopped = requests.delete(f"{stack.url}/api/stream/{movie.info_hash}", headers=user_headers, timeout=10)
    assert stopped.status_code == 200 and stopped.json()["data"]["stopped"] is True


def test_the_service_key_may_start_a_stream(stack, seeder, service_headers):
    movie = seeder.seed("Service.mp4", {"Service.mp4": random_bytes(100_000)})
    answer = requests.post(f"{stack.url}/api/v1/torrents/stream", json={"magnet": movie.magnet},
                           headers=service_headers, timeout=60)
    assert answer.status_code == 200 and answer.json()["data"]["status"] == "STREAM_READY"
