"""Imports inside schema/ run one way: no cycle, none hidden in a function or behind
``TYPE_CHECKING``, no ``strawberry.lazy`` reference back up, and no module over 500 lines."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

SCHEMA = Path(__file__).resolve().parents[2] / "schema"
MAX_LINES = 500


def schema_imports(source: str) -> set[str]:
    """The ``schema`` modules a module's source refers to, wherever the reference sits."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("schema."))
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module == "schema":
                found.update(f"schema.{alias.name}" for alias in node.names)
            elif node.module.startswith("schema."):
                found.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "lazy"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).startswith("schema")
        ):
            found.add(str(node.args[0].value))
    return found


def nested_imports(source: str) -> list[int]:
    """Lines of imports of schema modules that are not at the top level of the module."""
    tree = ast.parse(source)
    top = {id(node) for node in tree.body}
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        and id(node) not in top
        and schema_imports(ast.unparse(node))
    ]


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the import graph, or None when imports run one way."""
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        return list(error.args[1])
    return None


def _modules() -> dict[str, str]:
    return {
        f"schema.{path.stem}": path.read_text(encoding="utf-8")
        for path in sorted(SCHEMA.glob("*.py"))
        if path.stem != "__init__"
    }


def test_cycle_finder_finds_a_cycle_hidden_in_a_function() -> None:
    graph = {
        "schema.a": schema_imports("from schema.b import B\n"),
        "schema.b": schema_imports("def f():\n    from schema.a import A\n"),
    }

    assert import_cycle(graph) is not None


def test_nested_import_finder_finds_an_import_inside_a_function() -> None:
    source = "def f():\n    from schema.types import Initiative\n"

    assert nested_imports(source) == [2]


def test_cycle_finder_counts_lazy_type_references() -> None:
    source = 'X = Annotated["T", strawberry.lazy("schema.types")]\n'

    assert schema_imports(source) == {"schema.types"}


def test_schema_modules_import_one_way() -> None:
    graph = {name: schema_imports(source) for name, source in _modules().items()}

    assert import_cycle(graph) is None


@pytest.mark.parametrize("name", sorted(_modules()))
def test_schema_module_imports_only_at_top_level(name: str) -> None:
    assert nested_imports(_modules()[name]) == []


@pytest.mark.parametrize("name", sorted(_modules()))
def test_schema_module_stays_under_the_size_limit(name: str) -> None:
    assert len(_modules()[name].splitlines()) <= MAX_LINES
