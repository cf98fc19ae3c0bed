"""The rooms domain's layout, read from the code: one door (``service``), and Redis only in ``store``."""
from __future__ import annotations

import ast

from tests.test_layout import GRAPH, ROOT

ROOMS = ROOT / "app" / "rooms"
DOOR = {"app.rooms", "app.rooms.service"}
# the assembly registers the domain's blueprints and socket handlers
REGISTERED = {"app.rooms.routes", "app.rooms.events", "app.rooms.demo"}


def _rooms_targets(module: str) -> set[str]:
    return {target for target in GRAPH[module] if target == "app.rooms" or target.startswith("app.rooms.")}


def test_outside_the_domain_only_the_door_is_used():
    wrong = []
    for module in GRAPH:
        if module == "app.rooms" or module.startswith("app.rooms."):
            continue
        allowed = DOOR | (REGISTERED if module in ("app", "app.blueprints") else set())
        wrong += [(module, target) for target in sorted(_rooms_targets(module) - allowed)]
    assert wrong == []


def test_routes_and_events_go_through_the_door():
    for module in ("app.rooms.routes", "app.rooms.events"):
        assert _rooms_targets(module) <= DOOR | {"app.rooms.schemas"}, module


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
