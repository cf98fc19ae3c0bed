"""The tus 1.0 resumable-upload protocol's vocabulary: versions, extensions, header formats. Pure.

https://tus.io/protocols/resumable-upload: core, creation (and creation-with-upload),
termination, expiration and checksum are spoken by ``resumable.py`` and the upload routes.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from email.utils import format_datetime
from datetime import datetime, timezone

VERSION = "1.0.0"
EXTENSIONS = ("creation", "creation-with-upload", "termination", "expiration", "checksum")
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
_KEY = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces or commas (tus: ASCII without them)
_DIGITS = re.compile(r"^\d{1,19}$")


class HeaderError(ValueError):
    """A tus header that cannot be read; ``header`` names it."""

    def __init__(self, header: str, message: str) -> None:
        super().__init__(message)
        self.header = header


def parse_length(value: str | None, header: str) -> int:
    if value is None or not _DIGITS.match(value.strip()):
        raise HeaderError(header, f"{header} must be a non-negative integer")
    return int(value.strip())


def parse_metadata(value: str | None, max_pairs: int = 32, max_bytes: int = 4096) -> dict[str, str]:
    """``key base64value,key2,...`` to a dict (values decoded as UTF-8; a key without a value is "")."""
    if not value or not value.strip():
        return {}
    if len(value) > max_bytes:
        raise HeaderError("Upload-Metadata", f"Upload-Metadata is longer than {max_bytes} bytes")
    pairs = [part.strip() for part in value.split(",")]
    if len(pairs) > max_pairs:
        raise HeaderError("Upload-Metadata", f"Upload-Metadata has more than {max_pairs} pairs")
    result: dict[str, str] = {}
    for pair in pairs:
        key, _, encoded = pair.partition(" ")
        if not _KEY.match(key) or key in result:
            raise HeaderError("Upload-Metadata", f"Upload-Metadata key {key[:40]!r} is not valid or repeated")
        try:
            raw = base64.b64decode(encoded.strip(), validate=True) if encoded.strip() else b""
        except (binascii.Error, ValueError):
            raise HeaderError("Upload-Metadata", f"the value of {key!r} is not base64") from None
        text = raw.decode("utf-8", errors="replace")
        if "\x00" in text:
            raise HeaderError("Upload-Metadata", f"the value of {key!r} holds NUL")
        result[key] = text
    return result


def encode_metadata(metadata: dict[str, str]) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" if value else key
                    for key, value in metadata.items())


def parse_checksum(value: str | None):
    """``Upload-Checksum: <algorithm> <base64 digest>`` to (hash constructor, digest), or None."""
    if not value:
        return None
    name, _, encoded = value.strip().partition(" ")
    algorithm = CHECKSUM_ALGORITHMS.get(name.lower())
    if algorithm is None:
        raise HeaderError("Upload-Checksum", f"checksum algorithm {name[:20]!r} is not supported; "
                                             f"use one of {', '.join(CHECKSUM_ALGORITHMS)}")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise HeaderError("Upload-Checksum", "the checksum is not base64") from None
    return algorithm, digest


def http_date(moment: datetime) -> str:
    """RFC 9110 date, as ``Upload-Expires`` carries it (a naive time is UTC, as the database keeps it)."""
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return format_datetime(moment, usegmt=True)
