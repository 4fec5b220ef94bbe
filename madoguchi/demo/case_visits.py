"""The cases of the generated history: which households came to the one-stop counters, what they signed,
and how long each procedure truly took (the truth the statistics' per-procedure fit should find again).

A history visit at a queue with `CaseVisits` opens a case: its household is drawn from a pool of varied
households (a typical household of the event and size, with some facts changed: a dog, a light motorbike,
a parent with a care certification...), planned by the rules, and signed; the ticket is linked to the case
and the case to its submission, as the counter records them. The visit's counter minutes are the base plus
each signed counter procedure's true minutes, spread by a lognormal factor. A procedure's true minutes are
its catalog minutes times one factor, chosen so that the pool's mean visit takes the queue's service mean:
the queue stays as busy as its `QueueRates` say.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from madoguchi.cases.models import Case, CaseCounter
from madoguchi.organization.models import Office
from madoguchi.rules.catalog import Catalog
from madoguchi.rules.engine import make_plan
from madoguchi.simulator.households import typical_facts
from madoguchi.submissions.models import Submission, counter_procedures

POOL_SIZE = 60  # distinct households per queue: enough variety for each procedure to be seen apart


@dataclass(frozen=True)
class CaseVisits:
    """The visits of a queue that open a case."""

    households: tuple[tuple[str, int], ...]  # (event, size), drawn evenly, each with facts varied
    base: float = 6.0  # minutes of a visit not tied to a procedure (reception, identity check)
    cv: float = 0.25  # spread of a visit's minutes around base + its procedures' minutes


@dataclass(frozen=True)
class PlannedVisit:
    event: str
    facts: dict[str, Any]
    plan: dict[str, Any]  # the signed plan, as a submission stores it (its procedures' main fields)
    codes: tuple[str, ...]  # its counter procedures
    minutes: float  # true mean counter minutes: base + Σ its procedures' true minutes


# facts changed at random in the pool's households, each with its chance: they change the plan
HOUSEHOLD_CHANGES = {"dog": 0.25, "light_motorbike": 0.25, "car": 0.3}
MEMBER_CHANGES = {
    "has_seal_registration": 0.3,
    "disability_certificate": 0.1,
    "child_allowance_recipient": 0.2,
    "has_driving_licence": 0.4,
}
ELDER_CHANGES = {"care_certified": 0.4}
EMPLOYED = 0.5
PLAN_FIELDS = ("code", "name_ja", "name_en", "status", "counter", "department", "minutes", "member_ids")


def _varied(event: str, size: int, on: date, rng: random.Random) -> dict[str, Any]:
    facts = typical_facts(event, size, on)
    for name, chance in HOUSEHOLD_CHANGES.items():
        facts["household"][name] = rng.random() < chance
    employed = rng.random() < EMPLOYED  # the head works for a company: the family is on its insurance
    for member in facts["members"]:
        if employed and member["health_insurance"] == "national":
            member["health_insurance"] = (
                "employee" if member["relationship"] == "head" else "employee_dependent"
            )
        born = date.fromisoformat(member["birth_date"])
        adult = (on - born).days >= 18 * 365
        if adult:
            for name, chance in MEMBER_CHANGES.items():
                member[name] = rng.random() < chance
        if (on - born).days >= 65 * 365:
            for name, chance in ELDER_CHANGES.items():
                member[name] = rng.random() < chance
    return facts


def household_pool(
    catalog: Catalog, visits: CaseVisits, service_mean: float, on: date, rng: random.Random
) -> tuple[tuple[PlannedVisit, ...], dict[str, float]]:
    """POOL_SIZE planned households and each counter procedure's true minutes (catalog minutes × the factor
    that makes the pool's mean visit `service_mean`)."""
    drafts: list[tuple[str, dict[str, Any], dict[str, Any], tuple[str, ...]]] = []
    for _ in range(POOL_SIZE):
        event, size = rng.choice(visits.households)
        facts = _varied(event, size, on, rng)
        plan = make_plan(catalog, facts).as_json()
        signed = {
            "event": plan["event"],
            "event_date": plan["event_date"],
            "catalog_version": plan["catalog_version"],
            "procedures": [{key: item.get(key) for key in PLAN_FIELDS} for item in plan["procedures"]],
        }
        drafts.append((event, facts, signed, tuple(counter_procedures(signed))))
    catalog_minutes = {
        code: float(catalog.procedure(code).minutes_base) for *_, codes in drafts for code in codes
    }
    mean_catalog = sum(sum(catalog_minutes[code] for code in codes) for *_, codes in drafts) / len(drafts)
    factor = max(0.0, service_mean - visits.base) / mean_catalog if mean_catalog else 0.0
    truth = {code: minutes * factor for code, minutes in catalog_minutes.items()}
    pool = tuple(
        PlannedVisit(event, facts, plan, codes, visits.base + sum(truth[code] for code in codes))
        for event, facts, plan, codes in drafts
    )
    return pool, truth


def write_cases(
    office: Office,
    day: date,
    visits: Sequence[tuple[PlannedVisit, datetime]],
    catalog_version: tuple[int, str],
) -> list[Case]:
    """One completed case and its signed submission for each (household, time of the visit), numbered as
    the counter numbers them that day."""
    cases = [
        Case(
            number=f"{office.code}-{day:%Y%m%d}-{number:04d}",
            office=office,
            event=visit.event,
            event_date=day,  # the pool's households moved (were born, died) on the day they came
            state=Case.State.COMPLETED,
            household_facts=visit.facts,
            received_on=day,
            catalog_version=catalog_version[0],
            submitted_at=at,
            completed_at=at,
        )
        for number, (visit, at) in enumerate(visits, start=1)
    ]
    Case.objects.bulk_create(cases)
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(
        created_at=timezone.make_aware(datetime.combine(day, datetime.min.time()))
    )
    CaseCounter.objects.bulk_create(
        [CaseCounter(office=office, day=day, last=len(cases))], ignore_conflicts=True
    )
    Submission.objects.bulk_create(
        Submission(
            source=Submission.Source.CASE,
            source_id=str(case.pk),
            reference=case.number,
            version=1,
            office=office,
            received_on=day,
            catalog_version=catalog_version[0],
            catalog_label=catalog_version[1],
            plan=visit.plan | {"event_date": day.isoformat()},
            data={"event": visit.event, "received_on": day.isoformat()},
            counter_procedures=list(visit.codes),
            submitted_at=at,
            submitted_by="demo-history",
        )
        for case, (visit, at) in zip(cases, visits, strict=True)
    )
    return cases


def pools_for(
    catalog: Catalog, queues: Mapping[str, Any], on: date, seed: str
) -> dict[str, tuple[tuple[PlannedVisit, ...], dict[str, float]]]:
    """The pool of each queue whose rates have `cases`, drawn with its own seed."""
    return {
        code: household_pool(catalog, rates.cases, rates.service_mean, on, random.Random(f"{seed}:{code}"))  # noqa: S311
        for code, rates in queues.items()
        if rates.cases is not None
    }
