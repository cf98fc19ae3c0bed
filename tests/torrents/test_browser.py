"""A browser plays a torrent: a plain <video> element in headless Chromium, pointed at the signed
stream URL, plays an MP4 whose moov atom is at its end, and seeks."""
from __future__ import annotations

import os

import pytest

from tests.support.clips import make_clip
from tests.support.node import chromium_path, node_with_deps, run_node

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_chromium_plays_a_torrent_stream_and_seeks(start_stream, seeder, tmp_path):
    chromium, node = chromium_path(), node_with_deps()
    clip = make_clip(tmp_path / "Browser.Movie.mp4", seconds=30, faststart=False)
    movie = seeder.seed("Browser.Movie.2024", {"Browser.Movie.mp4": clip.read_bytes(), "Browser.Movie.nfo": b"x"},
                        piece_length=32 * 1024)
    ready = start_stream(magnet=movie.magnet)
    result = run_node(node, "browser_torrent.mjs", ready["streamUrl"], timeout=150,
                      env={**os.environ, "CHROMIUM": chromium})
    assert result["error"] is None
    assert result["duration"] == pytest.approx(30, abs=0.5) and result["width"] == 320
    assert result["firstTime"] > 1.5
    assert result["afterSeek"] > 22  # 70 % of 30 s, and playing on from there
