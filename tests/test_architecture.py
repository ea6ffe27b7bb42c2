"""The package's layout: imports flow one way, design -> data -> (simulation, analysis)
-> diagnosis -> reporting -> commands, with no cycle.

Every ``import`` and ``from ... import`` of the package is read from the source with
:mod:`ast`, including the ones inside functions (a cycle closed by an import inside a
function is still a cycle: it only fails later). ``docs/architecture.md`` draws the
same layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "iedereen_doet_mee"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE

#: Layer of each top-level part of the package, from the bottom. An import may only go
#: to a lower layer or stay inside its own part; parts that share a layer (simulation
#: and analysis) do not import each other.
LAYERS = {
    "errors": 0, "dates": 0, "seeds": 0, "version": 0, "lazy_exports": 0,
    "cli": 1, "output_folder": 1,
    "design": 2,
    "data": 3,
    "provenance": 4,
    "simulation": 5, "analysis": 5,
    "diagnosis": 6,
    "reporting": 7,
    "validate": 8, "simulate": 8, "report": 8, "diagnose": 8, "redesign": 8, "steer": 8,
    "": 9,  # the package's face, iedereen_doet_mee/__init__.py
}


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _is_module(name: str, root: Path) -> bool:
    relative = Path(*name.split(".")[1:]) if "." in name else Path()
    return (root / relative).with_suffix(".py").is_file() or (
        root / relative / "__init__.py").is_file()


def import_edges(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the package modules it imports, anywhere in its source."""
    edges: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module, is_package = _module_name(path, root)
        found = edges.setdefault(module, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module.split(".") if is_package else module.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                # "from package import submodule" imports the submodule
                targets = [f"{source}.{alias.name}" if _is_module(f"{source}.{alias.name}", root)
                           else source for alias in node.names]
            found.update(t for t in targets if t == PACKAGE or t.startswith(PACKAGE + "."))
        found.discard(module)
    return edges


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward_edges(edges: dict[str, set[str]]) -> list[str]:
    """Imports into a higher layer, or between two parts of one layer."""
    bad = []
    for source, targets in edges.items():
        for target in targets:
            a, b = _part(source), _part(target)
            if a == b:
                continue
            if a not in LAYERS or b not in LAYERS:
                bad.append(f"{source} -> {target}: part without a layer in LAYERS")
            elif LAYERS[a] <= LAYERS[b]:
                bad.append(f"{source} (layer {LAYERS[a]}) -> {target} (layer {LAYERS[b]})")
    return sorted(bad)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_also_through_imports_inside_functions():
    assert cycles(import_edges()) == []


def test_no_import_from_a_lower_layer_into_a_higher_one():
    assert upward_edges(import_edges()) == []


def test_every_part_of_the_package_has_a_layer():
    parts = {_part(m) for m in import_edges()}
    assert parts <= set(LAYERS), sorted(parts - set(LAYERS))


def test_the_checks_see_cycles_and_upward_edges():
    edges = {"iedereen_doet_mee.analysis.a": {"iedereen_doet_mee.reporting.b"},
             "iedereen_doet_mee.reporting.b": {"iedereen_doet_mee.analysis.a"}}
    assert cycles(edges) == [sorted(edges)]
    assert upward_edges(edges) == [
        "iedereen_doet_mee.analysis.a (layer 5) -> iedereen_doet_mee.reporting.b (layer 7)"]
    assert upward_edges({"iedereen_doet_mee.analysis.a": {"iedereen_doet_mee.simulation.c"}})


def test_imports_inside_functions_are_read(tmp_path):
    package = tmp_path / PACKAGE
    (package / "analysis").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "analysis" / "__init__.py").write_text("")
    (package / "analysis" / "a.py").write_text(
        "def f():\n    from ..reporting import build\n    return build\n")
    edges = import_edges(package)
    assert edges[f"{PACKAGE}.analysis.a"] == {f"{PACKAGE}.reporting"}


@pytest.mark.parametrize("name", ["TrialDesign", "load_trial", "validate_trial_directory",
                                  "simulate_trial", "analyse_trial", "diagnose_design",
                                  "build_report"])
def test_the_public_api_imports_from_the_package(name):
    import iedereen_doet_mee

    assert callable(getattr(iedereen_doet_mee, name))
    assert name in iedereen_doet_mee.__all__


SUBPACKAGES = ["analysis", "data", "design", "diagnosis", "reporting", "simulation",
               "reporting.disclosure", "reporting.figures", "reporting.tables"]


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_every_name_a_subpackage_exports_resolves_and_is_public(subpackage):
    import importlib

    module = importlib.import_module(f"{PACKAGE}.{subpackage}")
    assert module.__all__, subpackage
    for name in module.__all__:
        assert not name.startswith("_"), name
        assert getattr(module, name) is not None, name
