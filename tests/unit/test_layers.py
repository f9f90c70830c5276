"""Dependencies point one way: web -> schema -> resolvers -> models (rules import nothing).

Imports are read from the source (ast), so a test fails on the line that breaks a
rule, whether it imports a module (`import models.orm`), a name from a package
(`from models import orm`), a submodule of a library (`from tortoise.functions
import Count`) or anything relative (`from . import x`).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["web", "schema", "resolvers", "models"]
# Rules are pure: the standard library, other rules, and the shared vocabulary.
RULES_MAY_IMPORT = ("models.rules", "models.enums", "models.errors")


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # every name it may bind: "models", and "models.orm" for `from models import orm`
    relative: bool
    top_level: bool  # executed at import time (not inside a function or TYPE_CHECKING)

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line} imports {self.module}"


def _python_files(*layers: str) -> Iterator[Path]:
    for layer in layers:
        yield from (ROOT / layer).rglob("*.py")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _deferred(node: ast.AST) -> bool:
    """Code that does not run when the module is imported."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        return True
    return isinstance(node, ast.If) and _is_type_checking(node)


def _imports(path: Path) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, top_level: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _deferred(child):
                visit(child, False)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(path, child.lineno, alias.name, False, top_level))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                relative = child.level > 0
                found.append(Import(path, child.lineno, base, relative, top_level))
                for alias in child.names:
                    name = f"{base}.{alias.name}" if base else alias.name
                    found.append(Import(path, child.lineno, name, relative, top_level))
            else:
                visit(child, top_level)

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return found


def _layer(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in ORDER else None


def test_no_package_imports_a_layer_above_it() -> None:
    violations = []
    for layer in ORDER:
        allowed = set(ORDER[ORDER.index(layer) :])
        for path in _python_files(layer):
            for found in _imports(path):
                imported = _layer(found.module)
                if imported and imported not in allowed:
                    violations.append(str(found))
    assert violations == []


def test_no_relative_imports() -> None:
    relative = [str(i) for i in _imports_of(*ORDER, "tests") if i.relative]
    assert relative == []


def _imports_of(*layers: str) -> Iterator[Import]:
    for path in _python_files(*layers):
        yield from _imports(path)


def test_rules_are_pure() -> None:
    """No I/O, no ORM, no third-party code: the standard library, rules, enums, errors."""
    violations = []
    for found in _imports_of("models/rules"):
        top = found.module.split(".")[0]
        if top in sys.stdlib_module_names or found.module.startswith(RULES_MAY_IMPORT):
            continue
        if found.module in ("models",):  # the package part of `from models import enums`
            continue
        violations.append(str(found))
    assert violations == []


def _touches_orm(module: str) -> bool:
    return module == "tortoise" or module.startswith(("tortoise.", "models.orm"))


def test_pages_never_touch_the_orm() -> None:
    assert [str(i) for i in _imports_of("web") if _touches_orm(i.module)] == []


def test_the_schema_never_touches_the_orm() -> None:
    """Schema types get rows from resolvers and loaders; they never query."""
    queries = [
        str(i)
        for i in _imports_of("schema")
        if _touches_orm(i.module) or i.module.startswith("models.reads")
    ]
    assert queries == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_import_cycles_at_import_time() -> None:
    """Modules may import each other lazily inside functions (schema types that refer
    to each other do), but not at import time, where a cycle breaks on load order."""
    modules = {_module_name(p): p for p in _python_files(*ORDER)}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for found in _imports(path):
            if found.top_level and found.module in modules and found.module != name:
                graph[name].add(found.module)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                walk(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    # A package importing its own submodules (`models.orm` re-exporting its tables)
    # is how packages are built, not a cycle between parts of the code.
    real = [c for c in cycles if not all(m.startswith(c[0] + ".") or m == c[0] for m in c)]
    assert real == []
