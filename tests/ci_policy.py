"""pytest plugin: in CI (CI=true) a skipped test is a failed test; nothing may pass by not running."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    # postgres_only tests skip in the SQLite pass and run in the PostgreSQL pass of the same CI run.
    allowed = any(item.get_closest_marker(name) for name in ("skip_allowed_in_ci", "postgres_only"))
    if in_ci() and report.skipped and not hasattr(report, "wasxfail") and not allowed:
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


def on_postgres() -> bool:
    from django.conf import settings

    return str(settings.DATABASES["default"]["ENGINE"]).endswith("postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`@pytest.mark.postgres_only` alone skips a test in the SQLite pass; it runs in the PostgreSQL one."""
    if on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)
