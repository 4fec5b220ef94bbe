"""Background tasks of the preparation (registered by `madoguchi.tasks` at start-up)."""

from __future__ import annotations

from madoguchi.preparation.actions import forget_expired
from madoguchi.tasks.registry import periodic


@periodic("preparation.forget_expired", every=lambda: 3600.0)
def forget_expired_drafts() -> int:
    return forget_expired()
