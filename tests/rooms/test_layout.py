"""The rooms domain's layout: small modules, and Redis only in ``store`` (the door rules that
hold for every domain are in tests/test_layout.py)."""
from __future__ import annotations

import ast

from tests.test_layout import ROOT

ROOMS = ROOT / "app" / "rooms"


def test_service_is_small_and_every_module_stays_under_400_lines():
    sizes = {path.name: len(path.read_text().splitlines()) for path in ROOMS.glob("*.py")}
    assert max(sizes.values()) < 400, sizes


def test_only_the_store_talks_to_redis():
    """Every Redis command of the domain is in ``store`` (``broadcast`` only compares the URL)."""
    wrong = []
    for path in sorted(ROOMS.glob("*.py")):
        if path.name == "store.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "redis"
                    and node.attr != "url"):
                wrong.append(f"{path.name}:{node.lineno} redis.{node.attr}")
    assert wrong == []
