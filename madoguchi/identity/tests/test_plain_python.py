"""`madoguchi.identity` is plain Python: nothing from Django, nothing from the Django apps."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from madoguchi.identity import InvalidInput

PACKAGE = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_the_package_imports_nothing_from_django() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    offenders = {
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in files
        for module in imported_modules(path)
        if module.split(".")[0] == "django"
        or (module.startswith("madoguchi.") and not module.startswith("madoguchi.identity"))
    }

    assert len(files) > 8
    assert not offenders


def test_invalid_input_is_a_value_error_with_a_message() -> None:
    with pytest.raises(InvalidInput, match="郵便番号") as error:
        raise InvalidInput("郵便番号は7桁の数字で入力してください。")

    assert isinstance(error.value, ValueError)
    assert error.value.message == "郵便番号は7桁の数字で入力してください。"
