"""The S3 back end against a real S3-protocol server on 127.0.0.1 (moto in server mode): uploads,
the worker's ladder, playback relayed or redirected, health, the sweep. (moto does not check
request signatures: what is tested of signing here is our own stream tokens.)"""
from __future__ import annotations

import os

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from config.redis_server import free_port
from tests.media.conftest import upload, wait_for_job
from tests.support.processes import WorkerProcess

pytestmark = pytest.mark.slow
BUCKET = "marquee-media"


@pytest.fixture(scope="module")
def s3_env():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {"STORAGE_BACKEND": "s3", "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
           "S3_REGION": "us-east-1", "S3_KEY_PREFIX": "marquee", "AWS_ACCESS_KEY_ID": "test",
           "AWS_SECRET_ACCESS_KEY": "test"}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
    boto3.client("s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name="us-east-1").create_bucket(Bucket=BUCKET)
    yield env
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    server.stop()


@pytest.fixture(scope="module")
def s3_worker(app, test_env, s3_env):
    worker = WorkerProcess(test_env, extra_env={**s3_env, "MEDIA_CHUNK_SECONDS": "6"}, queues="media", concurrency=2)
    worker.start(app.extensions["celery"])
    yield worker
    worker.stop()


@pytest.fixture
def on_s3(app, s3_env, s3_worker):
    """The in-process app on the S3 back end for one test (the worker runs on it throughout)."""
    names = ("STORAGE_BACKEND", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_KEY_PREFIX")
    saved = {name: app.config[name] for name in names}
    app.config.update({name: s3_env[name] for name in names})
    app.extensions.pop("media.storage", None)
    yield boto3.client("s3", endpoint_url=s3_env["S3_ENDPOINT_URL"], region_name="us-east-1")
    app.config.update(saved)
    app.extensions.pop("media.storage", None)


def _keys(s3, prefix: str) -> list[str]:
    return [item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
            for item in page.get("Contents", [])]


def _ready(client, admin_headers, movie, clips):
    content_id = movie()
    response = upload(client, admin_headers, clips("clip.mp4", seconds=4), f"/api/v1/admin/content/{content_id}/media")
    assert response.status_code == 202, response.get_json()
    job = wait_for_job(client, admin_headers, response.get_json()["data"]["id"])
    assert job["state"] == "ready", job
    return content_id, job


def _first_segment(client, stream):
    playlist = client.get(stream["renditions"][0]["url"])
    segment = next(line for line in playlist.get_data(as_text=True).splitlines() if line and not line.startswith("#"))
    return stream["renditions"][0]["url"].split("?")[0].rsplit("/", 1)[0] + "/" + segment


def test_uploads_and_ladders_live_in_the_bucket_and_play_through_the_app(app, client, on_s3, admin_headers,
                                                                          user_headers, movie, clips):
    content_id, job = _ready(client, admin_headers, movie, clips)
    asset_keys = _keys(on_s3, f"marquee/media/{job['assetId']}/")
    assert any(k.endswith("/master.m3u8") for k in asset_keys) and any(k.endswith(".ts") for k in asset_keys)
    assert len(_keys(on_s3, "marquee/uploads/")) >= 1
    assert not (app.config["STORAGE_DIR"] and os.path.exists(os.path.join(app.config["STORAGE_DIR"], "media",
                                                                            str(job["assetId"]))))

    stream = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]
    master = client.get(stream["url"])
    assert master.status_code == 200 and master.get_data(as_text=True).count("#EXT-X-STREAM-INF") == 2
    segment_url = _first_segment(client, stream)
    whole = client.get(segment_url)
    assert whole.status_code == 200 and whole.mimetype == "video/mp2t"
    key = next(k for k in asset_keys if k.endswith(segment_url.split("?")[0].split("/media/", 1)[1].split("/", 2)[2]))
    assert whole.get_data() == on_s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    part = client.get(segment_url, headers={"Range": "bytes=188-375"})
    assert part.status_code == 206 and part.get_data() == whole.get_data()[188:376]
    assert part.headers["Content-Range"] == f"bytes 188-375/{len(whole.get_data())}"
    head = client.head(segment_url)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(whole.get_data())
    beyond = client.get(segment_url, headers={"Range": f"bytes={len(whole.get_data()) + 10}-"})
    assert beyond.status_code == 416
    tampered = client.get(segment_url.replace("exp=", "exp=1"))
    assert tampered.status_code == 403


def test_segments_can_come_straight_from_the_bucket(app, client, on_s3, admin_headers, user_headers, movie, clips):
    content_id, _ = _ready(client, admin_headers, movie, clips)
    app.config["MEDIA_S3_DELIVERY"] = "redirect"
    try:
        stream = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]
        segment_url = _first_segment(client, stream)
        moved = client.get(segment_url)
        assert moved.status_code == 302 and moved.headers["Location"].startswith(app.config["S3_ENDPOINT_URL"])
        fetched = requests.get(moved.headers["Location"], timeout=10)
        assert fetched.status_code == 200 and len(fetched.content) > 188
        ranged = requests.get(moved.headers["Location"], headers={"Range": "bytes=0-187"}, timeout=10)
        assert ranged.status_code == 206 and ranged.content == fetched.content[:188]
        head = client.head(segment_url)
        assert head.status_code == 302
        assert requests.head(head.headers["Location"], timeout=10).headers["Content-Length"] == str(len(fetched.content))
        assert client.get(segment_url.replace("st=", "st=x")).status_code == 403  # our token still guards it
    finally:
        app.config["MEDIA_S3_DELIVERY"] = "proxy"


def test_health_checks_the_bucket(app, client, on_s3):
    healthy = client.get("/health/storage").get_json()["checks"]["storage"]
    assert healthy["status"] == "ok" and healthy["backend"] == "s3" and healthy["bucket"] == BUCKET, healthy
    app.config["S3_BUCKET"] = "no-such-bucket"
    app.extensions.pop("media.storage", None)
    broken = client.get("/health/storage").get_json()  # storage is not critical: the service is degraded
    assert broken["status"] == "degraded" and broken["checks"]["storage"]["status"] == "down", broken
    assert "NoSuchBucket" in broken["checks"]["storage"]["error"]


def test_the_sweep_empties_a_deleted_titles_prefix(app, client, on_s3, admin_headers, movie, clips):
    from app.media import service

    content_id, job = _ready(client, admin_headers, movie, clips)
    assert _keys(on_s3, f"marquee/media/{job['assetId']}/")
    assert client.delete(f"/api/v1/content/{content_id}", headers=admin_headers).status_code == 200
    with app.app_context():
        removed = service.sweep_storage(grace=0)
    assert removed["assets"] >= 1
    assert _keys(on_s3, f"marquee/media/{job['assetId']}/") == []


def test_a_finished_tus_upload_goes_to_the_bucket(app, client, on_s3, admin_headers, movie, clips):
    video = clips("clip.mp4", seconds=4).read_bytes()
    created = client.post("/api/v1/uploads", data=video, headers={
        **admin_headers, "Tus-Resumable": "1.0.0", "Upload-Length": str(len(video)),
        "Content-Type": "application/offset+octet-stream"})
    assert created.status_code == 201 and created.headers["Upload-Offset"] == str(len(video))
    upload_id = created.headers["Location"].rsplit("/", 1)[-1]
    before = set(_keys(on_s3, "marquee/uploads/"))
    job = client.post(f"/api/v1/uploads/{upload_id}/attach", headers=admin_headers, json={"contentId": movie()})
    assert job.status_code == 202, job.get_json()
    added = set(_keys(on_s3, "marquee/uploads/")) - before
    assert len(added) == 1 and on_s3.get_object(Bucket=BUCKET, Key=added.pop())["Body"].read() == video
    assert wait_for_job(client, admin_headers, job.get_json()["data"]["id"])["state"] == "ready"


def test_the_chunked_path_reads_the_source_by_range_and_joins_in_the_bucket(app, client, on_s3, admin_headers,
                                                                           user_headers, movie, clips):
    content_id = movie()
    job = upload(client, admin_headers, clips("twenty.mp4", seconds=20), f"/api/v1/admin/content/{content_id}/media")
    job = wait_for_job(client, admin_headers, job.get_json()["data"]["id"])
    assert job["state"] == "ready" and len(job["chunks"]) == 3, job
    keys = _keys(on_s3, f"marquee/media/{job['assetId']}/")
    assert sum(k.endswith(".ts") for k in keys) == 8 and sum(k.endswith("/index.m3u8") for k in keys) == 2
    stream = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]
    playlist = client.get(stream["renditions"][0]["url"]).get_data(as_text=True)
    durations = [float(line[8:].rstrip(",")) for line in playlist.splitlines() if line.startswith("#EXTINF:")]
    assert abs(sum(durations) - 20) < 0.3 and playlist.rstrip().endswith("#EXT-X-ENDLIST")
