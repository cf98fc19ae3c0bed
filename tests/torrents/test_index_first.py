"""A video's index is asked for right after its first piece, before any player reads: an MP4
whose moov sits at the end, a Matroska file's Cues. Against one seeder capped at 1 MB/s, the
sequential picker alone would bring the end of the file last."""
from __future__ import annotations

import time

import pytest

from app.torrents.engine import Engine
from tests.support.containers import mkv, mp4
from tests.support.swarm import Seeder

PIECE = 128 * 1024
SIZE = 6 * 1024 * 1024


@pytest.fixture(scope="module")
def slow_seeder():
    swarm = Seeder(upload_limit=1_000_000)
    swarm.wait_listening()
    yield swarm
    swarm.close()


@pytest.fixture
def engine(app, tmp_path):
    engine = Engine({**app.config, "TORRENT_DOWNLOAD_DIR": str(tmp_path)})
    yield engine
    engine.close()


def pieces_held_when_the_index_arrived(engine, seeded, index_start: int) -> tuple[int, int]:
    """Open the stream (nobody reads) and wait for the index's first piece: how many pieces of
    the file were verified by then, of how many."""
    stream = engine.open(seeded.info, [], [("127.0.0.1", seeded.port)], 0)
    span = stream.span(stream.meta.file(0))
    wanted = span.piece_at(index_start)
    deadline = time.monotonic() + 20
    while not stream.has(wanted):
        assert time.monotonic() < deadline, "the index never arrived"
        time.sleep(0.01)
    held = sum(stream.has(p) for p in range(span.first_piece, span.last_piece + 1))
    return held, span.last_piece - span.first_piece + 1


def test_an_mp4_whose_moov_is_at_the_end_gets_it_right_after_its_head(engine, slow_seeder):
    data = mp4(SIZE, moov_size=100_000)
    seeded = slow_seeder.seed("Moov.At.End.mp4", {"Moov.At.End.mp4": data}, piece_length=PIECE)
    held, total = pieces_held_when_the_index_arrived(engine, seeded, len(data) - 100_000)
    assert held <= total // 3, f"{held} of {total} pieces came before the moov: it was not asked for first"


def test_a_matroska_file_gets_its_cues_right_after_its_head(engine, slow_seeder):
    data = mkv(SIZE, cues_size=60_000)
    seeded = slow_seeder.seed("Cues.At.End.mkv", {"Cues.At.End.mkv": data}, piece_length=PIECE)
    held, total = pieces_held_when_the_index_arrived(engine, seeded, len(data) - 60_000)
    assert held <= total // 3, f"{held} of {total} pieces came before the cues: they were not asked for first"
