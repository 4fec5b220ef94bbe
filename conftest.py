"""Shared test set-up (the CI skip policy lives in tests/ci_policy.py)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["tests.ci_policy"]

# Property tests and the API fuzz run try a fixed number of examples, derived from each test's name rather
# than drawn at random, so every run (and CI) tries the same inputs; no example database is written.
# HYPOTHESIS_PROFILE=deep tries many more, to look for new failures by hand.
hypothesis_settings.register_profile("ci", max_examples=100, derandomize=True, deadline=None, database=None)
hypothesis_settings.register_profile("deep", max_examples=5000, deadline=None, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2 at production strength costs ~0.3 s per password; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> None:
    # The per-address limit counts in the cache (config/ratelimit.py): each test starts with no count, and
    # with the limit off, as every test client comes from 127.0.0.1 (fuzz tests send hundreds of requests);
    # its own tests (config/tests/test_ratelimit.py) turn it on.
    from django.core.cache import cache

    cache.clear()
    settings.MADOGUCHI_PUBLIC_REQUESTS_PER_MINUTE = 0


@pytest.fixture(autouse=True)
def _audit_witness(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Each test's database starts empty, so each test has a witness of its own.
    settings.MADOGUCHI_AUDIT_WITNESS = str(tmp_path_factory.mktemp("witness") / "audit-witness.log")


@pytest.fixture
def verified_chain(django_capture_on_commit_callbacks: Any) -> Any:
    """Seal the audit log as the workers do, then verify it: `assert verified_chain().ok`.

    Inside a test's transaction the witness line is written on commit, which this runs at once.
    """
    from madoguchi.audit.chain import seal_pending, verify_chain

    def verify() -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            seal_pending()
        return verify_chain()

    return verify


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


@pytest.fixture
def signed_in() -> Any:
    """A test client signed in as the given staff member: `signed_in(staff_of("manager"))`."""
    from django.test import Client

    def sign_in(staff: Any) -> Client:
        client = Client()
        client.force_login(staff)
        return client

    return sign_in
