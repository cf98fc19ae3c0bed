"""Where a video keeps its index, read from its first bytes (pure)."""
from __future__ import annotations

import os

from app.torrents.container import MAX_INDEX_BYTES, index_range
from tests.support.containers import box, mp4, mkv

HEAD = 256 * 1024


def test_an_mp4_with_its_moov_at_the_end_names_the_tail():
    data = mp4(3 * 1024 * 1024, moov_size=100_000)
    assert index_range(data[:HEAD], len(data)) == (len(data) - 100_000, len(data))
    assert data[len(data) - 100_000 + 4:len(data) - 100_000 + 8] == b"moov"


def test_a_64_bit_mdat_size_is_followed():
    data = mp4(2 * 1024 * 1024, moov_size=50_000, large_mdat=True)
    assert index_range(data[:HEAD], len(data)) == (len(data) - 50_000, len(data))


def test_a_faststart_mp4_has_its_index_in_the_head():
    data = mp4(2 * 1024 * 1024, moov_size=20_000, moov_first=True)
    assert index_range(data[:HEAD], len(data)) is None


def test_a_moov_that_starts_in_the_head_and_goes_past_it_is_the_rest_of_the_moov():
    data = mp4(2 * 1024 * 1024, moov_size=400_000, moov_first=True)
    start = data.index(b"moov") - 4
    assert index_range(data[:HEAD], len(data)) == (start, start + 400_000)


def test_a_matroska_file_names_its_cues_from_the_seek_head():
    data = mkv(3 * 1024 * 1024, cues_size=40_000)
    start, end = index_range(data[:HEAD], len(data))
    assert data[start:start + 4] == bytes.fromhex("1c53bb6b")
    assert (start, end) == (len(data) - (4 + 8 + 40_000), len(data))  # the Cues element, to the end


def test_anything_else_has_no_index_to_hurry():
    size = 5 * 1024 * 1024
    assert index_range(os.urandom(HEAD), size) is None
    assert index_range(b"", size) is None
    assert index_range(box(b"ftyp", b"isom") + b"\0\0\0\3mdat", size) is None  # a box smaller than its header
    # media data followed by more than any index could be: not an index
    huge = box(b"ftyp", b"isom") + (HEAD).to_bytes(4, "big") + b"mdat"
    assert index_range(huge, HEAD + MAX_INDEX_BYTES + 1024) is None
    # a moov claiming the whole of a huge file (a hostile header) is no index either
    hostile = box(b"ftyp", b"isom") + (1).to_bytes(4, "big") + b"moov" + (1 << 62).to_bytes(8, "big")
    assert index_range(hostile + os.urandom(100), 50 * 1024 ** 3) is None
    assert index_range(box(b"ftyp", b"isom") + b"\0\0\0\0moov", 50 * 1024 ** 3) is None  # size 0: to the end
    # a cut Matroska header
    assert index_range(mkv(1024 * 1024)[:20], 1024 * 1024) is None
