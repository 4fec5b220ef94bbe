"""Background tasks of certificate issuing (registered by `madoguchi.tasks` at start-up)."""

from __future__ import annotations

from madoguchi.certificates.actions import ISSUE_SECONDS, cancel_overdue
from madoguchi.tasks.registry import periodic


@periodic("certificates.cancel_overdue", every=lambda: float(ISSUE_SECONDS) / 4)
def cancel_overdue_requests() -> int:
    """A request left half-way (a silent terminal) is cancelled whole within a quarter of its time."""
    return cancel_overdue()
