"""The HLS form of a file browsers cannot play (an MKV with AC3 audio): a VOD playlist whose
segments ffmpeg makes from the streamer's own bytes, playable by ffmpeg, any segment first."""
from __future__ import annotations

import subprocess

import av
import pytest
import requests

from app.media.ffmpeg import ffmpeg_binary
from tests.support.clips import make_clip


@pytest.fixture(scope="module")
def mkv_movie(seeder, tmp_path_factory):
    path = make_clip(tmp_path_factory.mktemp("mkv") / "Show.mkv", seconds=14, extra=["-c:a", "ac3", "-b:a", "96k"])
    return seeder.seed("Show.2024.720p.mkv", {"Show.2024.720p.mkv": path.read_bytes()}, piece_length=32 * 1024)


def test_an_mkv_gets_an_hls_url_that_ffmpeg_plays_whole(start_stream, mkv_movie):
    ready = start_stream(magnet=mkv_movie.magnet)
    assert ready["mimeType"] == "video/x-matroska" and ready["hlsUrl"]
    playlist = requests.get(ready["hlsUrl"], timeout=60)
    assert playlist.status_code == 200
    assert playlist.headers["Content-Type"].startswith("application/vnd.apple.mpegurl")
    lines = playlist.text.splitlines()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines and lines[-1] == "#EXT-X-ENDLIST"
    segments = [line for line in lines if line.startswith("seg")]
    assert len(segments) == 3 and all("exp=" in s and "st=" in s for s in segments)
    played = subprocess.run([ffmpeg_binary(), "-v", "error", "-i", ready["hlsUrl"], "-f", "null", "-"],
                            capture_output=True, timeout=120)
    assert played.returncode == 0, played.stderr.decode()[-2000:]


def test_a_late_segment_comes_first_with_browser_codecs_at_its_own_time(start_stream, mkv_movie, tmp_path):
    ready = start_stream(magnet=mkv_movie.magnet)
    base = ready["hlsUrl"].split("index.m3u8")[0]
    query = ready["hlsUrl"].split("?", 1)[1]
    answer = requests.get(f"{base}seg2.ts?{query}", timeout=60)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "video/mp2t"
    (tmp_path / "seg2.ts").write_bytes(answer.content)
    with av.open(str(tmp_path / "seg2.ts")) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        assert video.codec_context.name == "h264" and audio.codec_context.name == "aac"
        first = next(container.decode(video))
        assert 11 <= first.time <= 13.5  # the source's own time: the player places it at 12 s
    assert requests.get(f"{base}seg9.ts?{query}", timeout=30).status_code == 404
    assert requests.get(f"{base}seg0.ts", timeout=30).status_code == 403


def test_an_mp4_needs_no_hls(start_stream, seeder):
    movie = seeder.seed("Plain.mp4", {"Plain.mp4": b"\x01" * 100_000})
    assert start_stream(magnet=movie.magnet)["hlsUrl"] is None


def test_hevc_video_is_transcoded_to_h264_from_the_segments_start(start_stream, seeder, tmp_path):
    path = make_clip(tmp_path / "Hevc.mkv", seconds=8, extra=["-c:v", "libx265", "-preset", "ultrafast",
                                                              "-x265-params", "log-level=error", "-c:a", "ac3"])
    movie = seeder.seed("Hevc.2024.mkv", {"Hevc.2024.mkv": path.read_bytes()})
    ready = start_stream(magnet=movie.magnet)
    base, query = ready["hlsUrl"].split("index.m3u8?")
    segment = requests.get(f"{base}seg1.ts?{query}", timeout=120)
    assert segment.status_code == 200
    (tmp_path / "seg1.ts").write_bytes(segment.content)
    with av.open(str(tmp_path / "seg1.ts")) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        first = next(container.decode(container.streams.video[0]))
        assert abs(first.time - 6.0) < 0.1 and first.key_frame  # cut exactly where the playlist says


def test_probe_playlist_and_command_planning():
    from app.torrents.remux import Probe, parse_probe, playlist, segment_command

    stderr = ("Input #0, matroska,webm, from 'http://x':\n  Duration: 00:01:02.50, start: 0.000000, bitrate: 900 kb/s\n"
              "  Stream #0:0(eng): Video: hevc (Main), yuv420p(tv), 1920x1080, 24 fps\n"
              "  Stream #0:1(eng): Audio: ac3, 48000 Hz, 5.1(side), fltp, 384 kb/s (default)\n")
    probe = parse_probe(stderr)
    assert probe == Probe(62.5, "hevc", "ac3") and not probe.copy_video
    assert parse_probe("Stream #0:0: Audio: mp3\n  Duration: 00:00:10.00") is None  # no video
    text = playlist(62.5, lambda i: f"seg{i}.ts")
    assert text.count("#EXTINF:6.000,") == 10 and "#EXTINF:2.500,\nseg10.ts" in text
    argv = segment_command("ffmpeg", "http://src", probe, 3, "/out.ts")
    assert argv[argv.index("-ss") + 1] == "18" and argv[argv.index("-to") + 1] == "24"
    assert "libx264" in argv and argv[argv.index("-c:a") + 1] == "aac"
    assert "copy" in segment_command("ffmpeg", "http://src", Probe(10, "h264", "aac"), 0, "/o.ts")
