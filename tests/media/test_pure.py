"""The media domain's pure parts: the ladder and its command, progress, playlists, URL tokens."""
from __future__ import annotations

import pytest

from app.core.signed_urls import TokenRefused, signature, signed_query, verify
from app.media.ladder import Encoding, LadderError, ladder_command, parse_ladder, renditions_for
from app.media.playlists import sign_playlist
from app.media.progress import ProgressReader

DEFAULT = "1080:5000k,720:2800k,480:1200k,360:600k"


def test_the_default_ladder_never_climbs_above_the_source():
    ladder = parse_ladder(DEFAULT)
    assert [r.name for r in renditions_for(1920, 1080, ladder, 128)] == ["1080p", "720p", "480p", "360p"]
    fitted = renditions_for(1280, 720, ladder, 128)
    assert [(r.name, r.width, r.height, r.video_kbps) for r in fitted] == [
        ("720p", 1280, 720, 2800), ("480p", 854, 480, 1200), ("360p", 640, 360, 600)]
    assert fitted[0].maxrate_kbps == 2996 and fitted[0].bufsize_kbps == 4200
    assert fitted[0].bandwidth == (2996 + 128) * 1000
    tiny = renditions_for(320, 240, ladder, 128)  # below the lowest rung: one rung at its own size
    assert [(r.width, r.height, r.video_kbps) for r in tiny] == [(320, 240, 600)]
    portrait = renditions_for(1080, 1920, ladder, 128)
    assert portrait[0].height == 1080 and portrait[0].width == 608


@pytest.mark.parametrize("spec", ["", "720", "720:", "abc:1k", "721:1000k", "720:1000k,720:500k", "720:8k"])
def test_a_bad_ladder_is_refused_with_its_reason(spec):
    with pytest.raises(LadderError):
        parse_ladder(spec)


def test_units_of_a_rung():
    assert [r.video_kbps for r in parse_ladder("720:2.5M,360:600k,240:300000")] == [2500, 600, 300]


def test_one_pass_decodes_once_and_maps_every_rung():
    renditions = renditions_for(1920, 1080, parse_ladder(DEFAULT), 128)
    argv = ladder_command("ffmpeg", "in.mp4", "/out", renditions, True, Encoding())
    assert argv.count("-i") == 1
    graph = argv[argv.index("-filter_complex") + 1]
    assert graph.startswith("[0:v:0]split=4[s0][s1][s2][s3]") and graph.count("scale=") == 4
    assert argv[argv.index("-var_stream_map") + 1] == \
        "v:0,a:0,name:1080p v:1,a:1,name:720p v:2,a:2,name:480p v:3,a:3,name:360p"
    assert argv[argv.index("-hls_time") + 1] == "6"
    assert argv[argv.index("-force_key_frames") + 1] == "expr:gte(t,n_forced*2)"
    assert argv[argv.index("-maxrate:v:1") + 1] == "2996k" and argv[argv.index("-b:a") + 1] == "128k"
    silent = ladder_command("ffmpeg", "in.mp4", "/out", renditions[:1], False, Encoding())
    assert "0:a:0" not in silent and silent[silent.index("-var_stream_map") + 1] == "v:0,name:1080p"


def test_progress_blocks_give_percent_speed_and_eta():
    reader = ProgressReader(duration=100)
    for line in ("frame=10", "out_time_us=25000000", "speed=2.5x"):
        assert reader.feed(line) is None
    snapshot = reader.feed("progress=continue")
    assert (snapshot.percent, snapshot.speed, snapshot.eta_seconds, snapshot.finished) == (25.0, 2.5, 30.0, False)
    reader.feed("out_time_us=N/A")
    assert reader.feed("progress=continue").percent == 0.0  # unknown time is no progress, not a crash
    assert reader.feed("progress=end").percent == 100.0


def test_playlists_carry_the_token_on_every_uri():
    master = ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n"
              '#EXT-X-MEDIA:TYPE=SUBTITLES,URI="subs/en.m3u8"\n#EXT-X-MAP:URI="init.mp4"\n\nseg.ts?x=1\n')
    signed = sign_playlist(master, "exp=9&st=abc").splitlines()
    assert signed[2] == "720p/index.m3u8?exp=9&st=abc"
    assert signed[3].endswith('URI="subs/en.m3u8?exp=9&st=abc"') and signed[4] == '#EXT-X-MAP:URI="init.mp4?exp=9&st=abc"'
    assert signed[6] == "seg.ts?x=1&exp=9&st=abc"


def test_tokens_bind_prefix_and_expiry():
    key = b"k" * 32
    query, expires = signed_query(key, "/api/v1/media/7/", 60, now=1000)
    assert expires == 1060 and query == f"exp=1060&st={signature(key, '/api/v1/media/7/', 1060)}"
    st = signature(key, "/api/v1/media/7/", 1060)
    verify(key, "/api/v1/media/7/", "/api/v1/media/7/j1/master.m3u8", "1060", st, now=1000)
    for args, reason in ((("/api/v1/media/8/", "/api/v1/media/8/j1/a.ts", "1060", st), 1000), "invalid"), \
                        ((("/api/v1/media/7/", "/api/v1/media/7/j1/a.ts", "1061", st), 1000), "invalid"), \
                        ((("/api/v1/media/7/", "/api/v1/media/7/j1/a.ts", "1060", st), 1060), "expired"), \
                        ((("/api/v1/media/7/", "/api/v1/media/7/j1/a.ts", None, st), 1000), "missing"), \
                        ((("/api/v1/media/7/", "/api/v1/other/a.ts", "1060", st), 1000), "invalid"):
        (prefix, path, exp, token), now = args
        with pytest.raises(TokenRefused) as refused:
            verify(key, prefix, path, exp, token, now=now)
        assert refused.value.reason == reason


def test_chunks_are_whole_segments_and_a_short_tail_joins_the_last():
    from app.media.chunks import plan_chunks

    assert [(c.start, c.duration) for c in plan_chunks(20, 6, 6)] == [(0, 6), (6, 6), (12, 8)]
    assert [(c.start, c.duration) for c in plan_chunks(130, 60, 6)] == [(0, 60), (60, 70)]
    assert [(c.start, c.duration) for c in plan_chunks(100, 50, 6)] == [(0, 48), (48, 52)]  # 50 -> 8 segments
    assert [c.label for c in plan_chunks(20, 6, 6)] == ["c0000", "c0001", "c0002"]
    assert plan_chunks(5, 60, 6)[0].duration == 5 and plan_chunks(0, 60, 6) == []


def test_joined_playlists_list_every_chunk_in_order():
    from app.media.chunks import Segment, master_playlist, media_playlist, read_segments

    chunk = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.000000,\nc0001_00000.ts\n#EXTINF:2.5,\nc0001_00001.ts\n"
    assert read_segments(chunk) == [Segment(6.0, "c0001_00000.ts"), Segment(2.5, "c0001_00001.ts")]
    growing = media_playlist([Segment(6.0, "a.ts")], finished=False)
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in growing and "#EXT-X-ENDLIST" not in growing
    whole = media_playlist([Segment(6.0, "a.ts"), Segment(6.4, "b.ts")], finished=True)
    assert "#EXT-X-TARGETDURATION:7" in whole and whole.rstrip().endswith("#EXT-X-ENDLIST")
    renditions = renditions_for(1280, 720, parse_ladder("720:2800k,360:600k"), 128)
    master = master_playlist(renditions, has_audio=True)
    assert master.count("#EXT-X-STREAM-INF") == 2 and "RESOLUTION=640x360" in master and "720p/index.m3u8" in master


def test_progress_falls_back_on_frames_when_ffmpeg_has_no_output_time():
    ticks = iter([100.0, 104.0])
    reader = ProgressReader(duration=20, frame_rate=24, clock=lambda: next(ticks))
    for line in ("frame=240", "out_time_us=N/A", "speed=N/A"):
        reader.feed(line)
    snapshot = reader.feed("progress=continue")
    assert (snapshot.percent, snapshot.seconds_done, snapshot.speed, snapshot.eta_seconds) == (50.0, 10.0, 2.5, 4.0)
