"""The storage sweep removes what nothing points at, and nothing that is still in use."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.media.conftest import upload, wait_for_job

pytestmark = pytest.mark.slow


def _files(root: Path, prefix: str) -> list[str]:
    base = root / prefix
    return sorted(str(p.relative_to(root)) for p in base.rglob("*") if p.is_file()) if base.exists() else []


def test_the_sweep_removes_deleted_titles_and_stale_leftovers_only(app, client, media_worker, admin_headers, movie,
                                                                  clips):
    from app.media import service

    root = Path(app.config["STORAGE_DIR"])
    kept_id, gone_id = movie(title="Kept"), movie(title="Gone")
    kept = wait_for_job(client, admin_headers, upload(client, admin_headers, clips("clip.mp4", seconds=4),
                        f"/api/v1/admin/content/{kept_id}/media").get_json()["data"]["id"])
    gone = wait_for_job(client, admin_headers, upload(client, admin_headers, clips("clip.mp4", seconds=4),
                        f"/api/v1/admin/content/{gone_id}/media").get_json()["data"]["id"])
    assert client.delete(f"/api/v1/content/{gone_id}", headers=admin_headers).status_code == 200
    stale_version = root / "media" / str(kept["assetId"]) / "j0-stale"
    stale_version.mkdir()
    (stale_version / "master.m3u8").write_text("#EXTM3U\n")
    stray_upload = root / "uploads" / "0123456789abcdef" / "source"
    stray_upload.parent.mkdir(parents=True)
    stray_upload.write_bytes(b"x")
    scratch = root / "work" / "job999999-deadbeef"
    scratch.mkdir(parents=True)

    with app.app_context():
        assert service.sweep_storage() == {"assets": 0, "versions": 0, "uploads": 0, "scratch": 0, "tus": 0}  # all too young
        an_hour_ago = time.time() - 3700
        for path in (root / "media" / str(gone["assetId"]), stale_version, stray_upload.parent, scratch):
            os.utime(path, (an_hour_ago, an_hour_ago))
        removed = service.sweep_storage()
    assert removed["assets"] >= 1 and removed["versions"] == 1 and removed["uploads"] >= 1 and removed["scratch"] >= 1
    assert _files(root, f"media/{gone['assetId']}") == [] and not stale_version.exists()
    assert not stray_upload.exists() and not scratch.exists()
    # the live title still plays, and its source is kept for a re-run
    stream = client.get(f"/api/v1/content/{kept_id}/stream", headers=admin_headers).get_json()["data"]
    assert client.get(stream["url"]).status_code == 200
    status = client.get(f"/api/v1/admin/content/{kept_id}/status", headers=admin_headers).get_json()["data"]
    assert status["assets"][0]["playable"]
    rerun = client.post("/api/v1/admin/transcode", headers=admin_headers, json={"contentId": kept_id})
    assert wait_for_job(client, admin_headers, rerun.get_json()["data"]["id"])["state"] == "ready"
