"""Audit entries as staff read them: the event's words, the person's name and readable before/after values.

The raw entry (code, login ID, JSON) stays available to auditors; see the audit page's detail row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from madoguchi.audit.chain import REDACTED
from madoguchi.audit.events import EventType, category, registered_events
from madoguchi.audit.models import AuditEntry

SYSTEM_PREFIX = "system:"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EntryView:
    entry: AuditEntry
    label: str
    category: str
    actor: str
    target: str
    changes: tuple[Change, ...]
    details: tuple[tuple[str, str], ...]


def actor_label(audit_name: str, names: Mapping[str, str]) -> str:
    """A staff member's display name (their login ID only if the account is unknown); a process as such."""
    if audit_name.startswith(SYSTEM_PREFIX):
        process = audit_name.removeprefix(SYSTEM_PREFIX)
        if process == "resident":
            return _("住民（本人の操作）")
        return _("システム（%(process)s）") % {"process": process}
    return names.get(audit_name) or audit_name


def _event(code: str) -> EventType:
    # An entry older than its event's registration still reads, with the shared field words.
    return registered_events().get(code) or EventType(code, code, code.split(".", 1)[0])


def value_text(event: EventType, key: str, value: Any) -> str:
    """One stored value in words: codes by their labels, yes/no, lists, nothing as a dash."""
    if value == REDACTED:
        return _("（記録しない項目）")
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, list):
        return "、".join(value_text(event, key, item) for item in value)
    if isinstance(value, dict):
        return "、".join(
            f"{event.field_label(str(k))}：{value_text(event, str(k), item)}" for k, item in value.items()
        )
    word = event.value_label(key, value)
    return str(word) if word is not None else str(value)


def _target(entry: AuditEntry) -> str:
    if not entry.target_type:
        return ""
    try:
        return str(apps.get_model(entry.target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return entry.target_type


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def describe(entry: AuditEntry, names: Mapping[str, str]) -> EntryView:
    """`names` maps login IDs to display names (`madoguchi.staff.names.display_names`)."""
    event = _event(entry.action)
    summary = entry.summary if isinstance(entry.summary, dict) else {}
    before = _mapping(summary.get("before"))
    after = _mapping(summary.get("after"))
    changes = []
    for key in [*after, *(k for k in before if k not in after)]:
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue  # an update lists only what changed
        changes.append(
            Change(
                field=str(event.field_label(key)),
                before=value_text(event, key, old) if key in before else "",
                after=value_text(event, key, new) if key in after else "",
            )
        )
    details = tuple(
        (str(event.field_label(key)), value_text(event, key, value))
        for key, value in summary.items()
        if key not in {"before", "after"}
    )
    return EntryView(
        entry=entry,
        label=str(event.label),
        category=str(category(event.category).label),
        actor=actor_label(entry.actor, names),
        target=_target(entry),
        changes=tuple(changes),
        details=details,
    )
