"""What an upload refuses, before any job exists: each with a clear error in the envelope."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from app.media.ffmpeg import ffmpeg_binary
from tests.media.conftest import upload


def _error(response, status, code):
    body = response.get_json()
    assert response.status_code == status, body
    assert body["success"] is False and body["error"]["code"] == code, body
    return body["error"]


def _no_jobs(client, admin_headers):
    assert client.get("/api/v1/admin/transcode", headers=admin_headers).get_json()["data"] == []


def _stored_uploads(app) -> list[Path]:
    return list((Path(app.config["STORAGE_DIR"]) / "uploads").glob("*/*"))


def test_a_file_that_is_not_a_video_is_refused_by_its_content_not_its_name(client, admin_headers, movie, tmp_path,
                                                                            app):
    content_id = movie()
    before = _stored_uploads(app)
    fake = tmp_path / "movie.mp4"
    fake.write_bytes(b"this is not a video at all " * 1000)
    error = _error(upload(client, admin_headers, fake, f"/api/v1/admin/content/{content_id}/media"),
                   422, "UNSUPPORTED_MEDIA")
    assert list(error["details"]["fields"]) == ["video"] and error["details"]["reason"]
    _no_jobs(client, admin_headers)
    assert _stored_uploads(app) == before  # nothing of the refused file is kept


def test_an_audio_file_is_not_a_video(client, admin_headers, movie, tmp_path):
    content_id = movie()
    song = tmp_path / "song.mp4"
    subprocess.run([ffmpeg_binary(), "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac",
                    str(song)], check=True)
    error = _error(upload(client, admin_headers, song, f"/api/v1/admin/content/{content_id}/media"),
                   422, "UNSUPPORTED_MEDIA")
    assert "no video stream" in error["message"]


def test_an_image_is_not_a_video(client, admin_headers, movie, tmp_path):
    content_id = movie()
    still = tmp_path / "poster.mp4"  # a PNG whatever its name says
    subprocess.run([ffmpeg_binary(), "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x64",
                    "-frames:v", "1", "-f", "image2", "-c:v", "png", str(still)], check=True)
    _error(upload(client, admin_headers, still, f"/api/v1/admin/content/{content_id}/media"), 422, "UNSUPPORTED_MEDIA")


def test_declared_sizes_over_the_limit_are_refused_before_the_body_is_read(app, client, admin_headers, movie):
    content_id = movie()
    app.config["MEDIA_MAX_UPLOAD_BYTES"] = 1000
    try:
        response = client.post(f"/api/v1/admin/content/{content_id}/media", headers=admin_headers,
                               data={"video": (io.BytesIO(b"x" * 5000), "big.mp4")}, content_type="multipart/form-data")
    finally:
        app.config["MEDIA_MAX_UPLOAD_BYTES"] = 20 * 1024 ** 3
    error = _error(response, 413, "PAYLOAD_TOO_LARGE")
    assert error["details"]["maxBytes"] == 1000
    _no_jobs(client, admin_headers)


def test_a_full_disk_is_507_before_the_body_is_read(app, client, admin_headers, movie):
    content_id = movie()
    app.config["MEDIA_MIN_FREE_BYTES"] = 10 ** 18  # more than any disk has free
    try:
        response = client.post(f"/api/v1/admin/content/{content_id}/media", headers=admin_headers,
                               data={"video": (io.BytesIO(b"x" * 100), "a.mp4")}, content_type="multipart/form-data")
    finally:
        app.config["MEDIA_MIN_FREE_BYTES"] = 0
    error = _error(response, 507, "INSUFFICIENT_STORAGE")
    assert error["details"]["freeBytes"] < error["details"]["neededBytes"]


def test_missing_file_json_bodies_and_non_admins_are_refused(client, admin_headers, user_headers, movie, clips):
    content_id = movie()
    url = f"/api/v1/admin/content/{content_id}/media"
    missing = _error(client.post(url, headers=admin_headers, data={"other": "x"}, content_type="multipart/form-data"),
                     422, "VALIDATION_ERROR")
    assert "video" in missing["details"]["fields"]
    as_json = _error(client.post(url, headers=admin_headers, json={"video": "x"}), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert "multipart/form-data" in as_json["message"]
    _error(upload(client, user_headers, clips("clip.mp4", seconds=4), url), 403, "AUTHORIZATION_ERROR")
    _error(upload(client, {}, clips("clip.mp4", seconds=4), url), 401, "AUTHENTICATION_ERROR")
    _no_jobs(client, admin_headers)


@pytest.fixture
def series(client, admin_headers):
    return client.post("/api/v1/content", headers=admin_headers, json={
        "kind": "series", "title": "Show", "maturityRating": "PG", "status": "published",
        "seasons": [{"number": 1, "episodes": [{"number": 1, "title": "Pilot"}]}]}).get_json()["data"]


@pytest.mark.parametrize("path", ["/api/v1/admin/content/999999/media",
                                  "/api/v1/admin/content/{id}/episodes/999999/media"])
def test_unknown_titles_and_episodes_are_404(client, admin_headers, series, clips, path):
    _error(upload(client, admin_headers, clips("clip.mp4", seconds=4), path.format(id=series["id"])), 404, "NOT_FOUND")


def test_a_series_needs_the_episode_form_and_a_movie_has_none(client, admin_headers, series, movie, clips):
    error = _error(upload(client, admin_headers, clips("clip.mp4", seconds=4),
                          f"/api/v1/admin/content/{series['id']}/media"), 422, "VALIDATION_ERROR")
    assert "episodeId" in error["details"]["fields"]
    error = _error(upload(client, admin_headers, clips("clip.mp4", seconds=4),
                          f"/api/v1/admin/content/{movie()}/episodes/1/media"), 422, "VALIDATION_ERROR")
    assert "episodeId" in error["details"]["fields"]


def test_bad_metadata_on_the_original_upload_creates_nothing(client, admin_headers, clips):
    with open(clips("clip.mp4", seconds=4), "rb") as handle:
        response = client.post("/api/v1/admin/content", headers=admin_headers, content_type="multipart/form-data",
                               data={"metadata": '{"title": "", "maturityRating": "XXX"}', "video": (handle, "a.mp4")})
    error = _error(response, 422, "VALIDATION_ERROR")
    assert {"metadata.title", "metadata.maturityRating"} <= set(error["details"]["fields"])
    with open(clips("clip.mp4", seconds=4), "rb") as handle:
        broken = client.post("/api/v1/admin/content", headers=admin_headers, content_type="multipart/form-data",
                             data={"metadata": '{"title": ', "video": (handle, "a.mp4")})
    assert "metadata" in _error(broken, 422, "VALIDATION_ERROR")["details"]["fields"]
    assert client.get("/api/v1/content", headers=admin_headers).get_json()["data"] == []
    _no_jobs(client, admin_headers)
