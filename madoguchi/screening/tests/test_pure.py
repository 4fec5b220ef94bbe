"""The parsing, screening, report, chart and demo modules import nothing from Django (the report writes its
files with the plain `printing.spreadsheets`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_pure_packages import imported_modules

APP = Path(__file__).resolve().parent.parent
PURE_MODULES = ["inventory.py", "select.py", "report.py", "charts.py", "demo_inventory.py"]


@pytest.mark.parametrize("name", PURE_MODULES)
def test_module_imports_nothing_from_django(name: str) -> None:
    offenders = {
        module
        for module in imported_modules(APP / name)
        if module.split(".")[0] == "django"
        or (
            module.startswith("madoguchi.")
            and not module.startswith(
                ("madoguchi.rules", "madoguchi.screening.", "madoguchi.printing.spreadsheets")
            )
        )
        or module in {f"madoguchi.screening.{m}" for m in ("models", "views", "actions", "forms")}
    }
    assert not offenders
