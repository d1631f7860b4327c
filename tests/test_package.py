from __future__ import annotations

import ast
from pathlib import Path

import opexflow

SRC = Path(opexflow.__file__).parent

# layer -> packages it may not import (foundation < analytics < interfaces)
FORBIDDEN = {
    "errors.py": ("opexflow.logs", "opexflow.analysis", "opexflow.cli", "opexflow.report"),
    "settings.py": ("opexflow.logs", "opexflow.analysis", "opexflow.cli", "opexflow.report"),
    "logs": ("opexflow.cli", "opexflow.report", "opexflow.demo"),
    "analysis": ("opexflow.cli", "opexflow.report", "opexflow.demo"),
    "report": ("opexflow.cli", "opexflow.logs", "opexflow.analysis"),
    "demo": ("opexflow.cli", "opexflow.analysis", "opexflow.report"),
    "conformance": (
        "opexflow.cli",
        "opexflow.report",
        "opexflow.demo",
        "opexflow.workspace",
        "opexflow.web",
    ),
    "workspace": ("opexflow.cli", "opexflow.web"),
    "models": (
        "opexflow.cli",
        "opexflow.report",
        "opexflow.demo",
        "opexflow.workspace",
        "opexflow.web",
    ),
    "stats": (
        "opexflow.cli",
        "opexflow.report",
        "opexflow.demo",
        "opexflow.workspace",
        "opexflow.web",
        "opexflow.logs",
        "opexflow.analysis",
        "opexflow.kpi",
        "opexflow.pilot",
    ),
    "kpi": (
        "opexflow.cli",
        "opexflow.report",
        "opexflow.demo",
        "opexflow.workspace",
        "opexflow.web",
        "opexflow.pilot",
    ),
    "pilot": (
        "opexflow.cli",
        "opexflow.report",
        "opexflow.demo",
        "opexflow.workspace",
        "opexflow.web",
    ),
    "sop": (
        "opexflow.cli",
        "opexflow.report",
        "opexflow.demo",
        "opexflow.workspace",
        "opexflow.web",
    ),
}


def test_public_names_sorted_and_importable() -> None:
    assert opexflow.__all__ == sorted(opexflow.__all__)
    for name in opexflow.__all__:
        assert getattr(opexflow, name) is not None, name


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_layers_import_only_downwards() -> None:
    offenders = []
    for part, forbidden in FORBIDDEN.items():
        target = SRC / part
        files = [target] if target.is_file() else sorted(target.rglob("*.py"))
        for f in files:
            bad = [m for m in _imports(f) if m.startswith(forbidden)]
            if bad:
                offenders.append(f"{f.relative_to(SRC)} imports {bad}")
    assert offenders == []


def test_shallow_tree() -> None:
    # Alembic's versions/ folder is its convention, not our nesting.
    deep = [
        p
        for p in SRC.rglob("*.py")
        if len(p.relative_to(SRC).parts) > 3 and "migrations" not in p.parts
    ]
    assert deep == []
