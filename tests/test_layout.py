"""The layout's rules, read from the code's imports (every import, at module level or inside a
function): the two layers of shared code, no import circles, and each domain's one door."""
from __future__ import annotations

import ast
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str) -> set[str]:
    """Every ``app``/``workers`` module that ``path`` imports, however deep in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in ("app", "workers")}


def _graph() -> dict[str, set[str]]:
    files = sorted([*(ROOT / "app").rglob("*.py"), *(ROOT / "workers").rglob("*.py")])
    modules = {_module_name(path): path for path in files}
    graph = {}
    for name, path in modules.items():
        # "from app.core import strict_json" names a module; "from app.errors import AppError" does not
        graph[name] = {target for target in _imports(path, name) if target in modules and target != name}
    return graph


GRAPH = _graph()
DOMAINS = sorted({name.split(".")[1] for name in GRAPH if name.count(".") >= 1 and name.startswith("app.")
                  and (ROOT / "app" / name.split(".")[1] / "__init__.py").exists()} - {"core", "platform"})


def _layer(module: str) -> str:
    parts = module.split(".")
    if module == "app.errors" or parts[:2] == ["app", "core"]:
        return "core"
    if module == "app.extensions":
        return "extensions"
    if parts[:2] == ["app", "platform"]:
        return "platform"
    if parts[0] == "workers":
        return "workers"
    if len(parts) > 1 and parts[1] in DOMAINS:
        return "domain:" + parts[1]
    return "assembly"  # the factory and what assembles the app from the domains


def _edges(source_layer: str):
    for module, targets in GRAPH.items():
        if _layer(module) == source_layer:
            for target in sorted(targets):
                yield module, target


def test_the_graph_sees_the_code():
    assert "app.core.identity" in GRAPH["app.core.ratelimit"]
    assert "app.extensions" in GRAPH["app.platform.breaker"]
    assert {"auth", "catalog", "rooms", "ops"} <= set(DOMAINS)


def test_core_is_what_the_extensions_are_made_of():
    """``app.core`` (and ``app.errors``) import nothing of the app outside themselves."""
    wrong = [(module, target) for module, target in _edges("core") if _layer(target) != "core"]
    assert wrong == []


def test_extensions_are_made_of_core_only():
    wrong = [(module, target) for module, target in _edges("extensions") if _layer(target) != "core"]
    assert wrong == []


def test_platform_uses_the_extensions_and_knows_no_domain():
    allowed = {"core", "extensions", "platform"}
    wrong = [(module, target) for module, target in _edges("platform") if _layer(target) not in allowed]
    assert wrong == []


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_shared_code_has_no_import_circle():
    shared = {name: {t for t in targets if _layer(t) in ("core", "extensions", "platform")}
              for name, targets in GRAPH.items() if _layer(name) in ("core", "extensions", "platform")}
    assert _cycle(shared) is None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def _domain(module: str) -> str | None:
    layer = _layer(module)
    return layer.split(":", 1)[1] if layer.startswith("domain:") else None


def _door(target: str) -> bool:
    """What one domain may import of another: its service, or its schemas to embed in a response.
    (The package itself is named by every ``from app.x import service``; it holds only the
    domain's declaration.)"""
    parts = target.split(".")
    return len(parts) == 2 or (len(parts) == 3 and parts[2] in ("service", "schemas"))


def test_domains_meet_only_at_their_service():
    wrong = []
    for module, targets in GRAPH.items():
        own = _domain(module)
        for target in sorted(targets):
            other = _domain(target)
            if own and other and own != other and not _door(target):
                wrong.append((module, target))
    assert wrong == []


def test_workers_call_a_domain_through_its_service():
    wrong = [(module, target) for module, target in _edges("workers")
             if _domain(target) and target.split(".")[2:] not in ([], ["service"])]
    assert wrong == []


def test_schemas_embed_other_domains_schemas_only():
    """A schemas module may embed another domain's schemas, and nothing else of it."""
    wrong = [(module, target) for module, targets in GRAPH.items() if module.endswith(".schemas")
             for target in sorted(targets)
             if _domain(target) and _domain(target) != _domain(module) and not target.endswith(".schemas")
             and target.count(".") > 1]
    assert wrong == []


def test_routes_and_events_call_their_own_domain():
    """Composition across domains lives in services: a route or event module calls its own service."""
    wrong = [(module, target) for module, targets in GRAPH.items() if module.rsplit(".", 1)[-1] in ("routes", "events")
             for target in sorted(targets)
             if _domain(target) and _domain(target) != _domain(module) and not target.endswith(".schemas")]
    assert wrong == []


def test_domains_do_not_import_each_other_in_a_circle():
    domains: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        own = _domain(module)
        if own:
            domains.setdefault(own, set()).update(
                other for other in map(_domain, targets) if other and other != own)
    assert _cycle(domains) is None


def test_no_module_imports_itself_in_a_circle():
    """Inside a domain too: inner modules never import their own service (it is the top).
    (``from app.x import y`` names the package as well as ``y``; those edges are left out.)"""
    packages = {name for name in GRAPH if (ROOT / name.replace(".", "/") / "__init__.py").exists()}
    modules = {name: targets - packages for name, targets in GRAPH.items()}
    assert _cycle(modules) is None


def test_every_domain_package_is_listed_once():
    from app.domains import NAMES

    packages = {path.parent.name for path in (ROOT / "app").glob("*/__init__.py")} - {"core", "platform"}
    assert sorted(NAMES) == sorted(packages) and len(set(NAMES)) == len(NAMES)


def test_routes_events_and_tasks_enter_their_domain_by_its_service():
    """What a domain's mounts, socket handlers and tasks may use of their own domain: its
    service (the door) and its schemas; nothing inner."""
    from app.domains import all_domains

    wrong = []
    for domain in all_domains():
        entries = {mount.blueprint.partition(":")[0] for mount in domain.mounts}
        entries |= {name for name in (domain.socket_events, domain.tasks) if name}
        for module in sorted(entries):
            for target in sorted(GRAPH[module]):
                if _domain(target) == domain.name and target.split(".")[2:] not in ([], ["service"], ["schemas"]):
                    wrong.append((module, target))
    assert wrong == []
