"""The pure parts of torrent streaming: magnets, which file to stream, and piece planning."""
from __future__ import annotations

import pytest

from app.torrents.files import FileChoiceError, TorrentFile, choose_file
from app.torrents.magnets import MagnetError, parse_magnet, parse_source
from app.torrents.pieces import ReadAhead, Span, is_seek, sequential_reaches

HASH = "0123456789abcdef0123456789abcdef01234567"


def test_a_magnet_gives_its_hash_name_trackers_and_peer_hints():
    source = parse_magnet(f"magnet:?xt=urn:btih:{HASH.upper()}&dn=A%20Movie&tr=udp%3A%2F%2Ftracker.example%3A80"
                          "&tr=javascript:alert(1)&x.pe=127.0.0.1:6881&x.pe=[::1]:7000&x.pe=host.example:1")
    assert source.info_hash == HASH
    assert source.name == "A Movie"
    assert source.trackers == ("udp://tracker.example:80",)
    assert source.peers == (("127.0.0.1", 6881), ("::1", 7000))
    assert parse_magnet(source.magnet()) == source


def test_a_base32_hash_is_the_same_torrent():
    import base64
    import binascii

    b32 = base64.b32encode(binascii.unhexlify(HASH)).decode()
    assert parse_source(info_hash=b32).info_hash == HASH
    assert parse_magnet(f"magnet:?xt=urn:btih:{b32}").info_hash == HASH


@pytest.mark.parametrize("magnet", ["", "magnet:?dn=x", "magnet:?xt=urn:btih:abc", "http://x/y.torrent",
                                    "magnet:?xt=urn:btih:" + "g" * 40, "magnet:?xt=urn:btih:" + HASH + "&" * 9000])
def test_malformed_magnets_are_refused_naming_the_field(magnet):
    with pytest.raises(MagnetError) as refused:
        parse_source(magnet=magnet) if magnet else parse_source()
    assert refused.value.field == "magnet"


def test_a_hash_that_disagrees_with_the_magnet_is_refused():
    with pytest.raises(MagnetError) as refused:
        parse_source(magnet=f"magnet:?xt=urn:btih:{HASH}", info_hash="f" * 40)
    assert refused.value.field == "infoHash"


def _files(*specs):
    offset, files = 0, []
    for index, (path, size) in enumerate(specs):
        files.append(TorrentFile(index, path, size, offset))
        offset += size
    return files


PACK = _files(("Show/Show.S01E01.720p.mkv", 900), ("Show/Show.S01E02.720p.mkv", 950),
              ("Show/Show.S01E10.720p.mkv", 800), ("Show/Sample/Show.S01E02.sample.mkv", 50),
              ("Show/Show.S01E02.en.srt", 10))


@pytest.mark.parametrize("files, season, episode, expected", [
    (PACK, 1, 2, 1),
    (PACK, 1, 10, 2),
    (_files(("Show 1x02 Title.mp4", 10), ("Show 1x03 Title.mp4", 20)), 1, 2, 0),
    (_files(("Season 1/Episode 2.mp4", 10), ("Season 1/Episode 12.mp4", 20)), None, 2, 0),
    (_files(("Season 1/Episode 2.mp4", 10), ("Season 1/Episode 12.mp4", 20)), 1, 12, 1),
])
def test_the_episode_of_a_pack_is_found_by_its_name(files, season, episode, expected):
    assert choose_file(files, season=season, episode=episode).index == expected


def test_without_a_choice_the_largest_video_is_streamed_and_samples_lose():
    files = _files(("movie.sample.mp4", 5000), ("movie.mp4", 4000), ("movie.nfo", 9000))
    assert choose_file(files).index == 1


def test_missing_files_and_episodes_name_the_field():
    with pytest.raises(FileChoiceError) as refused:
        choose_file(PACK, season=2, episode=1)
    assert (refused.value.code, refused.value.field) == ("NO_VIDEO_FILE", "episode")
    with pytest.raises(FileChoiceError) as refused:
        choose_file(PACK, file_index=4)
    assert (refused.value.code, refused.value.field) == ("NO_VIDEO_FILE", "fileIndex")
    with pytest.raises(FileChoiceError) as refused:
        choose_file(_files(("a.txt", 1)))
    assert refused.value.code == "NO_VIDEO_FILE"


def test_a_span_maps_file_bytes_to_pieces():
    span = Span(offset=1000, size=5000, piece_length=1024)
    assert span.first_piece == 0 and span.last_piece == 5
    assert list(span.pieces(0, 23)) == [0]
    assert list(span.pieces(24, 24)) == [1]
    assert span.piece_bounds(0) == (0, 24)
    assert span.piece_bounds(5) == (4120, 5000)


def test_the_read_ahead_is_seconds_of_video_and_grows_with_the_download_rate():
    policy = ReadAhead(seconds=10, min_pieces=2)
    assert policy.window_bytes(8_000_000, 0) == 10_000_000
    assert policy.window_bytes(8_000_000, 2_000_000) == 20_000_000
    assert policy.window_bytes(8_000_000, 100_000_000) == 40_000_000  # bounded growth
    span = Span(0, 100 * 1024 * 1024, 1024 * 1024)
    plan = policy.plan(span, 50 * 1024 * 1024 + 5, 8_000_000, 0)
    assert plan[0] == (50, 0)
    assert len(plan) == 10  # ten seconds at 1 MB/s, one-MiB pieces
    assert [ms for _, ms in plan] == sorted(ms for _, ms in plan)


def test_seeks_and_the_sequential_frontier():
    assert not is_seek(10, [])
    assert not is_seek(12, [10])
    assert is_seek(80, [10, 11])
    assert sequential_reaches(3, 0)
    assert not sequential_reaches(40, 0)


def test_rendezvous_routing_is_stable_balanced_and_moves_little_when_a_streamer_joins():
    import hashlib

    from app.torrents.routing import Streamer, pick

    three = [Streamer(f"http://s{n}:5100", f"http://s{n}:5100") for n in range(3)]
    hashes = [hashlib.sha1(str(n).encode()).hexdigest() for n in range(3000)]
    before = {h: pick(h, three) for h in hashes}
    assert before == {h: pick(h, list(reversed(three))) for h in hashes}  # order does not matter
    counts = [sum(1 for s in before.values() if s == node) for node in three]
    assert all(800 < c < 1200 for c in counts)
    four = [*three, Streamer("http://s3:5100", "http://s3:5100")]
    after = {h: pick(h, four) for h in hashes}
    moved = [h for h in hashes if after[h] != before[h]]
    assert all(after[h] == four[3] for h in moved)  # only to the new streamer
    assert 600 < len(moved) < 900  # about a quarter
