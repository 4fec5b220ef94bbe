"""Every write to offices, departments, queues and counters."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from madoguchi.audit.chain import AuditActor, record, snapshot
from madoguchi.organization.models import Counter, Department, Office, Queue
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import MANAGE_ORGANIZATION
from madoguchi.transactions import atomic_action, lock

M = TypeVar("M", bound=models.Model)


@atomic_action
def upsert_record(actor: AuditActor, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """Create the record or bring it to `values`; audit only what changed, so reruns write nothing.

    For the city's set-up data (offices, counters, the center's work queues): needs MANAGE_ORGANIZATION.
    """
    require(actor, MANAGE_ORGANIZATION)
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    fields = list(values)
    instance = lock(model._default_manager.filter(**lookup)).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        record(actor, f"{label}.create", instance, after=snapshot(instance, [*lookup, *fields]))
        return instance
    before = snapshot(instance, fields)
    for name, value in values.items():
        setattr(instance, name, value)
    after = snapshot(instance, fields)
    if after != before:
        instance.full_clean()
        instance.save(update_fields=fields)
        record(actor, f"{label}.update", instance, before=before, after=after)
    return instance


def do_upsert_department(
    actor: AuditActor, *, code: str, name_ja: str, name_en: str = "", sort_order: int = 0
) -> Department:
    return upsert_record(
        actor, Department, {"code": code}, {"name_ja": name_ja, "name_en": name_en, "sort_order": sort_order}
    )


def do_upsert_office(
    actor: AuditActor,
    *,
    code: str,
    kind: str,
    name_ja: str,
    name_en: str = "",
    parent: Office | None = None,
    address: str = "",
    sort_order: int = 0,
) -> Office:
    values = {
        "kind": kind,
        "name_ja": name_ja,
        "name_en": name_en,
        "parent": parent,
        "address": address,
        "sort_order": sort_order,
    }
    return upsert_record(actor, Office, {"code": code}, values)


def do_upsert_queue(
    actor: AuditActor,
    *,
    office: Office,
    code: str,
    kind: str,
    name_ja: str,
    name_en: str = "",
    department: Department | None = None,
    ticket_prefix: str,
    sort_order: int = 0,
    place_ja: str = "",
    place_en: str = "",
) -> Queue:
    values = {
        "kind": kind,
        "name_ja": name_ja,
        "name_en": name_en,
        "place_ja": place_ja,
        "place_en": place_en,
        "department": department,
        "ticket_prefix": ticket_prefix,
        "sort_order": sort_order,
    }
    return upsert_record(actor, Queue, {"office": office, "code": code}, values)


def do_upsert_counter(
    actor: AuditActor,
    *,
    office: Office,
    queue: Queue,
    code: str,
    name_ja: str,
    name_en: str = "",
    sort_order: int = 0,
) -> Counter:
    values = {"queue": queue, "name_ja": name_ja, "name_en": name_en, "sort_order": sort_order}
    return upsert_record(actor, Counter, {"office": office, "code": code}, values)
