"""A stream's life: its status and progress events, stop, the idle timeout, the disk budget, and
file names from a hostile torrent that must stay inside the download directory."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import requests
import socketio

from tests.support.processes import ServerProcess
from tests.support.swarm import Seeder
from tests.torrents.conftest import random_bytes

MiB = 1024 * 1024
BUDGET = 5 * MiB


@pytest.fixture(scope="module")
def tight_server(app, test_env, tmp_path_factory):
    """A web process whose streams idle out after 2 s and share a 5 MiB disk budget."""
    directory = tmp_path_factory.mktemp("tight-torrents")
    server = ServerProcess(test_env, {"TORRENT_IDLE_TIMEOUT": "2", "TORRENT_DISK_BUDGET": str(BUDGET),
                                      "TORRENT_DOWNLOAD_DIR": str(directory)})
    server.start()
    server.download_dir = directory
    yield server
    server.stop()


@pytest.fixture(scope="module")
def trickle():
    """A seeder that sends 128 KB/s: a read of a few MiB stays open for many seconds."""
    swarm = Seeder(upload_limit=128 * 1024)
    swarm.wait_listening()
    yield swarm
    swarm.close()


@pytest.fixture
def ask(tight_server, celery_worker, user_headers):
    def ask(expect: int = 200, **body):
        answer = requests.post(f"{tight_server.url}/api/v1/torrents/stream", json=body, headers=user_headers,
                               timeout=60)
        assert answer.status_code == expect, answer.text
        return answer.json()["data" if expect == 200 else "error"]

    return ask


def _status(server, headers, info_hash):
    answer = requests.get(f"{server.url}/api/v1/torrents/stream/{info_hash}/status", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def test_status_shows_progress_peers_the_piece_map_and_time_to_first_byte(stack, start_stream, seeder,
                                                                           user_headers):
    movie = seeder.seed("Status.mp4", {"Status.mp4": random_bytes(2 * MiB)})
    ready = start_stream(magnet=movie.magnet)
    assert requests.get(ready["streamUrl"], headers={"Range": "bytes=0-99"}, timeout=30).status_code == 206
    status = _status(stack, user_headers, movie.info_hash)
    assert status["infoHash"] == movie.info_hash and status["name"] == "Status.mp4"
    assert status["state"] in ("downloading", "complete")
    assert status["timeToFirstByte"] is not None and status["timeToFirstByte"] < 10
    assert status["size"] == 2 * MiB and status["fileIndexes"] == [0]
    assert status["playhead"] == {"fileIndex": 0, "position": 100, "piece": 0}
    assert status["pieceMap"]["firstPiece"] == 0 and status["pieceMap"]["pieces"].startswith("1")
    requests.get(ready["streamUrl"], timeout=30)
    deadline = time.monotonic() + 10
    while status["state"] != "complete" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = _status(stack, user_headers, movie.info_hash)
    assert status["state"] == "complete" and status["progress"] == 100.0 and status["downloaded"] == 2 * MiB
    assert status["seeds"] in (0, 1)  # a complete download may drop its seed


def test_status_of_an_unknown_torrent_is_404_and_it_needs_a_user(stack, user_headers):
    url = f"{stack.url}/api/v1/torrents/stream/{'e' * 40}/status"
    assert requests.get(url, timeout=10).status_code == 401
    answer = requests.get(url, headers=user_headers, timeout=10)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "STREAM_NOT_FOUND"
    assert requests.get(f"{stack.url}/api/v1/torrents/stream/not-a-hash/status", headers=user_headers,
                        timeout=10).status_code == 404


def test_the_user_who_asked_hears_torrent_progress(stack, start_stream, seeder, user, token_for):
    events, lock = [], threading.Lock()
    client = socketio.Client(reconnection=False)
    client.on("torrent_progress", lambda data: (lock.acquire(), events.append(data), lock.release()))
    client.connect(stack.url, auth={"token": token_for(user)}, transports=["websocket"], wait_timeout=10)
    try:
        movie = seeder.seed("Heard.mp4", {"Heard.mp4": random_bytes(MiB)})
        ready = start_stream(magnet=movie.magnet)
        requests.get(ready["streamUrl"], timeout=30)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with lock:
                if any(e["infoHash"] == movie.info_hash and e["progress"] == 100.0 for e in events):
                    break
            time.sleep(0.1)
        with lock:
            mine = [e for e in events if e["infoHash"] == movie.info_hash]
        assert mine and mine[-1]["progress"] == 100.0
        assert {"state", "downloadRate", "peers", "seeds", "pieceMap"} <= set(mine[-1])
    finally:
        client.disconnect()


def test_delete_stops_the_stream_and_deletes_its_files(tight_server, ask, seeder, user_headers):
    movie = seeder.seed("Deleted.mp4", {"Deleted.mp4": random_bytes(MiB)})
    ready = ask(magnet=movie.magnet)
    requests.get(ready["streamUrl"], timeout=30)
    directory = Path(tight_server.download_dir) / movie.info_hash
    assert (directory / "Deleted.mp4").exists()
    url = f"{tight_server.url}/api/v1/torrents/stream/{movie.info_hash}"
    assert requests.delete(url, timeout=10).status_code == 401
    answer = requests.delete(url, headers=user_headers, timeout=10)
    assert answer.status_code == 200 and answer.json()["data"] == {"infoHash": movie.info_hash, "stopped": True}
    assert not directory.exists()
    assert _status(tight_server, user_headers, movie.info_hash)["stoppedBecause"] == "deleted"
    again = requests.delete(url, headers=user_headers, timeout=10)
    assert again.status_code == 404 and again.json()["error"]["code"] == "STREAM_NOT_FOUND"


def test_a_stream_nobody_reads_stops_after_the_idle_timeout_and_plays_again_from_its_url(
        tight_server, ask, seeder, user_headers):
    movie = seeder.seed("Idle.mp4", {"Idle.mp4": random_bytes(MiB)})
    ready = ask(magnet=movie.magnet)
    requests.get(ready["streamUrl"], headers={"Range": "bytes=0-9"}, timeout=30)
    directory = Path(tight_server.download_dir) / movie.info_hash
    deadline = time.monotonic() + 10
    while directory.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not directory.exists()
    status = _status(tight_server, user_headers, movie.info_hash)
    assert (status["state"], status["stoppedBecause"]) == ("stopped", "idle")
    # the signed URL still plays: the streamer starts it again from the stored metadata
    part = requests.get(ready["streamUrl"], headers={"Range": "bytes=10-19"}, timeout=30)
    assert part.status_code == 206 and part.content == movie.content("Idle.mp4")[10:20]


def test_the_disk_budget_evicts_idle_streams_and_refuses_when_nothing_can_go(tight_server, ask, seeder, trickle,
                                                                             user_headers):
    first = seeder.seed("First.mp4", {"First.mp4": random_bytes(3 * MiB)})
    ask(magnet=first.magnet)
    # a second 3 MiB stream does not fit beside the first, which nobody reads: the first goes
    slow = trickle.seed("Slow.mp4", {"Slow.mp4": random_bytes(3 * MiB)})
    ready = ask(magnet=slow.magnet)
    assert _status(tight_server, user_headers, first.info_hash)["stoppedBecause"] == "evicted"
    # while the slow one is being read, a third cannot take its room
    reading = requests.get(ready["streamUrl"], stream=True, timeout=30)
    try:
        next(reading.iter_content(1024))
        third = seeder.seed("Third.mp4", {"Third.mp4": random_bytes(3 * MiB)})
        error = ask(expect=507, magnet=third.magnet)
        assert error["code"] == "DISK_BUDGET_EXCEEDED"
        assert error["details"] == {"neededBytes": 3 * MiB, "budgetBytes": BUDGET, "inUseBytes": 3 * MiB}
    finally:
        reading.close()
    huge = seeder.seed("Huge.mp4", {"Huge.mp4": random_bytes(6 * MiB)})
    assert ask(expect=507, magnet=huge.magnet)["code"] == "DISK_BUDGET_EXCEEDED"


def test_hostile_file_names_stay_inside_the_download_directory(tight_server, ask, seeder):
    content = random_bytes(300_000)
    long_name = "L" * 300 + ".mp4"
    movie = seeder.seed(
        "Evil", {"a/evil.mp4": content},
        info_override={b"files": [{b"length": len(content), b"path": [b"..", b"..", b"..", b"evil.mp4"]}]},
        save_as={"a/evil.mp4": "Evil/_/_/_/evil.mp4"})
    ready = ask(magnet=movie.magnet)
    assert ready["videoFile"] == "evil.mp4"
    assert [f["path"] for f in ready["files"]] == ["Evil/_/_/_/evil.mp4"]
    assert requests.get(ready["streamUrl"], timeout=30).content == content
    root = Path(tight_server.download_dir)
    assert (root / movie.info_hash / "Evil" / "_" / "_" / "_" / "evil.mp4").read_bytes() == content
    assert not list(root.parent.rglob("evil.mp4")) or all(
        p.is_relative_to(root / movie.info_hash) for p in root.parent.rglob("evil.mp4"))

    absolute = seeder.seed(
        "Abs", {"b/x.mp4": content, "b/long.mp4": content},
        info_override={b"files": [{b"length": len(content), b"path": [b"/etc", b"x\x00.mp4"]},
                                  {b"length": len(content), b"path": [long_name.encode()]}]},
        save_as={"b/x.mp4": "Abs/etc/x.mp4", "b/long.mp4": "Abs/" + "L" * 240 + ".mp4"})
    ready = ask(magnet=absolute.magnet, fileIndex=0)
    assert [f["path"] for f in ready["files"]][0] == "Abs/etc/x.mp4"
    assert requests.get(ready["streamUrl"], timeout=30).content == content
    assert not Path("/etc/x.mp4").exists()
