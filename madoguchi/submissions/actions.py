"""Writing a submission: the only way one comes into being."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from madoguchi.audit.chain import AuditActor, record
from madoguchi.organization.models import Office
from madoguchi.submissions.models import Submission, counter_procedures


@dataclass(frozen=True)
class Signed:
    """What was printed and signed, prepared before the submitting transaction starts."""

    plan: dict[str, Any]
    data: dict[str, Any]
    catalog_version: int
    catalog_label: str
    forms: dict[str, str]  # form name → fingerprint of what it printed
    signed_forms: list[str]  # form names the resident signed in this version
    pdf: bytes
    pages: int
    received_on: date
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def latest(source: str, source_id: str) -> Submission | None:
    return Submission.objects.filter(source=source, source_id=source_id).order_by("-version").first()


def create_submission(
    actor: AuditActor, *, source: str, source_id: str, reference: str, office: Office, signed: Signed
) -> Submission:
    """The next version for this source record, linked to the previous one. Call inside the action's
    transaction, after locking the source record (so two submissions of one record cannot race)."""
    previous = latest(source, source_id)
    submission = Submission.objects.create(
        source=source,
        source_id=source_id,
        reference=reference,
        version=previous.version + 1 if previous else 1,
        previous=previous,
        office=office,
        received_on=signed.received_on,
        catalog_version=signed.catalog_version,
        catalog_label=signed.catalog_label,
        plan=signed.plan,
        counter_procedures=counter_procedures(signed.plan),
        data=signed.data,
        forms=signed.forms,
        signed_forms=signed.signed_forms,
        bundle_pdf=signed.pdf,
        bundle_sha256=hashlib.sha256(signed.pdf).hexdigest() if signed.pdf else "",
        bundle_pages=signed.pages,
        note=signed.note[:300],
        submitted_at=timezone.now(),
        submitted_by=actor.audit_name,
    )
    record(
        actor,
        "submission.create",
        submission,
        after={
            "reference": reference,
            "version": submission.version,
            "sha256": submission.bundle_sha256,
            "catalog_version": signed.catalog_version,
            "received_on": signed.received_on.isoformat(),
            "signed_forms": signed.signed_forms,
        },
    )
    return submission
