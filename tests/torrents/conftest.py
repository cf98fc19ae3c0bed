"""Torrent fixtures: a seeder on 127.0.0.1, the real web process and the worker that fetches
metadata, and asking for a stream as a client does."""
from __future__ import annotations

import os

import pytest
import requests

from tests.support.swarm import Seeder


@pytest.fixture(scope="module")
def seeder():
    swarm = Seeder()
    swarm.wait_listening()
    yield swarm
    swarm.close()


@pytest.fixture
def stack(live_server, celery_worker):
    """The web process (which serves the stream routes when no streamer is set) and the worker
    on the torrents queue."""
    return live_server


@pytest.fixture
def start_stream(stack, user_headers):
    def start(expect: int = 200, headers: dict | None = None, **body) -> dict:
        answer = requests.post(f"{stack.url}/api/v1/torrents/stream", json=body,
                               headers=user_headers if headers is None else headers, timeout=60)
        assert answer.status_code == expect, answer.text
        return answer.json()["data"] if expect == 200 else answer.json()["error"]

    return start


def random_bytes(size: int) -> bytes:
    return os.urandom(size)
