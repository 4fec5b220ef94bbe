"""Writes to the catalog: loading the repository's YAML, and a manager's edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.models import F

from madoguchi.audit.chain import AuditActor, record, snapshot
from madoguchi.catalog.models import CatalogVersion, LifeEvent, Procedure
from madoguchi.organization.actions import do_upsert_department
from madoguchi.organization.models import Department
from madoguchi.rules.catalog import Catalog, load_catalog, text_parts, text_spec
from madoguchi.rules.catalog import Procedure as RuleProcedure
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import EDIT_CATALOG
from madoguchi.transactions import atomic_action, lock

PROCEDURE_FIELDS = [
    "name_ja",
    "name_en",
    "name_easy",
    "department",
    "counter",
    "events",
    "concerns",
    "rules",
    "documents",
    "fee",
    "minutes_base",
    "minutes_per_member",
    "deadline_days",
    "deadline_note",
    "deadline_note_en",
    "deadline_note_easy",
    "online",
    "contractor_ok",
    "order",
    "after",
    "reference_title",
    "reference_title_en",
    "reference_title_easy",
    "reference_url",
    "effective_from",
    "effective_until",
    "active",
    "source_file",
]


def _row_values(procedure: RuleProcedure, departments: dict[str, Department], root: Path) -> dict[str, Any]:
    return {
        "name_ja": procedure.name_ja,
        "name_en": procedure.name_en,
        "name_easy": procedure.name_easy,
        "department": departments[procedure.department],
        "counter": procedure.counter,
        "events": list(procedure.events),
        "concerns": procedure.concerns,
        "rules": [
            {"when": rule.source, "reason": text_spec(rule.reason, rule.reason_en, rule.reason_easy)}
            for rule in procedure.rules
        ],
        "documents": [
            text_spec(ja, en, easy)
            for ja, en, easy in zip(
                procedure.documents, procedure.documents_en, procedure.documents_easy, strict=True
            )
        ],
        "fee": procedure.fee,
        "minutes_base": procedure.minutes_base,
        "minutes_per_member": procedure.minutes_per_member,
        "deadline_days": procedure.deadline_days,
        "deadline_note": procedure.deadline_note,
        "deadline_note_en": procedure.deadline_note_en,
        "deadline_note_easy": procedure.deadline_note_easy,
        "online": procedure.online,
        "contractor_ok": procedure.contractor_ok,
        "order": procedure.order,
        "after": list(procedure.after),
        "reference_title": procedure.reference.title,
        "reference_title_en": procedure.reference.title_en,
        "reference_title_easy": procedure.reference.title_easy,
        "reference_url": procedure.reference.url,
        "effective_from": procedure.effective_from,
        "effective_until": procedure.effective_until,
        "active": True,
        "source_file": str(Path(procedure.file).relative_to(root))
        if procedure.file.startswith(str(root))
        else "",
    }


def bump_version(label: str | None = None) -> None:
    """Tell every app server that the catalog changed (call inside the changing transaction)."""
    CatalogVersion.objects.get_or_create(id=1)
    updates: dict[str, Any] = {"number": F("number") + 1}
    if label is not None:
        updates["label"] = label
    CatalogVersion.objects.filter(id=1).update(**updates)


@atomic_action
def do_load_catalog(actor: AuditActor, directory: Path) -> tuple[Catalog, int]:
    """Load a YAML catalog into the database. Validates everything first; writes nothing if invalid.

    Procedures missing from the YAML are deactivated, never deleted. Returns the catalog and how many
    procedures changed.
    """
    require(actor, EDIT_CATALOG)
    catalog = load_catalog(directory)  # raises CatalogError before anything is written
    root = Path(directory).resolve()
    changed = 0
    departments = {
        d.code: do_upsert_department(actor, code=d.code, name_ja=d.name_ja, name_en=d.name_en, sort_order=i)
        for i, d in enumerate(catalog.departments)
    }
    for order, event in enumerate(catalog.life_events):
        LifeEvent.objects.update_or_create(
            code=event.code,
            defaults={
                "name_ja": event.name_ja,
                "name_en": event.name_en,
                "name_easy": event.name_easy,
                "sort_order": order,
            },
        )
    existing = {p.code: p for p in lock(Procedure.objects.order_by("code"))}
    for procedure in catalog.procedures:
        values = _row_values(procedure, departments, root)
        row = existing.pop(procedure.code, None)
        if row is None:
            row = Procedure.objects.create(code=procedure.code, **values)
            record(actor, "catalog.procedure.create", row, after=snapshot(row, ["code", *PROCEDURE_FIELDS]))
            changed += 1
            continue
        before = snapshot(row, PROCEDURE_FIELDS)
        for name, value in values.items():
            setattr(row, name, value)
        after = snapshot(row, PROCEDURE_FIELDS)
        if after != before:
            row.save(update_fields=[*PROCEDURE_FIELDS, "updated_at"])
            record(actor, "catalog.procedure.update", row, before=before, after=after, extra={"via": "load"})
            changed += 1
    for row in existing.values():
        if row.active:
            row.active = False
            row.save(update_fields=["active", "updated_at"])
            record(actor, "catalog.procedure.deactivate", row, reason="not in the loaded catalog")
            changed += 1
    if changed:
        bump_version(catalog.version)
    return catalog, changed


@atomic_action
def do_update_procedure(actor: AuditActor, procedure: Procedure, spec: dict[str, Any]) -> Procedure:
    """A manager's edit of one procedure (names, counter, events, rules, documents, legal basis), already
    checked against the whole catalog (catalog.editing). Audited with what changed; every server reloads."""
    require(actor, EDIT_CATALOG)
    locked = lock(Procedure.objects.filter(pk=procedure.pk)).get()
    reference_title = text_parts(spec["reference"]["title"])
    fields = {
        "name_ja": spec["name"]["ja"],
        "name_en": spec["name"]["en"],
        "name_easy": spec["name"].get("easy", ""),
        "counter": spec["counter"],
        "events": list(spec["events"]),
        "rules": [dict(rule) for rule in spec["rules"]],
        "documents": list(spec["documents"]),
        "reference_title": reference_title.ja,
        "reference_title_en": reference_title.en,
        "reference_title_easy": reference_title.easy,
        "reference_url": spec["reference"]["url"],
    }
    before = {name: getattr(locked, name) for name in fields}
    changed = {name: value for name, value in fields.items() if before[name] != value}
    if not changed:
        return locked
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*changed, "updated_at"])
    record(
        actor,
        "catalog.procedure.update",
        locked,
        before={name: before[name] for name in changed},
        after=changed,
        extra={"via": "editor"},
    )
    bump_version()
    return locked
