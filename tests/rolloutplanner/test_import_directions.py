"""Which app may import which: the layers of README's "How it is built", checked on the code.

Every module under an app (a package with ``apps.py``; ``rolloutplanner/timeline`` is one of
its own) is parsed, and each import, wherever it is written (top level, inside a function,
under ``TYPE_CHECKING``), is an edge from its app to the imported app. The platform
(``rolloutplanner``) may be imported by every app; it imports no domain app outside the
composition points, which assemble the domains and so import them all. Between domain apps
only the directions in ``ALLOWED`` are allowed, and these form no cycle. Keep README's table
the same as ``ALLOWED``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = "rolloutplanner"

# The files of the platform that compose the domain apps (they import them all).
COMPOSITION_POINTS = {
    "rolloutplanner/urls.py",
    "rolloutplanner/home.py",
}

# Domain app -> the domain apps it may import (the platform it may always import).
ALLOWED: dict[str, set[str]] = {
    "rolloutplanner.timeline": {"leas", "vendors"},
    "parallel": {"leas", "mapping", "vendors"},
    "leas": {"vendors"},
    "vendors": {"mapping"},
    "mapping": {"usecases"},
    "usecases": set(),
}


@dataclass(frozen=True)
class Import:
    source: str  # app
    target: str  # app
    module: str  # the imported module
    where: str  # path:line

    def __str__(self) -> str:
        return f"{self.where}: {self.source} -> {self.module}"


def _outside_the_apps(relative: Path) -> bool:
    return any(
        part in {".venv", "tests", "node_modules"} or part[0] == "." for part in relative.parts
    )


def discover_apps() -> dict[str, Path]:
    apps = {}
    for apps_py in ROOT.glob("**/apps.py"):
        relative = apps_py.parent.relative_to(ROOT)
        if any(
            part in {".venv", "tests", "node_modules"} or part.startswith(".")
            for part in relative.parts
        ):
            continue
        apps[".".join(relative.parts)] = relative
    return apps


def app_of(module: str, apps) -> str | None:
    matches = [name for name in apps if module == name or module.startswith(f"{name}.")]
    return max(matches, key=len) if matches else None


def imported_modules(tree: ast.AST, package: str) -> list[tuple[str, int]]:
    """Absolute names of everything ``tree`` imports (``from a import b`` gives a and a.b)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            found.append((module, node.lineno))
            found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def all_imports() -> list[Import]:
    apps = discover_apps()
    imports = []
    for path in sorted(ROOT.glob("**/*.py")):
        relative = path.relative_to(ROOT)
        if any(
            part in {".venv", "tests", "node_modules"} or part.startswith(".")
            for part in relative.parts
        ):
            continue
        module = ".".join(relative.with_suffix("").parts)
        source = app_of(module, apps)
        if source is None:
            continue
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        tree = ast.parse(path.read_text(), filename=str(relative))
        seen = set()  # ``from a import b`` is one import of a, not two
        for name, line in imported_modules(tree, package):
            target = app_of(name, apps)
            if target and target != source and (line, target) not in seen:
                seen.add((line, target))
                imports.append(Import(source, target, name, f"{relative}:{line}"))
    return imports


def is_composition_point(imported: Import) -> bool:
    return imported.where.rpartition(":")[0] in COMPOSITION_POINTS


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one app (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in edges.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def test_every_app_is_declared():
    domain = set(discover_apps()) - {PLATFORM}
    assert domain == set(ALLOWED), "declare each domain app's allowed imports in ALLOWED"
    for source, targets in ALLOWED.items():
        assert targets <= set(ALLOWED), f"{source} may import an unknown app: {targets}"


def test_the_declared_directions_form_no_cycle():
    edges = {source: set(targets) | {PLATFORM} for source, targets in ALLOWED.items()}
    assert cycles(edges) == []


def test_no_import_cycle_between_apps():
    edges = defaultdict(set)
    for imported in all_imports():
        if not is_composition_point(imported):
            edges[imported.source].add(imported.target)
    found = cycles(edges)
    assert not found, f"apps importing each other: {found}"


def test_the_platform_imports_no_domain_app_outside_the_composition_points():
    wrong = [
        str(imported)
        for imported in all_imports()
        if imported.source == PLATFORM and not is_composition_point(imported)
    ]
    assert wrong == [], "invert through a registry (home_tile, dashboard_panel):\n" + "\n".join(
        wrong
    )


def test_domain_apps_import_each_other_only_in_the_declared_directions():
    wrong = [
        str(imported)
        for imported in all_imports()
        if imported.source != PLATFORM
        and imported.target != PLATFORM
        and imported.target not in ALLOWED[imported.source]
    ]
    assert wrong == [], "\n".join(wrong)


def test_the_checker_sees_imports_inside_functions_and_relative_ones():
    tree = ast.parse("from .models import A\ndef f():\n    from leas.models import LEA\n")
    names = {name for name, _ in imported_modules(tree, "vendors.api")}
    assert {"vendors.api.models", "vendors.api.models.A", "leas.models.LEA"} <= names
