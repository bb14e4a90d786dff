"""The product code's shape: no import cycle, no module over 300 lines, pure gateways.

The imports are read with ``ast`` (every import, those inside functions included), not by
importing: a late import that hides a cycle at run time still counts here.

Edges: ``import a.b.c`` and ``from a.b import c`` point at the module they name (``a.b.c``
when it is a module, else ``a.b``) and at the packages Python runs on the way (``a``,
``a.b``), except the importer's own packages: a module that imports its package's
``__init__`` (Flask's ``from . import bp``) needs nothing Python has not started already.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("app.py", "config.py", "extensions.py", "blueprints", "services", "core", "models",
           "gateways", "cli")
MAX_LINES = 300
# What a gateway may not reach, directly or through what it imports: gateways are pure.
GATEWAY_FORBIDDEN = ("extensions", "models", "services", "core.settings")


def product_files() -> dict[str, Path]:
    """Dotted module name -> file, for every product module."""
    modules = {}
    for entry in PRODUCT:
        path = ROOT / entry
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            parts = list(file.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = file
    return modules


MODULES = product_files()


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def ancestors(name: str) -> list[str]:
    """``a.b.c`` -> ``["a", "a.b"]``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imported_names(module: str) -> Iterator[str]:
    """Every dotted name ``module`` imports, relative imports resolved."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"), str(MODULES[module]))
    package = module if is_package(module) else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            yield source
            # ``from pkg import sub`` imports the submodule ``pkg.sub``.
            yield from (f"{source}.{alias.name}" for alias in node.names)


def edges(module: str) -> set[str]:
    """The product modules that importing ``module`` runs first."""
    own = set(ancestors(module)) | {module}
    targets = set()
    for name in imported_names(module):
        if name not in MODULES:
            continue
        targets.update(t for t in [*ancestors(name), name] if t in MODULES and t not in own)
    return targets


GRAPH = {module: edges(module) for module in MODULES}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components with more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def cycle_in(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One concrete cycle through the component's first module, as a path."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return component


def path_to(start: str, goal, graph: dict[str, set[str]]) -> list[str] | None:
    """The shortest import path from ``start`` to a module ``goal`` accepts, else None."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node]):
            if target not in paths:
                paths[target] = [*paths[node], target]
                if goal(target):
                    return paths[target]
                queue.append(target)
    return None


def test_the_walk_sees_the_product_code():
    # The walk itself: every area is there, and a known edge of each kind is found.
    assert {"app", "config", "extensions", "core.phones", "gateways.base"} <= set(MODULES)
    assert "extensions" in GRAPH["app"]
    assert "core.settings" in GRAPH["core.phones"]  # ``from core import settings``


def test_no_import_cycle():
    cycles = []
    for component in strongly_connected(GRAPH):
        cycle = cycle_in(component, GRAPH)
        rest = sorted(set(component) - set(cycle))
        cycles.append(" -> ".join(cycle) + (f"  (tangled with {', '.join(rest)})" if rest else ""))
    assert not cycles, "import cycles in the product code:\n  " + "\n  ".join(cycles)


def test_no_module_over_300_lines():
    lines = {module: len(file.read_text(encoding="utf-8").splitlines())
             for module, file in MODULES.items()}
    over = sorted(f"{MODULES[m].relative_to(ROOT)}: {n} lines"
                  for m, n in lines.items() if n > MAX_LINES)
    assert not over, f"modules over {MAX_LINES} lines (split them):\n  " + "\n  ".join(over)


def forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in GATEWAY_FORBIDDEN)


def test_gateways_are_pure():
    reached = []
    for module in sorted(m for m in MODULES if m == "gateways" or m.startswith("gateways.")):
        path = path_to(module, forbidden, GRAPH)
        if path is not None:
            reached.append(" -> ".join(path))
    assert not reached, ("gateways reach the database, the app's extensions, services or "
                         "settings:\n  " + "\n  ".join(reached))


# Layers, lowest first: a module may import its own layer and those below it, never above.
LAYERS = (("core", "models", "gateways", "extensions", "config"), ("services",),
          ("blueprints", "cli", "app"))


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    return next(index for index, tops in enumerate(LAYERS) if top in tops)


def test_nothing_imports_upwards():
    upward = sorted(f"{module} -> {target}" for module, targets in GRAPH.items()
                    for target in targets if layer_of(target) > layer_of(module))
    assert not upward, "imports from a higher layer:\n  " + "\n  ".join(upward)


def pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a requirements file or lock, names normalised."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip().rstrip("\\").strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==")
            name = name.split("[")[0].strip().lower().replace("_", "-").replace(".", "-")
            found[name] = version.split(";")[0].strip()
    return found


def test_the_locks_hold_every_pin():
    # make installs from the locks: a pin changed in a .txt file without `make lock` is lost.
    runtime = pins(ROOT / "requirements.txt")
    dev = {**runtime, **pins(ROOT / "requirements-dev.txt")}
    for source, lock in ((runtime, "requirements.lock"), (dev, "requirements-dev.lock")):
        locked = pins(ROOT / lock)
        stale = sorted(f"{name}=={version} (lock: {locked.get(name, 'missing')})"
                       for name, version in source.items() if locked.get(name) != version)
        assert not stale, f"{lock} is stale, run `make lock`:\n  " + "\n  ".join(stale)
