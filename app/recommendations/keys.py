"""Redis keys of the recommendations domain."""
from __future__ import annotations

from app.core.keys import key


def family(name: str) -> str:
    """One hash per family of lists built together (``trending``, ``popular``): each field a
    list as JSON, replaced as a whole so a reader never mixes two builds."""
    return key("recs", "lists", name)


def building(name: str) -> str:
    """Held while one process rebuilds a family on demand, so a cold cache is built once."""
    return key("recs", "building", name)
