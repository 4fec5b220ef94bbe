"""Shared test set-up. In CI (CI=true) a skipped test is a failed test: nothing may pass by not running."""

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
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2 at production strength costs ~0.3 s per password; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_city(db: None) -> None:
    """みなと市 loaded through the real actions, as `madoguchi demo` does."""
    from madoguchi.demo.city import load_demo_city

    load_demo_city()


@pytest.fixture
def staff_of(demo_city: None) -> Any:
    """The demo account of a role: `staff_of("contractor_clerk")`."""
    from madoguchi.staff.models import Staff

    def get(role: str) -> Staff:
        return Staff.objects.select_related("office").get(role=role, username__in=DEMO_USERNAMES)

    return get


DEMO_USERNAMES = [
    "concierge",
    "clerk",
    "contractor",
    "center",
    "approver",
    "department",
    "branch",
    "manager",
    "admin",
]
DEMO_PASSWORD = "minato-demo-2026"  # noqa: S105 (the published demo password)
