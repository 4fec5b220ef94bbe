"""The core-system adapter: the one way madoguchi reads what the city's records say.

`registry()` answers the configured implementation (`MADOGUCHI_REGISTRY`, a dotted path); the default is
the simulated core system that holds the synthetic population (`population.py`). A city's own adapter
implements `Registry` over its 住民記録・印鑑登録・税 systems; the certificates, the counter's comparison
with the records and later proactive notices all go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from madoguchi.registry.models import SimulatedResident

STATUS_LABELS = {"resident": _("住民"), "moved_out": _("転出済み"), "deceased": _("死亡")}


@dataclass(frozen=True)
class ResidentRecord:
    code: str
    household: str
    relation: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    birth_date: date
    sex: str
    address: str
    moved_in_on: date
    status: str  # resident, moved_out, deceased
    left_on: date | None
    moving_out_on: date | None
    domicile: str
    domicile_head: str
    domicile_in_city: bool
    support_measure: bool
    seal_number: str
    income: int | None
    card_serial: str

    @property
    def name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def kana(self) -> str:
        return f"{self.family_kana}\u3000{self.given_kana}"


class Registry(Protocol):
    def resident(self, code: str) -> ResidentRecord | None: ...

    def household(self, household: str) -> list[ResidentRecord]: ...

    def by_card(self, card_serial: str) -> ResidentRecord | None: ...

    def find(self, *, family_kana: str, given_kana: str, birth_date: date) -> list[ResidentRecord]: ...


_FIELDS = [f.name for f in ResidentRecord.__dataclass_fields__.values()]


def _record(row: SimulatedResident) -> ResidentRecord:
    return ResidentRecord(**{name: getattr(row, name) for name in _FIELDS})


class SimulatedRegistry:
    """The simulated core system: reads the synthetic population's rows."""

    def resident(self, code: str) -> ResidentRecord | None:
        row = SimulatedResident.objects.filter(pk=code).first()
        return _record(row) if row else None

    def household(self, household: str) -> list[ResidentRecord]:
        return [_record(r) for r in SimulatedResident.objects.filter(household=household).order_by("code")]

    def by_card(self, card_serial: str) -> ResidentRecord | None:
        if not card_serial:
            return None
        row = SimulatedResident.objects.filter(card_serial=card_serial).first()
        return _record(row) if row else None

    def find(self, *, family_kana: str, given_kana: str, birth_date: date) -> list[ResidentRecord]:
        rows = SimulatedResident.objects.filter(
            family_kana=family_kana, given_kana=given_kana, birth_date=birth_date
        ).order_by("code")[:20]
        return [_record(r) for r in rows]


@cache
def _implementation(path: str) -> Registry:
    return import_string(path)()


def registry() -> Registry:
    return _implementation(
        getattr(settings, "MADOGUCHI_REGISTRY", "madoguchi.registry.adapter.SimulatedRegistry")
    )
