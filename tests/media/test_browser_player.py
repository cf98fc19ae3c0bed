"""A real browser plays a signed stream: hls.js from the server's player page, in headless Chromium."""
from __future__ import annotations

import os
import time

import pytest
import requests

from tests.media.conftest import wait_for_job
from tests.support.node import chromium_path, node_with_deps, run_node

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_chromium_plays_the_ladder_switches_rendition_and_refuses_an_expired_url(
        app, client, live_server, media_worker, admin_headers, user_headers, movie, clips):
    chromium, node = chromium_path(), node_with_deps()
    content_id = movie()
    with open(clips("long.mp4", seconds=12), "rb") as handle:
        response = requests.post(f"{live_server.url}/api/v1/admin/content/{content_id}/media", headers=admin_headers,
                                 files={"video": ("long.mp4", handle, "video/mp4")}, timeout=30)
    assert response.status_code == 202, response.text
    assert wait_for_job(client, admin_headers, response.json()["data"]["id"])["state"] == "ready"

    stream = requests.get(f"{live_server.url}/api/v1/content/{content_id}/stream", headers=user_headers,
                          timeout=10).json()["data"]
    app.config["STREAM_URL_TTL"] = 1
    try:
        expired = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]["url"]
    finally:
        app.config["STREAM_URL_TTL"] = 4 * 3600
    time.sleep(1.5)

    result = run_node(node, "browser_player.mjs", live_server.url, stream["url"],
                      expired.replace("http://localhost", live_server.url), timeout=120, env={**os.environ, "CHROMIUM": chromium})
    assert sorted(result["levels"]) == [120, 180]
    assert result["firstTime"] > 1.5 and result["laterTime"] > result["firstTime"]
    assert result["switchedHeight"] != result["firstHeight"] and result["switchedHeight"] in (120, 180)
    assert result["switchedHeight"] in result["switches"]
    assert result["error"] is None
    assert "manifestLoadError" in result["expiredError"] and "403" in result["expiredError"]
    assert result["expiredTime"] == 0


def test_the_jobs_page_follows_a_job_live_to_ready(live_server, media_worker, admin, movie, clips):
    chromium, node = chromium_path(), node_with_deps()
    content_id = movie()
    result = run_node(node, "browser_admin_jobs.mjs", live_server.url, admin["email"], admin["password"],
                      str(content_id), str(clips("long.mp4", seconds=12)), timeout=120,
                      env={**os.environ, "CHROMIUM": chromium})
    assert result["row"]["state"] == "ready" and result["row"]["progress"] == 100 and result["row"]["bar"] == 100
    assert result["row"]["cells"][5] == "180p, 120p"
    assert result["history"][0] == "queued" and result["history"][-1] == "ready"
    assert "transcoding" in result["history"] and result["events"] >= 4
