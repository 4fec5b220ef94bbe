"""Writing the simulated core system: the synthetic population is loaded here, and nowhere else."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from django.db import transaction

from madoguchi.audit import chain
from madoguchi.audit.chain import AuditActor
from madoguchi.registry import population
from madoguchi.registry.models import SimulatedResident

BATCH = 5_000


def _row(person: population.Person) -> SimulatedResident:
    return SimulatedResident(**dataclasses.asdict(person))


def do_load_population(
    actor: AuditActor,
    people: Iterable[population.Person],
    *,
    replace: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Store `people` (replacing the previous population) in one transaction: never half a city."""
    loaded = 0
    with transaction.atomic():
        if replace:
            SimulatedResident.objects.all().delete()
        batch: list[SimulatedResident] = []
        for person in people:
            batch.append(_row(person))
            if len(batch) >= BATCH:
                SimulatedResident.objects.bulk_create(batch)
                loaded += len(batch)
                batch.clear()
                if progress:
                    progress(loaded)
        if batch:
            SimulatedResident.objects.bulk_create(batch)
            loaded += len(batch)
            if progress:
                progress(loaded)
        chain.record(actor, "registry.generate", extra={"residents": loaded})
    return loaded


def do_record_person(person: population.Person) -> SimulatedResident:
    """One person written into the simulated core system (a move-in recorded there, in tests and demos)."""
    row = _row(person)
    row.save(force_insert=True)
    return row
