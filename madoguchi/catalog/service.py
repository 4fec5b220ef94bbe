"""The catalog the engine uses, built from the database and rebuilt only when its version changes."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings

from madoguchi.catalog.models import CatalogVersion, LifeEvent, Procedure
from madoguchi.organization.models import Department
from madoguchi.rules.catalog import Catalog, catalog_from_data, text_spec

_lock = threading.Lock()
_cached: tuple[int, Catalog] | None = None


def _name(ja: str, en: str, easy: str) -> dict[str, str]:
    """A name in its YAML shape: `ja` and `en`, and `easy` when it is written."""
    return {"ja": ja, "en": en, "easy": easy} if easy else {"ja": ja, "en": en}


def procedure_spec(row: Procedure) -> dict[str, Any]:
    """A database row in the YAML shape of docs/rules-language.md (also what `catalog export` writes)."""
    spec: dict[str, Any] = {
        "code": row.code,
        "name": _name(row.name_ja, row.name_en, row.name_easy),
        "department": row.department.code,
        "counter": row.counter,
        "events": list(row.events),
        "concerns": row.concerns,
        "rules": [dict(rule) for rule in row.rules],
        "documents": list(row.documents),
        "fee": row.fee,
        "minutes": {"base": row.minutes_base, "per_member": row.minutes_per_member},
        "online": row.online,
        "contractor_ok": row.contractor_ok,
        "order": row.order,
        "after": list(row.after),
        "reference": {
            "title": text_spec(row.reference_title, row.reference_title_en, row.reference_title_easy),
            "url": row.reference_url,
        },
    }
    if row.deadline_days is not None:
        spec["deadline"] = {
            "days": row.deadline_days,
            "note": text_spec(row.deadline_note, row.deadline_note_en, row.deadline_note_easy),
        }
    if row.effective_from or row.effective_until:
        spec["effective"] = {
            key: value.isoformat()
            for key, value in (("from", row.effective_from), ("until", row.effective_until))
            if value is not None
        }
    return spec


def meta_spec(label: str) -> dict[str, Any]:
    return {
        "version": label,
        "city": {"ja": settings.CITY_NAME_JA, "en": settings.CITY_NAME_EN},
        "life_events": [
            {"code": e.code, **_name(e.name_ja, e.name_en, e.name_easy)} for e in LifeEvent.objects.all()
        ],
        "departments": [
            {"code": d.code, "ja": d.name_ja, "en": d.name_en}
            for d in Department.objects.order_by("sort_order")
        ],
    }


def build_from_database(label: str = "") -> Catalog:
    rows = Procedure.objects.filter(active=True).select_related("department")
    return catalog_from_data(meta_spec(label), [procedure_spec(row) for row in rows], "database")


def current_catalog() -> Catalog:
    """The active catalog. One indexed query per call; the rebuild happens once per change per process."""
    return versioned_catalog()[1]


def versioned_catalog() -> tuple[int, Catalog]:
    """The active catalog with its version number (what a submission records as signed against)."""
    global _cached
    version = CatalogVersion.objects.filter(id=1).values_list("number", "label").first() or (0, "")
    number, label = version
    cached = _cached
    if cached is not None and cached[0] == number:
        return cached
    with _lock:
        # The threads that waited here while another one rebuilt take its catalog instead of rebuilding.
        cached = _cached
        if cached is not None and cached[0] == number:
            return cached
        catalog = build_from_database(label)
        _cached = (number, catalog)
    return number, catalog


def is_empty() -> bool:
    return not Procedure.objects.filter(active=True).exists()
