"""The vendored contracts are the published ones."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "domain"
VENDORED = ROOT / "madoguchi" / "rules" / "schemas"


# The published contracts sit beside the project's checkout in the workplace and in CI, but a clone
# elsewhere has no such folder; the vendored copies are what the code uses either way.
@pytest.mark.skip_allowed_in_ci
@pytest.mark.parametrize(
    ("published", "vendored"),
    [("household.schema.json", "household-facts-v1.json"), ("core-procedures.yaml", "core-procedures.yaml")],
)
def test_vendored_contract_matches_the_published_one(published: str, vendored: str) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"the published contracts are not beside this checkout ({SHARED})")
    expected = (SHARED / published).read_text(encoding="utf-8")
    assert (VENDORED / vendored).read_text(encoding="utf-8") == expected
