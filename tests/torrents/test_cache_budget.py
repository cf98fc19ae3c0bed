"""What the streamer makes from a stream (HLS segments) counts against the disk budget: the
stream's own oldest segments go first (never the newest few), then idle streams."""
from __future__ import annotations

import os

import pytest

from app.torrents.engine import CACHE_KEEP_NEWEST, Engine, STOPPED_EVICTED

KiB = 1024
SEGMENT = 100 * KiB


@pytest.fixture
def budget_engine(app, tmp_path):
    engine = Engine({**app.config, "TORRENT_DOWNLOAD_DIR": str(tmp_path), "TORRENT_DISK_BUDGET": 1000 * KiB})
    yield engine
    engine.close()


def seed(seeder, name: str, size: int):
    return seeder.seed(name, {name: os.urandom(size)})


def make_segment(stream, index: int) -> None:
    """As app/torrents/hls.py does: a file in the stream's cache, then the engine is told."""
    path = stream.cache_dir / "0" / f"seg{index:05d}.ts"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(SEGMENT))
    os.utime(path, (1_000_000 + index, 1_000_000 + index))  # made in this order
    stream.engine.cached(stream, SEGMENT)


def segments(stream) -> list[str]:
    return sorted(p.name for p in (stream.cache_dir / "0").iterdir())


def test_segments_count_and_the_oldest_go_when_the_budget_is_full(budget_engine, seeder):
    movie = seed(seeder, "Cached.mkv", 400 * KiB)
    stream = budget_engine.open(movie.info, [], [("127.0.0.1", movie.port)], 0)
    for index in range(6):  # 400 KiB of file + 6 x 100 KiB: all fit
        make_segment(stream, index)
    assert budget_engine.disk_usage() == 1000 * KiB and len(segments(stream)) == 6
    for index in range(6, 12):  # each new one pushes the oldest out
        make_segment(stream, index)
        assert budget_engine.disk_usage() <= 1000 * KiB
    assert segments(stream) == [f"seg{i:05d}.ts" for i in range(6, 12)]
    assert stream.cache_bytes == 6 * SEGMENT


def test_a_streams_own_old_segments_go_before_idle_streams(budget_engine, seeder):
    idle = budget_engine.open(seed(seeder, "Idle.mkv", 300 * KiB).info, [], [], 0)
    watched_movie = seed(seeder, "Watched.mkv", 300 * KiB)
    watched = budget_engine.open(watched_movie.info, [], [("127.0.0.1", watched_movie.port)], 0)
    for index in range(6):  # 300 + 300 + 4 x 100 KiB fill the budget; later ones replace the oldest
        make_segment(watched, index)
    assert budget_engine.get(idle.info_hash) is idle and budget_engine.disk_usage() <= 1000 * KiB
    assert segments(watched) == [f"seg{i:05d}.ts" for i in range(2, 6)]


def test_idle_streams_go_when_the_newest_segments_alone_overflow(budget_engine, seeder):
    idle = budget_engine.open(seed(seeder, "Idle2.mkv", 300 * KiB).info, [], [], 0)
    big_movie = seed(seeder, "Big2.mkv", 600 * KiB)
    big = budget_engine.open(big_movie.info, [], [("127.0.0.1", big_movie.port)], 0)
    assert budget_engine.get(idle.info_hash) is idle  # 300 + 600 KiB fit
    for index in range(CACHE_KEEP_NEWEST):  # the newest three are never pruned: the idle stream goes
        make_segment(big, index)
    assert budget_engine.get(idle.info_hash) is None and budget_engine.stopped[idle.info_hash] == STOPPED_EVICTED
    assert len(segments(big)) == CACHE_KEEP_NEWEST and budget_engine.disk_usage() == 900 * KiB


def test_the_newest_segments_stay_even_over_the_budget(budget_engine, seeder):
    movie = seed(seeder, "Big.mkv", 900 * KiB)
    stream = budget_engine.open(movie.info, [], [("127.0.0.1", movie.port)], 0)
    for index in range(CACHE_KEEP_NEWEST + 2):
        make_segment(stream, index)
    assert segments(stream) == [f"seg{i:05d}.ts" for i in range(2, CACHE_KEEP_NEWEST + 2)]


def test_a_restarted_streamer_counts_the_segments_it_finds(app, tmp_path, seeder):
    movie = seed(seeder, "Again.mkv", 200 * KiB)
    config = {**app.config, "TORRENT_DOWNLOAD_DIR": str(tmp_path), "TORRENT_DISK_BUDGET": 1000 * KiB}
    first = Engine(config)
    stream = first.open(movie.info, [], [], 0)
    for index in range(3):
        make_segment(stream, index)
    (stream.cache_dir / "0" / "seg00003.1234.part").write_bytes(b"half a segment")  # cut by the stop
    first.save_all()
    first.closed = True  # as a process that stops: the files stay for the next run
    second = Engine(config)
    try:
        second.resume(lambda info_hash: (movie.info, [], []) if info_hash == movie.info_hash else None)
        assert second.get(movie.info_hash).cache_bytes == 3 * SEGMENT
        assert segments(second.get(movie.info_hash)) == [f"seg{i:05d}.ts" for i in range(3)]  # the part is gone
        assert second.disk_usage() == 200 * KiB + 3 * SEGMENT
    finally:
        second.close()
