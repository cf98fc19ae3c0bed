"""The chunked path: a long source cut into chunks that several workers transcode at once, joined
into one continuous playlist per rung; the first chunks make the title playable early."""
from __future__ import annotations

import io
import time

import av
import pytest

from tests.media.conftest import upload, wait_for_job

pytestmark = pytest.mark.slow


CHUNKED = {"MEDIA_CHUNK_SECONDS": "6"}
SLOW = {**CHUNKED, "MEDIA_X264_PRESET": "medium", "MEDIA_LADDER": "720:2000k,360:600k"}  # slow enough to watch


def _segments(client, rendition_url):
    playlist = client.get(rendition_url).get_data(as_text=True)
    base = rendition_url.split("?")[0].rsplit("/", 1)[0]
    return playlist, [f"{base}/{line}" for line in playlist.splitlines() if line and not line.startswith("#")]


def test_two_workers_share_the_chunks_and_the_joined_ladder_is_continuous(client, start_worker, admin_headers,
                                                                           user_headers, movie, clips):
    first, second = start_worker(**CHUNKED), start_worker(**CHUNKED)
    content_id = movie()
    job = upload(client, admin_headers, clips("twenty.mp4", seconds=20), f"/api/v1/admin/content/{content_id}/media")
    job = wait_for_job(client, admin_headers, job.get_json()["data"]["id"])
    assert job["state"] == "ready", job
    assert [(c["start"], c["duration"]) for c in job["chunks"]] == [(0, 6), (6, 6), (12, pytest.approx(8, abs=0.1))]
    assert all(c["done"] for c in job["chunks"])
    assert {c["worker"] for c in job["chunks"]} == {first.hostname, second.hostname}  # both took a share
    assert job["rungsLive"] == ["180p", "120p"] and job["progress"] == 100

    stream = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]
    master = client.get(stream["url"]).get_data(as_text=True)
    assert master.count("#EXT-X-STREAM-INF") == 2 and "RESOLUTION=320x180" in master
    for rendition in stream["renditions"]:
        playlist, urls = _segments(client, rendition["url"])
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist and playlist.rstrip().endswith("#EXT-X-ENDLIST")
        names = [url.split("?")[0].rsplit("/", 1)[1] for url in urls]
        assert names == sorted(names) and names[0].startswith("c0000_") and names[-1].startswith("c0002_")
        durations = [float(line[8:].rstrip(",")) for line in playlist.splitlines() if line.startswith("#EXTINF:")]
        assert abs(sum(durations) - 20) < 0.3

    # the artwork comes from the chunks too: the poster from the one it falls in, thumbnails from each
    assert client.get(stream["poster"]).status_code == 200
    track = client.get(stream["thumbnails"]).get_data(as_text=True)
    assert [line for line in track.splitlines() if "-->" in line] == [
        "00:00:00.000 --> 00:00:06.000", "00:00:06.000 --> 00:00:12.000", "00:00:12.000 --> 00:00:20.000"]
    assert "c0002_thumb_001.jpg?" in track

    # the joined 180p stream, read as one: timestamps run on across every joint, without a gap
    _, urls = _segments(client, stream["renditions"][0]["url"])
    joined = b"".join(client.get(url).get_data() for url in urls)
    video, audio = [], []
    with av.open(io.BytesIO(joined), format="mpegts") as container:
        for packet in container.demux():
            if packet.pts is None:
                continue
            (video if packet.stream.type == "video" else audio).append(float(packet.pts * packet.time_base))
    video.sort()
    audio.sort()
    frame = 1 / 24
    assert len(video) == pytest.approx(20 * 24, abs=2)
    assert max(b - a for a, b in zip(video, video[1:])) < 1.5 * frame  # no hole at 6 s nor at 12 s
    assert min(b - a for a, b in zip(video, video[1:])) > 0.5 * frame  # and no overlap
    assert max(b - a for a, b in zip(audio, audio[1:])) < 0.05
    assert video[-1] - video[0] == pytest.approx(20 - frame, abs=0.1)


def test_one_worker_alone_finishes_the_job_and_the_first_chunk_plays_early(client, start_worker, admin_headers,
                                                                          user_headers, movie, clips):
    start_worker(**SLOW)
    content_id = movie()
    job_id = upload(client, admin_headers, clips("hd.mp4", seconds=20, size="1280x720", rate=30),
                    f"/api/v1/admin/content/{content_id}/media").get_json()["data"]["id"]
    growing = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/admin/transcode/{job_id}", headers=admin_headers).get_json()["data"]
        if job["state"] in ("ready", "failed"):
            break
        stream = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers)
        if stream.status_code == 200 and growing is None:
            playlist, urls = _segments(client, stream.get_json()["data"]["renditions"][0]["url"])
            # the job as it is now: the one read above may predate the first chunk's publication
            job = client.get(f"/api/v1/admin/transcode/{job_id}", headers=admin_headers).get_json()["data"]
            growing = {"state": job["state"], "playlist": playlist, "segments": len(urls),
                       "playable": job["playableSeconds"], "first": client.get(urls[0]).status_code}
        time.sleep(0.1)
    assert job["state"] == "ready", job
    assert growing is not None, "the title was never playable before its ladder was done"
    assert growing["state"] in ("transcoding", "packaging") and growing["first"] == 200
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in growing["playlist"] and "#EXT-X-ENDLIST" not in growing["playlist"]
    assert 0 < growing["playable"] < 20 and growing["segments"] < 4
    assert job["firstPlayableAt"] < job["finishedAt"] and job["playableSeconds"] == pytest.approx(20, abs=0.3)
    assert {c["worker"] for c in job["chunks"]} and all(c["done"] for c in job["chunks"])
    final, urls = _segments(client, client.get(f"/api/v1/content/{content_id}/stream",
                                               headers=user_headers).get_json()["data"]["renditions"][0]["url"])
    assert final.rstrip().endswith("#EXT-X-ENDLIST") and len(urls) == 4


def test_a_cancelled_chunked_job_stops_its_chunks_and_leaves_nothing_playable(app, client, start_worker,
                                                                            admin_headers, user_headers, movie, clips):
    from pathlib import Path

    start_worker(**SLOW)
    content_id = movie()
    job_id = upload(client, admin_headers, clips("hd.mp4", seconds=20, size="1280x720", rate=30),
                    f"/api/v1/admin/content/{content_id}/media").get_json()["data"]["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the first chunk made it playable
        if client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).status_code == 200:
            break
        time.sleep(0.1)
    cancelled = client.delete(f"/api/v1/admin/transcode/{job_id}", headers=admin_headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["data"]["state"] == "cancelled"
    assert client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).status_code == 409
    time.sleep(3)  # the running chunk stops at its next heartbeat; the rest find the job cancelled
    job = client.get(f"/api/v1/admin/transcode/{job_id}", headers=admin_headers).get_json()["data"]
    assert job["state"] == "cancelled"
    assert client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).status_code == 409
    with app.app_context():
        from app.media import service

        service.sweep_storage(grace=0)  # the partial version is not published: the sweep takes it
    folder = Path(app.config["STORAGE_DIR"]) / "media" / str(job["assetId"])
    assert not folder.exists() or not any(folder.iterdir())
