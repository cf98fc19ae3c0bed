"""Upload a video, let a real worker transcode it in one ffmpeg pass, play the signed ladder."""
from __future__ import annotations

import io
import time
from urllib.parse import urlsplit

import av
import pytest

from tests.media.conftest import upload, wait_for_job

pytestmark = pytest.mark.slow


def _lines(response):
    return [line for line in response.get_data(as_text=True).splitlines() if line]


def _uris(playlist_lines):
    return [line for line in playlist_lines if not line.startswith("#")]


@pytest.fixture
def ready_movie(client, admin_headers, movie, clips, media_worker):
    content_id = movie()
    response = upload(client, admin_headers, clips("clip.mp4", seconds=4), f"/api/v1/admin/content/{content_id}/media")
    assert response.status_code == 202, response.get_json()
    job = response.get_json()["data"]
    assert job["state"] == "queued" and job["contentId"] == content_id
    job = wait_for_job(client, admin_headers, job["id"])
    assert job["state"] == "ready", job
    return content_id, job


def test_an_uploaded_movie_plays_as_a_signed_hls_ladder(client, admin_headers, ready_movie, user_headers):
    content_id, job = ready_movie
    assert job["progress"] == 100.0 and job["rungsLive"] == ["180p", "120p"] and job["attempts"] == 1

    stream = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers)
    assert stream.status_code == 200, stream.get_json()
    data = stream.get_json()["data"]
    assert data["type"] == "hls" and data["resumePosition"] == 0 and 3.5 < data["duration"] < 4.5
    assert [(r["name"], r["width"], r["height"]) for r in data["renditions"]] == [("180p", 320, 180),
                                                                                  ("120p", 214, 120)]

    master = client.get(data["url"])
    assert master.status_code == 200 and master.mimetype == "application/vnd.apple.mpegurl"
    lines = _lines(master)
    assert lines[0] == "#EXTM3U"
    variants = _uris(lines)
    assert len(variants) == 2 and all("exp=" in uri and "st=" in uri for uri in variants)
    assert sum(line.startswith("#EXT-X-STREAM-INF") for line in lines) == 2

    base = data["url"].split("?")[0].rsplit("/", 1)[0]
    playlist = client.get(f"{base}/{variants[0]}")
    assert playlist.status_code == 200
    segment_lines = _lines(playlist)
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in segment_lines and "#EXT-X-ENDLIST" in segment_lines
    durations = [float(line.split(":")[1].rstrip(",")) for line in segment_lines if line.startswith("#EXTINF")]
    assert abs(sum(durations) - 4.0) < 0.3 and max(durations) <= 6.1
    segments = _uris(segment_lines)
    assert all("exp=" in uri for uri in segments)

    variant_dir = f"{base}/{variants[0].split('?')[0].rsplit('/', 1)[0]}"
    segment = client.get(f"{variant_dir}/{segments[0]}")
    assert segment.status_code == 200 and segment.mimetype == "video/mp2t"
    with av.open(io.BytesIO(segment.get_data()), format="mpegts") as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        assert container.streams.video[0].codec_context.height == 180

    partial = client.get(f"{variant_dir}/{segments[0]}", headers={"Range": "bytes=0-187"})
    assert partial.status_code == 206 and len(partial.get_data()) == 188
    assert partial.headers["Content-Range"].startswith("bytes 0-187/")
    head = client.head(f"{variant_dir}/{segments[0]}")
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(segment.get_data())


def test_a_stream_url_refuses_tampering_expiry_and_other_assets(app, client, admin_headers, ready_movie, movie,
                                                                 clips, user_headers):
    content_id, _ = ready_movie
    url = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]["url"]
    path, query = url.split("?")

    tampered = client.get(f"{path}?{query[:-2]}{'AA' if not query.endswith('AA') else 'BB'}")
    assert tampered.status_code == 403 and tampered.get_json()["error"]["code"] == "STREAM_TOKEN_INVALID"
    bare = client.get(path)
    assert bare.status_code == 403 and bare.get_json()["error"]["code"] == "STREAM_TOKEN_INVALID"

    # the same token on another asset's files
    asset_id = urlsplit(path).path.split("/")[4]
    other = path.replace(f"/media/{asset_id}/", f"/media/{int(asset_id) + 1}/")
    refused = client.get(f"{other}?{query}")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "STREAM_TOKEN_INVALID"

    app.config["STREAM_URL_TTL"] = 3  # the expiry is a whole second: 2 to 3 s from now
    try:
        short = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]["url"]
    finally:
        app.config["STREAM_URL_TTL"] = 4 * 3600
    assert client.get(short).status_code == 200
    time.sleep(3.1)
    expired = client.get(short)
    assert expired.status_code == 403 and expired.get_json()["error"]["code"] == "STREAM_TOKEN_EXPIRED"


def test_the_catalogs_rules_apply_to_the_stream(client, admin_headers, movie, clips, media_worker, make_user,
                                               auth_headers):
    content_id = movie(tier="premium", rating="R")
    job = upload(client, admin_headers, clips("clip.mp4", seconds=4),
                 f"/api/v1/admin/content/{content_id}/media").get_json()["data"]
    assert wait_for_job(client, admin_headers, job["id"])["state"] == "ready"

    free = client.get(f"/api/v1/content/{content_id}/stream", headers=auth_headers(make_user(tier="free")))
    assert free.status_code == 403 and free.get_json()["error"]["code"] == "SUBSCRIPTION_REQUIRED"
    assert client.get(f"/api/v1/content/{content_id}/stream").status_code == 401
    premium = client.get(f"/api/v1/content/{content_id}/stream", headers=auth_headers(make_user(tier="premium")))
    assert premium.status_code == 200


def test_a_playback_session_carries_the_stream(client, user_headers, ready_movie):
    content_id, _ = ready_movie
    session = client.post(f"/api/v1/streaming/play/{content_id}", headers=user_headers, json={})
    assert session.status_code == 201, session.get_json()
    stream = session.get_json()["data"]["stream"]
    assert stream["type"] == "hls" and client.get(stream["url"]).status_code == 200


def test_the_original_upload_creates_the_movie_with_its_video(client, admin_headers, clips, media_worker):
    with open(clips("clip.mp4", seconds=4), "rb") as handle:
        response = client.post("/api/v1/admin/content", headers=admin_headers, content_type="multipart/form-data",
                               data={"title": "Uploaded", "maturityRating": "PG", "genres": "Drama, Comedy",
                                     "releaseYear": "2024", "status": "published",
                                     "video": (handle, "../../etc/passwd.mp4")})
    assert response.status_code == 202, response.get_json()
    data = response.get_json()["data"]
    assert data["content"]["title"] == "Uploaded" and data["content"]["releaseYear"] == 2024
    assert sorted(g["name"] if isinstance(g, dict) else g for g in data["content"]["genres"]) == ["Comedy", "Drama"]
    job = wait_for_job(client, admin_headers, data["job"]["id"])
    assert job["state"] == "ready"
    status = client.get(f"/api/v1/admin/content/{data['content']['id']}/status", headers=admin_headers).get_json()
    asset = status["data"]["assets"][0]
    assert asset["sourceName"] == "../../etc/passwd.mp4" and asset["playable"] is True
    assert asset["sourceProbe"]["videoCodec"] == "h264" and asset["sourceProbe"]["width"] == 320
