"""Resumable uploads over tus 1.0, driven by the real tuspy client (and by hand for the refusals)."""
from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
import requests
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError

from tests.media.conftest import wait_for_job
from tests.support.cutting_proxy import CuttingRelay

TUS = {"Tus-Resumable": "1.0.0"}


def _meta(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _newest_source(app) -> Path:
    return max((Path(app.config["STORAGE_DIR"]) / "uploads").glob("*/source"), key=lambda p: p.stat().st_mtime)


@pytest.mark.parametrize("endpoint", ["/api/v1/uploads", "/api/v1/uploads/"])
def test_discovery_says_what_the_server_speaks(client, admin_headers, endpoint):
    created = client.post(endpoint, headers={**admin_headers, **TUS, "Upload-Length": "1"})
    assert created.status_code == 201 and "/api/v1/uploads/" in created.headers["Location"]
    response = client.options(endpoint)
    assert response.status_code == 204 and response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) >= {"creation", "creation-with-upload", "termination",
                                                               "expiration", "checksum"}
    assert int(response.headers["Tus-Max-Size"]) > 0 and "sha1" in response.headers["Tus-Checksum-Algorithm"]


@pytest.mark.slow
def test_tuspy_uploads_in_chunks_and_the_upload_is_attached_by_id(app, client, live_server, media_worker,
                                                                   admin_headers, movie, clips):
    video = clips("long.mp4", seconds=12)
    uploader = tus_client.TusClient(f"{live_server.url}/api/v1/uploads", headers=admin_headers).uploader(
        str(video), chunk_size=64 * 1024, metadata={"filename": "Long Clip.mp4", "filetype": "video/mp4"},
        upload_checksum=True)
    uploader.upload()
    upload_id = uploader.url.rsplit("/", 1)[-1]
    head = requests.head(uploader.url, headers={**admin_headers, **TUS}, timeout=5)
    assert head.status_code == 200 and int(head.headers["Upload-Offset"]) == video.stat().st_size
    assert head.headers["Upload-Length"] == str(video.stat().st_size) and head.headers["Cache-Control"] == "no-store"
    assert "filename" in head.headers["Upload-Metadata"] and head.headers["Upload-Expires"].endswith("GMT")

    content_id = movie()
    attached = client.post(f"/api/v1/uploads/{upload_id}/attach", headers=admin_headers, json={"contentId": content_id})
    assert attached.status_code == 202, attached.get_json()
    assert wait_for_job(client, admin_headers, attached.get_json()["data"]["id"])["state"] == "ready"
    status = client.get(f"/api/v1/admin/content/{content_id}/status", headers=admin_headers).get_json()["data"]
    assert status["assets"][0]["sourceName"] == "Long Clip.mp4"
    assert status["assets"][0]["sourceSize"] == video.stat().st_size
    again = client.post(f"/api/v1/uploads/{upload_id}/attach", headers=admin_headers, json={"contentId": content_id})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "UPLOAD_ATTACHED"


@pytest.mark.slow
def test_an_upload_cut_halfway_resumes_from_its_offset(app, client, live_server, admin_headers, movie, clips,
                                                        media_worker):
    video = clips("long.mp4", seconds=12)
    size = video.stat().st_size
    created = requests.post(f"{live_server.url}/api/v1/uploads", timeout=5, headers={
        **admin_headers, **TUS, "Upload-Length": str(size), "Upload-Metadata": _meta(filename="cut.mp4")})
    assert created.status_code == 201
    location = created.headers["Location"]
    relay = CuttingRelay(live_server.port, cut_after=2048 + size // 2)  # headers, then half the body
    try:
        cut = tus_client.TusClient(f"{relay.url}/api/v1/uploads", headers=admin_headers).uploader(
            str(video), url=location.replace(live_server.url, relay.url), chunk_size=size)
        with pytest.raises(TusCommunicationError):
            cut.upload()
    finally:
        relay.close()

    resumed = tus_client.TusClient(f"{live_server.url}/api/v1/uploads", headers=admin_headers).uploader(
        str(video), url=location, chunk_size=size)
    assert 0 < resumed.offset < size  # what arrived before the cut was kept
    resumed.upload()
    assert resumed.offset == size

    content_id = movie()
    job = client.post(f"{location.replace(live_server.url, '')}/attach", headers=admin_headers,
                      json={"contentId": content_id})
    assert job.status_code == 202, job.get_json()
    assert hashlib.sha256(_newest_source(app).read_bytes()).digest() == hashlib.sha256(video.read_bytes()).digest()
    assert wait_for_job(client, admin_headers, job.get_json()["data"]["id"])["state"] == "ready"


def _create(client, headers, length, **extra):
    return client.post("/api/v1/uploads", headers={**headers, **TUS, "Upload-Length": str(length), **extra})


def _patch(client, headers, location, offset, body, **extra):
    return client.patch(location, data=body, headers={**headers, **TUS, "Upload-Offset": str(offset),
                                                      "Content-Type": "application/offset+octet-stream", **extra})


def test_the_protocol_refuses_what_it_must(client, admin_headers, user_headers):
    assert client.post("/api/v1/uploads", headers={**admin_headers, "Upload-Length": "10"}).status_code == 412
    assert client.post("/api/v1/uploads", headers={**admin_headers, "Tus-Resumable": "0.2.2",
                                                   "Upload-Length": "10"}).headers["Tus-Version"] == "1.0.0"
    assert client.post("/api/v1/uploads", headers={**admin_headers, **TUS}).status_code == 400  # no Upload-Length
    bad_length = _create(client, admin_headers, "-5")
    assert bad_length.status_code == 400 and "Upload-Length" in bad_length.get_json()["error"]["details"]["fields"]
    assert _create(client, admin_headers, 10 ** 15).status_code == 413
    assert _create(client, admin_headers, 10, **{"Upload-Metadata": "bad key!!"}).status_code == 400
    assert _create(client, user_headers, 10).status_code == 403
    assert _create(client, {}, 10).status_code == 401

    created = _create(client, admin_headers, 10, **{"Upload-Metadata": _meta(filename="a.bin")})
    assert created.status_code == 201 and created.headers["Upload-Offset"] == "0"
    location = created.headers["Location"].replace("http://localhost", "")
    assert _patch(client, admin_headers, location, 5, b"abc").status_code == 409  # not the offset
    wrong_type = client.patch(location, data=b"abc", headers={**admin_headers, **TUS, "Upload-Offset": "0",
                                                               "Content-Type": "application/json"})
    assert wrong_type.status_code == 415
    assert _patch(client, admin_headers, location, 0, b"x" * 11).status_code == 413  # past the length
    sha1 = base64.b64encode(hashlib.sha1(b"wrong").digest()).decode()
    mismatch = _patch(client, admin_headers, location, 0, b"abcd", **{"Upload-Checksum": f"sha1 {sha1}"})
    assert mismatch.status_code == 460 and mismatch.get_json()["error"]["code"] == "CHECKSUM_MISMATCH"
    assert _patch(client, admin_headers, location, 0, b"abcd", **{"Upload-Checksum": "crc99 AAAA"}).status_code == 400
    sha1 = base64.b64encode(hashlib.sha1(b"abcd").digest()).decode()
    good = _patch(client, admin_headers, location, 0, b"abcd", **{"Upload-Checksum": f"sha1 {sha1}"})
    assert good.status_code == 204 and good.headers["Upload-Offset"] == "4"
    head = client.head(location, headers={**admin_headers, **TUS})
    assert head.headers["Upload-Offset"] == "4" and head.headers["Upload-Length"] == "10"

    upload_id = location.rsplit("/", 1)[-1]
    early = client.post(f"/api/v1/uploads/{upload_id}/attach", headers=admin_headers, json={"contentId": 1})
    assert early.status_code in (404, 409)  # no such title yet, or the upload unfinished
    assert client.delete(location, headers={**admin_headers, **TUS}).status_code == 204
    assert client.head(location, headers={**admin_headers, **TUS}).status_code == 404
    assert _patch(client, admin_headers, location, 4, b"ef").status_code == 404


def test_creation_with_upload_and_an_unfinished_or_bad_attach(client, admin_headers, movie):
    content_id = movie()
    created = client.post("/api/v1/uploads", data=b"0123", headers={
        **admin_headers, **TUS, "Upload-Length": "8", "Content-Type": "application/offset+octet-stream"})
    assert created.status_code == 201 and created.headers["Upload-Offset"] == "4"
    location = created.headers["Location"].replace("http://localhost", "")
    unfinished = client.post(f"{location}/attach", headers=admin_headers, json={"contentId": content_id})
    assert unfinished.status_code == 409 and unfinished.get_json()["error"]["details"] == {"offset": 4, "length": 8}
    assert _patch(client, admin_headers, location, 4, b"4567").status_code == 204
    not_video = client.post(f"{location}/attach", headers=admin_headers, json={"contentId": content_id})
    assert not_video.status_code == 422 and not_video.get_json()["error"]["code"] == "UNSUPPORTED_MEDIA"
    assert client.head(location, headers={**admin_headers, **TUS}).status_code == 404  # a non-video is not kept


def test_an_expired_upload_is_gone(app, client, admin_headers):
    from datetime import timedelta

    from app.core.timeutil import utcnow
    from app.extensions import db
    from app.media.models import ResumableUpload

    location = _create(client, admin_headers, 10).headers["Location"].replace("http://localhost", "")
    with app.app_context():
        upload = db.session.get(ResumableUpload, location.rsplit("/", 1)[-1])
        upload.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    gone = client.head(location, headers={**admin_headers, **TUS})
    assert gone.status_code == 410
    assert _patch(client, admin_headers, location, 0, b"ab").status_code == 410
    with app.app_context():
        from app.media import service

        assert service.sweep_storage()["tus"] == 1
    assert client.head(location, headers={**admin_headers, **TUS}).status_code == 404


def test_answers_without_a_body_carry_no_type_nor_encoding(client, admin_headers):
    gzip = {"Accept-Encoding": "gzip, br"}
    location = _create(client, {**admin_headers, **gzip}, 4).headers["Location"].replace("http://localhost", "")
    for response in (_patch(client, {**admin_headers, **gzip}, location, 0, b"ab"),
                     client.head(location, headers={**admin_headers, **TUS, **gzip}),
                     client.delete(location, headers={**admin_headers, **TUS, **gzip})):
        assert response.get_data() == b"" and response.headers["Tus-Resumable"] == "1.0.0"
        assert "Content-Encoding" not in response.headers and "Content-Type" not in response.headers


@pytest.mark.slow
def test_tus_js_client_pauses_and_resumes_then_the_upload_plays(app, client, live_server, media_worker, admin,
                                                                 admin_headers, token_for, movie, clips):
    from tests.support.node import node_with_deps, run_node

    node = node_with_deps()
    video = clips("long.mp4", seconds=12)
    result = run_node(node, "tus_upload.mjs", f"{live_server.url}/api/v1/uploads/", token_for(admin), str(video))
    assert result == {"paused": "paused", "finished": "done", "url": result["url"], "size": video.stat().st_size}
    upload_id = result["url"].rsplit("/", 1)[-1]
    content_id = movie()
    job = client.post(f"/api/v1/uploads/{upload_id}/attach", headers=admin_headers, json={"contentId": content_id})
    assert job.status_code == 202, job.get_json()
    assert hashlib.sha256(_newest_source(app).read_bytes()).digest() == hashlib.sha256(video.read_bytes()).digest()
    assert wait_for_job(client, admin_headers, job.get_json()["data"]["id"])["state"] == "ready"
