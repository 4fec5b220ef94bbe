"""Certificates tests: a small synthetic population, a store and a fixed daytime clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from madoguchi.audit.chain import SystemActor
from madoguchi.certificates.eligibility import unprintable
from madoguchi.certificates.models import IssuingPoint
from madoguchi.certificates.network import Center, Issuer, StoreTerminal
from madoguchi.registry import population
from madoguchi.registry.actions import do_load_population
from madoguchi.registry.adapter import ResidentRecord, registry
from madoguchi.registry.models import SimulatedResident

TOKYO = ZoneInfo("Asia/Tokyo")
DAYTIME = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)  # a Monday morning, stores open


@pytest.fixture
def daytime(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The clock runs from Monday 10:00 in Tokyo (store hours and same-day rules do not depend on when
    the suite runs)."""
    started = datetime.now(tz=TOKYO)
    monkeypatch.setattr(timezone, "now", lambda: DAYTIME + (datetime.now(tz=TOKYO) - started))
    return DAYTIME


@pytest.fixture
def people(db: None) -> int:
    return do_load_population(SystemActor("test"), population.generate(3000))


@pytest.fixture
def store(demo_city: None) -> IssuingPoint:
    return IssuingPoint.objects.get(code="store-minatomachi")  # loaded with the demo city


@pytest.fixture
def resident(people: int) -> Callable[..., ResidentRecord]:
    """A resident of the population with a card and the given facts: `resident(support_measure=True)`."""

    def pick(*, exclude: tuple[str, ...] = (), printable: bool = True, **facts: Any) -> ResidentRecord:
        query = SimulatedResident.objects.exclude(card_serial="").exclude(code__in=exclude)
        defaults: dict[str, Any] = {
            "status": "resident",
            "support_measure": False,
            "moving_out_on": None,
        }
        defaults.update(facts)
        for row in query.filter(**defaults).order_by("code"):
            record = registry().resident(row.code)
            assert record is not None
            household = registry().household(record.household)
            if printable and unprintable("".join(p.family_name + p.address for p in household)):
                continue
            return record
        raise LookupError(facts)

    return pick


@pytest.fixture
def terminal(store: IssuingPoint, daytime: datetime) -> Callable[..., StoreTerminal]:
    def make(**kwargs: Any) -> StoreTerminal:
        center = kwargs.pop("center", None) or Center([Issuer("issuer-1")])
        return StoreTerminal(kwargs.pop("point", store), center, **kwargs)

    return make
