"""Container layouts for the index tests: an MP4 with its moov before or after the media data, a
Matroska file whose SeekHead points at Cues near its end. Random payloads (no zero runs)."""
from __future__ import annotations

import os


def box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def mp4(size: int, moov_size: int = 64 * 1024, moov_first: bool = False, large_mdat: bool = False) -> bytes:
    """ftyp, mdat and moov, ``size`` bytes in all; the moov last unless ``moov_first``."""
    ftyp = box(b"ftyp", b"isom\0\0\2\0isomiso2")
    moov = box(b"moov", os.urandom(moov_size - 8))
    header = 16 if large_mdat else 8
    payload = os.urandom(size - len(ftyp) - len(moov) - header)
    if large_mdat:
        mdat = (1).to_bytes(4, "big") + b"mdat" + (16 + len(payload)).to_bytes(8, "big") + payload
    else:
        mdat = box(b"mdat", payload)
    return ftyp + moov + mdat if moov_first else ftyp + mdat + moov


def _size(n: int, length: int = 8) -> bytes:
    """An EBML data size in ``length`` bytes (the marker bit set)."""
    return (n | (1 << (7 * length))).to_bytes(length, "big")


def element(element_id: int, payload: bytes) -> bytes:
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + _size(len(payload)) + payload


def mkv(size: int, cues_size: int = 32 * 1024) -> bytes:
    """EBML header, then a Segment: SeekHead (naming Cues), clusters of random bytes, Cues last."""
    header = element(0x1A45DFA3, element(0x4282, b"matroska"))
    seek_head_size = len(element(0x114D9B74, element(0x4DBB, element(0x53AB, b"\x1c\x53\xbb\x6b")
                                                     + element(0x53AC, b"\0" * 8))))
    cues = element(0x1C53BB6B, os.urandom(cues_size))
    segment_head = 4 + 8  # the Segment's id and size
    clusters_size = size - len(header) - segment_head - seek_head_size - len(cues)
    clusters = element(0x1F43B675, os.urandom(clusters_size - 4 - 8))
    cues_position = seek_head_size + len(clusters)  # from the Segment's data start
    seek_head = element(0x114D9B74, element(0x4DBB, element(0x53AB, b"\x1c\x53\xbb\x6b")
                                            + element(0x53AC, cues_position.to_bytes(8, "big"))))
    body = seek_head + clusters + cues
    return header + element(0x18538067, body)
