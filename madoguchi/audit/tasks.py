"""The audit sealer runs in every worker loop, about once a second (MADOGUCHI_AUDIT_SEAL_SECONDS)."""

from __future__ import annotations

from django.conf import settings

from madoguchi.audit.chain import seal_pending
from madoguchi.tasks.registry import periodic


@periodic("audit.seal", every=lambda: float(settings.MADOGUCHI_AUDIT_SEAL_SECONDS))
def seal() -> int:
    return seal_pending(wait=False)
