"""The packages of ``app`` import each other in one direction only: no import cycle between
them, and none imports a package of a layer above its own (``docs/architecture.md``,
"Layers"). Every import counts, also one inside a function or under ``TYPE_CHECKING``.
The packages of ``schema`` (one per domain) load without a cycle: only the imports that
run as a module loads count there, since GraphQL types of two domains may name each other
lazily.

A unit is a subpackage of ``app`` (``app.experiments``) or a top-level module
(``app.config``). ``schema/`` (the GraphQL schema, an edge) is imported by ``app.main``
alone.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _layers(*groups: tuple[str, ...]) -> dict[str, int]:
    return {f"app.{name}": level for level, group in enumerate(groups) for name in group}


# Each unit's layer, lowest first; a unit may import its own layer's units and lower ones'
LAYERS = _layers(
    # 0 foundation: settings, errors, the tables, the database, the rules of access, the
    # outbox and the broker, the object stores, helpers every domain may use
    (
        "access",
        "background",
        "batch_ids",
        "config",
        "cursors",
        "db",
        "errors",
        "floats",
        "events",
        "http_protocol",
        "leader",
        "logging",
        "mlflow_terms",
        "models",
        "offload",
        "pins",
        "read_timeouts",
        "smtp_url",
        "sqlite_thread",
        "storage",
        "validation",
        "webhook_urls",
        "ws_frames",
    ),
    # 1 the domains everything else refers to: who, and what question
    ("users", "hypotheses"),
    # 2 the experiment, its lifecycle and the seams in it (start and finish hooks)
    ("experiments",),
    # 3 what a run holds and produces, and what is read of it
    (
        "artifacts",
        "compare",
        "live",
        "logs",
        "metrics",
        "notifications",
        "resources",
        "stats",
    ),
    # 4 the mirrors to other trackers, the health probes, the request rate limits
    ("integrations", "observability", "rate_limits"),
    # 5 the edges (REST, the MLflow API, the CLI) and the composition root: ``services``
    # and ``main`` (which alone imports ``schema``)
    (
        "cli",
        "cli_help",
        "cli_import",
        "cli_tokens",
        "database_setup",
        "demo",
        "listen_check",
        "main",
        "migrate",
        "mlflow_api",
        "request_body",
        "rest",
        "runtime",
        "server",
        "services",
        "startup_checks",
        "web_console",
    ),
)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    where: str  # file:line of the import


def unit_of(module: str) -> str:
    """``app.experiments.service`` → ``app.experiments``; ``app.config`` → itself."""
    return ".".join(module.split(".")[:2])


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str, root: Path) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _at_load(tree: ast.Module) -> Iterable[ast.AST]:
    """The nodes that run when the module loads: not inside a function, not under
    ``if TYPE_CHECKING:``."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            pending.extend(node.orelse)
            continue
        yield node
        pending.extend(ast.iter_child_nodes(node))


def imported_modules(path: Path, root: Path, *, at_load: bool = False) -> Iterable[tuple[str, int]]:
    """Every module ``path`` imports, anywhere in it (``at_load``: only where it runs as the
    module loads), with the line."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in _at_load(tree) if at_load else ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                # ``from app import config`` imports the module app.config
                yield (candidate if _is_module(candidate, root) else base), node.lineno


def import_edges(
    package: str, root: Path = ROOT, *, modules: bool = False, at_load: bool = False
) -> list[Edge]:
    """The imports between ``package``'s units (``modules``: between its modules), one
    edge per imported name (``at_load``: only the imports that run as a module loads)."""
    edges: list[Edge] = []
    for path in sorted((root / package).rglob("*.py")):
        module = _module_name(path, root)
        for name, line in imported_modules(path, root, at_load=at_load):
            source, target = (module, name) if modules else (unit_of(module), unit_of(name))
            inside = name.split(".")[0] == package and package not in (source, target)
            if inside and source != target:
                edges.append(Edge(source, target, f"{path.relative_to(root)}:{line}"))
    return edges


def cycles(edges: Iterable[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one unit (Tarjan), each sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        graph[edge.source].add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def describe(component: list[str], edges: Iterable[Edge]) -> str:
    """A cycle's edges, each with where its imports are."""
    members = set(component)
    wheres: dict[tuple[str, str], set[str]] = defaultdict(set)
    for edge in edges:
        if edge.source in members and edge.target in members:
            wheres[(edge.source, edge.target)].add(edge.where)
    lines = [f"cycle between {', '.join(component)}:"]
    lines += [f"  {a} -> {b}: {', '.join(sorted(w))}" for (a, b), w in sorted(wheres.items())]
    return "\n".join(lines)


def test_cycle_finder_on_a_small_graph() -> None:
    edges = [
        Edge("a", "b", "a.py:1"),
        Edge("b", "c", "b.py:2"),
        Edge("c", "a", "c.py:3"),
        Edge("c", "d", "c.py:4"),
        Edge("d", "e", "d.py:5"),
    ]
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles(edges[1:]) == []
    assert describe(["a", "b", "c"], edges).splitlines() == [
        "cycle between a, b, c:",
        "  a -> b: a.py:1",
        "  b -> c: b.py:2",
        "  c -> a: c.py:3",
    ]


def test_imports_are_read_everywhere_in_a_file(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "low").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "low" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "low" / "rules.py").write_text("from pkg.low.back import g\n")
    (tmp_path / "pkg" / "high.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.low.rules import x\n"
        "def f() -> None:\n"
        "    from pkg.low import rules\n"
    )
    (tmp_path / "pkg" / "low" / "back.py").write_text("from ..high import f\n")
    edges = import_edges("pkg", tmp_path)
    assert sorted((e.source, e.target, e.where) for e in edges) == [
        ("pkg.high", "pkg.low", "pkg/high.py:3"),
        ("pkg.high", "pkg.low", "pkg/high.py:5"),
        ("pkg.low", "pkg.high", "pkg/low/back.py:1"),
    ]
    assert cycles(edges) == [["pkg.high", "pkg.low"]]
    # as the modules load, high.py imports nothing (TYPE_CHECKING, a function)
    assert [e.where for e in import_edges("pkg", tmp_path, at_load=True)] == ["pkg/low/back.py:1"]
    assert cycles(import_edges("pkg", tmp_path, modules=True)) == [
        ["pkg.high", "pkg.low.back", "pkg.low.rules"]
    ]


def test_no_import_cycle_between_the_packages_of_app() -> None:
    edges = import_edges("app")
    assert not (found := cycles(edges)), "\n".join(describe(c, edges) for c in found)


def test_no_import_cycle_between_the_modules_of_app() -> None:
    edges = import_edges("app", modules=True)
    assert not (found := cycles(edges)), "\n".join(describe(c, edges) for c in found)


def test_no_package_imports_one_above_it() -> None:
    edges = import_edges("app")
    units = {unit_of(_module_name(path, ROOT)) for path in (ROOT / "app").rglob("*.py")} - {"app"}
    assert not (stale := sorted(n for n in LAYERS if not _is_module(n, ROOT))), stale
    assert not (unplaced := sorted(units - LAYERS.keys())), f"give these a layer: {unplaced}"
    upward = [e for e in edges if LAYERS[e.target] > LAYERS[e.source]]
    assert not upward, "\n".join(
        f"{e.source} (layer {LAYERS[e.source]}) imports {e.target} (layer {LAYERS[e.target]}):"
        f" {e.where}"
        for e in upward
    )


def test_only_the_composition_root_imports_schema() -> None:
    imports = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "app").rglob("*.py"))
        if path != ROOT / "app" / "main.py"
        for name, line in imported_modules(path, ROOT)
        if name.split(".")[0] == "schema"
    ]
    assert not imports, f"app imports schema (only app/main.py may): {imports}"


def test_the_packages_of_schema_load_without_a_cycle() -> None:
    """A GraphQL type may name a type of another domain that names it back
    (``Hypothesis.experiments``, ``Experiment.hypothesis``): such references are lazy
    (``strawberry.lazy``, ``TYPE_CHECKING``, an import inside the resolver), so no
    package of ``schema`` imports another in a loop as the modules load."""
    edges = import_edges("schema", at_load=True)
    assert not (found := cycles(edges)), "\n".join(describe(c, edges) for c in found)
