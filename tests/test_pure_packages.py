"""The rules engine, the simulator, identity input and PDF printing are plain Python: no Django in them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "madoguchi"


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


PURE = ["rules", "simulator", "identity", "printing"]


@pytest.mark.parametrize("package", PURE)
def test_package_imports_nothing_from_django(package: str) -> None:
    files = sorted((PACKAGE / package).rglob("*.py"))
    assert files, f"madoguchi/{package} has no Python files"
    offenders = {
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in files
        for module in imported_modules(path)
        if module.split(".")[0] == "django"
        or (module.startswith("madoguchi.") and module.split(".")[1] not in PURE)
    }
    assert not offenders


def test_the_check_itself_catches_a_django_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from django.db import models\nimport os\n", encoding="utf-8")
    assert "django.db" in imported_modules(sample)
