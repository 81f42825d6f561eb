"""House rules that a test can keep: dependencies run one way."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_registry_never_imports_inspections():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "registry").rglob("*.py")
        if any(m == "inspections" or m.startswith("inspections.") for m in imported_modules(path))
    ]
    assert offenders == []


def test_rule_modules_are_pure_no_orm_writes_and_no_clock():
    for module in ("registry/spec_check.py", "inspections/rules.py"):
        source = (ROOT / module).read_text()
        for forbidden in (".save(", ".objects.", "timezone.now", "localdate(", "date.today", "datetime.now"):
            assert forbidden not in source, f"{module} uses {forbidden}"
