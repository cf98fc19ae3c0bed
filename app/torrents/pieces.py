"""Piece planning for a stream: which pieces a byte range needs and which to ask for first.

Pure: no libtorrent, no Flask. The read-ahead window is sized in seconds of video (from the
file's bitrate) and grows when the swarm delivers faster than the video plays; deadlines within
it are spaced by how long one piece lasts on screen, so the piece under the playhead is asked
for first and the rest in playing order. Reads the sequential picker is about to serve get no
deadlines at all: against one peer, sequential order starts faster than deadlines do.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Where a file lies in the torrent's byte stream."""

    offset: int
    size: int
    piece_length: int

    def piece_at(self, position: int) -> int:
        """The piece holding the file's byte ``position``."""
        return (self.offset + position) // self.piece_length

    def pieces(self, start: int, end: int) -> range:
        """Pieces holding the file's bytes ``start``..``end`` (inclusive)."""
        return range(self.piece_at(start), self.piece_at(end) + 1)

    @property
    def first_piece(self) -> int:
        return self.piece_at(0)

    @property
    def last_piece(self) -> int:
        return self.piece_at(max(0, self.size - 1))

    def piece_bounds(self, piece: int) -> tuple[int, int]:
        """The file's byte range (start, end exclusive) that lies in ``piece``."""
        start = max(0, piece * self.piece_length - self.offset)
        end = min(self.size, (piece + 1) * self.piece_length - self.offset)
        return start, end


@dataclass(frozen=True)
class ReadAhead:
    """How far ahead of a reader to ask for pieces."""

    seconds: float = 30.0  # of video at its bitrate
    min_pieces: int = 4
    max_bytes: int = 256 * 1024 * 1024
    max_growth: float = 4.0  # the window grows up to this many times when the swarm is fast
    default_bitrate: int = 8_000_000  # bits per second, until the file's own is known

    def window_bytes(self, bitrate: int | None, download_rate: float) -> int:
        bytes_per_second = (bitrate or self.default_bitrate) / 8
        size = self.seconds * bytes_per_second
        if download_rate > bytes_per_second:
            size *= min(self.max_growth, download_rate / bytes_per_second)
        return int(min(size, self.max_bytes))

    def plan(self, span: Span, position: int, bitrate: int | None, download_rate: float) -> list[tuple[int, int]]:
        """``(piece, deadline ms)`` for the window starting at the file's byte ``position``: the
        first piece at once, each next one when the one before would have finished playing."""
        first = span.piece_at(min(max(0, position), max(0, span.size - 1)))
        count = max(self.min_pieces, -(-self.window_bytes(bitrate, download_rate) // span.piece_length))
        last = min(span.last_piece, first + count - 1)
        seconds_per_piece = span.piece_length * 8 / (bitrate or self.default_bitrate)
        return [(piece, int(i * seconds_per_piece * 1000)) for i, piece in enumerate(range(first, last + 1))]


NEAR_PIECES = 4


def sequential_reaches(piece: int, frontier: int, near: int = NEAR_PIECES) -> bool:
    """Whether the sequential picker, now at ``frontier`` (the file's first missing piece),
    brings ``piece`` within a few pieces: then deadlines would only slow it down (libtorrent's
    time-critical picker is slower than sequential order against a single peer)."""
    return piece - frontier <= near


def is_seek(piece: int, pieces_read: list[int], near: int = NEAR_PIECES) -> bool:
    """A new read far from every read in progress: the player jumped."""
    return bool(pieces_read) and all(abs(piece - other) > near for other in pieces_read)


def bitrate_of(size: int, duration: float | None) -> int | None:
    """Bits per second of a file of ``size`` bytes that plays for ``duration`` seconds."""
    if not duration or duration <= 0:
        return None
    return int(size * 8 / duration)
