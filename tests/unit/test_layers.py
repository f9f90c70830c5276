"""Dependencies point one way: web -> schema -> resolvers -> models (rules import nothing)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["web", "schema", "resolvers", "models"]
# Rules are pure: standard library and each other only.
RULES_MAY_IMPORT = ("models.rules",)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _project_layer(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in ORDER else None


def test_no_package_imports_a_layer_above_it() -> None:
    violations = []
    for layer in ORDER:
        allowed = set(ORDER[ORDER.index(layer) :])
        for path in (ROOT / layer).rglob("*.py"):
            for module in _imports(path):
                imported = _project_layer(module)
                if imported and imported not in allowed:
                    violations.append(f"{path.relative_to(ROOT)} imports {module}")
    assert violations == []


def test_rules_are_pure() -> None:
    """No I/O, no ORM, no third-party code: only the standard library and other rules."""
    violations = []
    for path in (ROOT / "models" / "rules").rglob("*.py"):
        for module in _imports(path):
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or module.startswith(RULES_MAY_IMPORT):
                continue
            violations.append(f"{path.name} imports {module}")
    assert violations == []


def test_pages_never_touch_the_orm() -> None:
    violations = []
    for path in (ROOT / "web").rglob("*.py"):
        for module in _imports(path):
            if module.startswith("models.orm") or (module == "tortoise" and path.name != "app.py"):
                violations.append(f"{path.relative_to(ROOT)} imports {module}")
    assert violations == []
