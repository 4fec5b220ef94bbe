"""The grant an expert holds on a case while answering a consultation on it (registered in apps.py)."""

from __future__ import annotations

from madoguchi.cases.models import Case
from madoguchi.remote.models import Consultation
from madoguchi.staff.models import Staff


def consulting_expert(staff: Staff, case: Case) -> bool:
    """`staff` is the expert of an active consultation on `case`: they may open and fill it in until the
    consultation ends."""
    return Consultation.objects.filter(case=case, expert=staff, state=Consultation.State.ACTIVE).exists()
