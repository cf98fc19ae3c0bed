"""A streamer restart resumes its streams from the stored metadata and libtorrent's resume data:
no metadata fetched again, no verified piece downloaded again."""
from __future__ import annotations

import time

import requests

from tests.support.processes import ServerProcess
from tests.support.swarm import Seeder
from tests.torrents.conftest import random_bytes


def _fetches(app) -> int:
    from app.extensions import redis
    from app.platform.metrics import celery_outcomes_key

    with app.app_context():
        return int(redis.client.hget(celery_outcomes_key(), "workers.torrents.fetch_metadata|success") or 0)


def test_a_restarted_streamer_resumes_its_streams_and_serves_them_from_disk(app, test_env, celery_worker,
                                                                            user_headers, tmp_path_factory):
    streamer_env = {"PROCESS_ROLE": "streamer", "TORRENT_DOWNLOAD_DIR": str(tmp_path_factory.mktemp("resume"))}
    streamer = ServerProcess(test_env, streamer_env)
    streamer.start()
    web = ServerProcess(test_env, {"STREAMERS": streamer.url,
                                   "TORRENT_DOWNLOAD_DIR": str(tmp_path_factory.mktemp("resume-web"))})
    web.start()
    seeder = Seeder()
    seeder.wait_listening()
    restarted = None
    try:
        source = random_bytes(2 * 1024 * 1024)
        movie = seeder.seed("Resumed.mp4", {"Resumed.mp4": source})
        ready = requests.post(f"{web.url}/api/v1/torrents/stream", json={"magnet": movie.magnet},
                              headers=user_headers, timeout=60).json()["data"]
        assert requests.get(ready["streamUrl"], timeout=30).content == source
        status_url = f"{web.url}/api/v1/torrents/stream/{movie.info_hash}/status"
        assert _wait_for_state(status_url, user_headers, "complete")
        fetched = _fetches(app)

        streamer.stop()  # SIGTERM: a graceful stop, as a deploy does
        seeder.close()  # the swarm is gone: whatever plays now comes from the streamer's disk
        seeder = None
        from app.extensions import redis
        from app.torrents import keys

        with app.app_context():
            redis.client.delete(keys.status(movie.info_hash))  # what the old process last wrote
        restarted = ServerProcess(test_env, streamer_env, port=streamer.port)
        restarted.start()
        # nobody asked for it again: it is back because the streamer resumed it at start
        assert _wait_for_state(status_url, user_headers, "complete")
        part = requests.get(ready["streamUrl"], headers={"Range": "bytes=1000000-1000999"}, timeout=30)
        assert part.status_code == 206 and part.content == source[1_000_000:1_001_000]
        assert _fetches(app) == fetched  # the metadata came from the database
    finally:
        for process in (restarted, web, streamer):
            if process is not None:
                process.stop()
        if seeder is not None:
            seeder.close()


def _wait_for_state(url: str, headers: dict, state: str, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = requests.get(url, headers=headers, timeout=10)
        if answer.status_code == 200 and answer.json()["data"]["state"] == state:
            return True
        time.sleep(0.3)
    return False
