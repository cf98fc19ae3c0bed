"""Where a video file keeps its index, read from its first bytes: the MP4 ``moov`` box (which a
player needs before the first frame, and which many files carry at the end) and the Matroska
``Cues`` (which a seek needs). Pure: bytes in, byte ranges out; the engine asks for those pieces
right after the first one, so a player that reads the head and then the index waits once.
"""
from __future__ import annotations

MAX_INDEX_BYTES = 64 * 1024 * 1024  # more than any real index; a bigger tail is not an index
CUES_GUESS_BYTES = 2 * 1024 * 1024  # Cues are rarely larger; their own size is in their header

# Matroska element ids (with their length markers, as they appear in the file)
EBML, SEGMENT, SEEK_HEAD, SEEK, SEEK_ID, SEEK_POSITION, CUES = (
    0x1A45DFA3, 0x18538067, 0x114D9B74, 0x4DBB, 0x53AB, 0x53AC, 0x1C53BB6B)


def index_range(head: bytes, size: int) -> tuple[int, int] | None:
    """The file's byte range (start, end exclusive) holding its index when that lies past
    ``head`` (the file's first bytes), else None: already in the head, or not a container
    this knows."""
    if head[4:8] == b"ftyp":
        return _mp4_index(head, size)
    if head[:4] == EBML.to_bytes(4, "big"):
        return _matroska_cues(head, size)
    return None


def _mp4_index(head: bytes, size: int) -> tuple[int, int] | None:
    """Top-level boxes are walked from the start; the boxes after the media data (``mdat``) are
    the index when ``moov`` was not met before it."""
    position = 0
    while position + 8 <= len(head):
        box_size = int.from_bytes(head[position:position + 4], "big")
        kind = head[position + 4:position + 8]
        if box_size == 1:  # a 64-bit size follows the type
            if position + 16 > len(head):
                return None
            box_size = int.from_bytes(head[position + 8:position + 16], "big")
        elif box_size == 0:  # to the end of the file
            box_size = size - position
        if kind == b"moov":
            if position + box_size <= len(head) or box_size > MAX_INDEX_BYTES:
                return None  # in the head already, or a size no index has (a hostile header)
            return position, min(size, position + box_size)
        if box_size < 8:
            return None  # not a box list
        if kind == b"mdat":
            tail = position + box_size
            if tail >= size or size - tail > MAX_INDEX_BYTES:
                return None
            return tail, size
        position += box_size
    return None


def _vint(data: bytes, at: int, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at ``at``: (value, length), or None if cut or invalid."""
    if at >= len(data) or data[at] == 0:
        return None
    length = 8 - data[at].bit_length() + 1
    if at + length > len(data):
        return None
    value = int.from_bytes(data[at:at + length], "big")
    if not keep_marker:
        value &= (1 << (7 * length)) - 1
    return value, length


def _element(data: bytes, at: int) -> tuple[int, int, int] | None:
    """(id, data start, data size) of the element at ``at``."""
    read_id = _vint(data, at, keep_marker=True)
    if read_id is None:
        return None
    read_size = _vint(data, at + read_id[1], keep_marker=False)
    if read_size is None:
        return None
    return read_id[0], at + read_id[1] + read_size[1], read_size[0]


def _matroska_cues(head: bytes, size: int) -> tuple[int, int] | None:
    """The Cues' position from the SeekHead at the start of the Segment."""
    header = _element(head, 0)
    if header is None or header[0] != EBML:
        return None
    segment = _element(head, header[1] + header[2])
    if segment is None or segment[0] != SEGMENT:
        return None
    segment_start = segment[1]
    seek_head = _element(head, segment_start)
    if seek_head is None or seek_head[0] != SEEK_HEAD:
        return None
    at, end = seek_head[1], min(len(head), seek_head[1] + seek_head[2])
    while at < end:
        seek = _element(head, at)
        if seek is None:
            return None
        if seek[0] == SEEK:
            target, position = None, None
            inner, inner_end = seek[1], seek[1] + seek[2]
            while inner < inner_end:
                child = _element(head, inner)
                if child is None:
                    return None
                value = int.from_bytes(head[child[1]:child[1] + child[2]], "big")
                if child[0] == SEEK_ID:
                    target = value
                elif child[0] == SEEK_POSITION:
                    position = value
                inner = child[1] + child[2]
            if target == CUES and position is not None:
                start = segment_start + position
                if len(head) <= start < size:
                    return start, min(size, start + CUES_GUESS_BYTES)
                return None
        at = seek[1] + seek[2]
    return None
