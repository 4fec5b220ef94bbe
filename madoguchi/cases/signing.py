"""What the resident signs, prepared outside any transaction: the plan, the printed forms, their hashes.

The bundle is printed without My Numbers (they travel encrypted in the case, never on stored paper) and
with the case's reception date. Printing is deterministic (ReportLab's invariant mode), so the same case,
catalog version and date give the same bytes: the SHA-256 recorded when the case became ready for
signature is checked again when it is submitted, and a change of the catalog in between is caught.

A correction (a version after the first) prints only the forms whose content changed, with the signature
sheet; the resident signs again only those.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from madoguchi.cases.casefile import case_file, household_facts
from madoguchi.cases.models import Case
from madoguchi.catalog.service import versioned_catalog
from madoguchi.printing.casefile import read_case
from madoguchi.printing.render import Bundle, render_bundle
from madoguchi.rules.engine import make_plan
from madoguchi.submissions.actions import Signed, latest

SOURCE = "case"


@dataclass(frozen=True)
class Prepared:
    signed: Signed
    handwritten_before: int
    handwritten_now: int
    asked: tuple[str, ...]  # procedures whose questions are still open: not ready to sign

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.signed.pdf).hexdigest() if self.signed.pdf else ""


def reception_date(case: Case) -> date:
    """The 受付日: kept from the first time the case was ready (a correction keeps it), else today (Tokyo)."""
    if case.received_on is not None:
        return case.received_on
    first = latest(SOURCE, str(case.pk))
    return first.received_on if first is not None else timezone.localdate()


def prepare(case: Case, *, received_on: date) -> Prepared:
    """Plan and print the case as it stands. Raises InvalidFacts or InvalidCase for data that cannot be
    planned or printed."""
    number, catalog = versioned_catalog()
    plan = make_plan(catalog, household_facts(case))
    data = case_file(case, with_my_numbers=False) | {"received_on": received_on.isoformat()}
    parsed = read_case(data)
    full = render_bundle(parsed, catalog)
    previous = latest(SOURCE, str(case.pk))
    bundle: Bundle | None = full
    if previous is not None:
        changed = [name for name, print_ in full.fingerprints.items() if previous.forms.get(name) != print_]
        bundle = render_bundle(parsed, catalog, only_forms=changed) if changed else None
    signed = Signed(
        plan=plan.as_json(),
        data=data,
        catalog_version=number,
        catalog_label=catalog.version,
        forms=dict(full.fingerprints),
        signed_forms=list(bundle.printed_forms) if bundle else [],
        pdf=bundle.pdf if bundle else b"",
        pages=bundle.pages if bundle else 0,
        received_on=received_on,
    )
    return Prepared(
        signed=signed,
        handwritten_before=full.handwritten_entries_before,
        handwritten_now=bundle.handwritten_entries_now if bundle else 0,
        asked=tuple(p.name_ja for p in plan.procedures if p.status == "ask"),
    )
