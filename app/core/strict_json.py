"""JSON parsing that refuses what the standard library lets through: lone surrogates, deep nesting.

Python's ``json.loads`` turns ``"\\ud800"`` into a string that cannot be encoded (the database,
argon2 and Redis then fail with a 500), and on about a thousand levels of nesting it raises
``RecursionError``. Every JSON document a client sends (REST bodies, Socket.IO packets) is read
through ``loads`` here, so both are refused once, as invalid input naming where it was found.
No Flask import: REST and sockets wrap the error in their own envelopes.
"""
from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32  # far above any payload we accept (the deepest is 4 levels), far below the C parser's limit

# An escaped surrogate in the raw text is the only way one can reach a parsed string (the bytes
# were decoded as UTF-8, which refuses encoded surrogates); pairs are legal, so a match only
# means the parsed strings must be looked at.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidJson(ValueError):
    """The document is not JSON we accept; ``path`` lists the keys/indexes leading to the problem."""

    def __init__(self, message: str, path: tuple = (), reason: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.path = tuple(path)
        self.reason = reason  # "syntax", "depth" or "surrogate"

    def field(self, prefix: tuple = ()) -> str | None:
        """The path as a dotted field name (``items.0.name``), without ``prefix``; None at the root."""
        path = self.path[len(prefix):] if self.path[:len(prefix)] == tuple(prefix) else self.path
        return ".".join(str(part) for part in path) or None


def loads(text: str | bytes | bytearray, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``text`` like ``json.loads``, refusing nesting past ``max_depth`` and lone surrogates."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig" if text[:3] == b"\xef\xbb\xbf" else "utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidJson(f"The body is not UTF-8 text (byte {exc.start})") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise InvalidJson(f"JSON is nested deeper than {max_depth} levels", reason="depth") from None
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"Invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    # Counting brackets is C-speed and bounds the depth, so most documents are never walked.
    if text.count("[") + text.count("{") > max_depth or _ESCAPED_SURROGATE.search(text):
        _check(value, max_depth)
    return value


def _check(value: Any, max_depth: int) -> None:
    stack: list[tuple[Any, tuple, int]] = [(value, (), 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                raise InvalidJson("Text contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not valid "
                                  "Unicode", path, "surrogate")
            continue
        if not isinstance(node, (dict, list)):
            continue
        if depth >= max_depth:
            raise InvalidJson(f"JSON is nested deeper than {max_depth} levels", path, "depth")
        if isinstance(node, dict):
            for key, item in node.items():
                if _SURROGATE.search(key):
                    raise InvalidJson("A key contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not "
                                      "valid Unicode", path, "surrogate")
                stack.append((item, (*path, key), depth + 1))
        else:
            stack.extend((item, (*path, index), depth + 1) for index, item in enumerate(node))
