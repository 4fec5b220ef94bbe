"""The audit event types: every action code with its label, its category and how its values read.

Each app declares its own events in `<app>/audit_events.py` with `register(...)`; `AuditConfig.ready`
imports those modules, so this app imports no other one. `record()` refuses a code nobody registered,
so an event cannot reach the log without words for the history pages (Zulip's AuditLogEventType,
Wagtail's log_actions). Labels are Japanese source strings translated through gettext.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

Label = str | Promise


@dataclass(frozen=True)
class Category:
    """A group of events on the audit page's filter: usually one app."""

    code: str
    label: Label


@dataclass(frozen=True)
class EventType:
    """One action code.

    `fields` names the summary keys this event writes (keys not named here use the shared words in
    FIELD_LABELS); `choices` turns stored codes into words, e.g. {"status": {"waiting": "お待ち"}}.
    """

    code: str
    label: Label
    category: str
    fields: Mapping[str, Label] = field(default_factory=dict)
    choices: Mapping[str, Mapping[str, Label]] = field(default_factory=dict)

    def field_label(self, key: str) -> Label:
        return self.fields.get(key) or FIELD_LABELS.get(key) or key

    def value_label(self, key: str, value: Any) -> Label | None:
        """The word for a stored code of `key`, or None when the value is not a known code."""
        if isinstance(value, str):
            return self.choices.get(key, {}).get(value)
        return None


class UnregisteredAuditEvent(LookupError):
    """A programming error: an action code that no `audit_events.py` registered (it would have no label)."""

    def __init__(self, code: str) -> None:
        super().__init__(
            f"audit event {code!r} is not registered; declare it with "
            "madoguchi.audit.events.register(EventType(...)) in its app's audit_events.py"
        )
        self.code = code


# Summary keys that several apps write; an event names its own keys in `EventType.fields`.
FIELD_LABELS: dict[str, Label] = {
    "status": _("状態"),
    "state": _("状態"),
    "reason": _("理由"),
    "note": _("備考"),
    "via": _("経由"),
    "office": _("庁舎"),
    "queue": _("受付区分"),
    "counter": _("窓口"),
    "case": _("受付番号"),
    "number": _("番号"),
    "procedure": _("手続"),
    "active": _("有効"),
    "is_active": _("有効"),
    "code": _("コード"),
    "name_ja": _("名称"),
    "name_en": _("名称（英語）"),
    "name_easy": _("名称（やさしい日本語）"),
    "sort_order": _("表示順"),
    "kind": _("種類"),
    "label": _("名前"),
    "department": _("担当課"),
    "parent": _("上位の庁舎"),
    "password": _("パスワード"),
}

_categories: dict[str, Category] = {}
_events: dict[str, EventType] = {}


def register_category(code: str, label: Label) -> Category:
    category = Category(code, label)
    existing = _categories.get(code)
    if existing is not None and existing != category:
        raise ImproperlyConfigured(f"audit category {code!r} is registered twice with different labels")
    _categories[code] = category
    return category


def register(*events: EventType) -> None:
    """Make the codes recordable. Registering the same definition again is harmless (a re-import)."""
    for event in events:
        if event.category not in _categories:
            raise ImproperlyConfigured(
                f"audit event {event.code!r}: register its category {event.category!r} first"
            )
        existing = _events.get(event.code)
        if existing is not None and existing != event:
            raise ImproperlyConfigured(f"audit event {event.code!r} is registered twice, differently")
        _events[event.code] = event


def status_events(
    prefix: str, category: str, choices: Iterable[tuple[str, Label]], label: Label, *, key: str = "status"
) -> list[EventType]:
    """One event per state of a state field, `{prefix}.{state}`, labelled `label` with the state's name.

    For the state machines that record a transition as `f"{prefix}.{state}"`: a state added to the
    choices gets its event (and its words) with it.
    """
    words = dict(choices)
    return [
        EventType(
            code=f"{prefix}.{state}",
            label=_with_state(label, state_label),
            category=category,
            choices={key: words},
        )
        for state, state_label in words.items()
    ]


def _with_state(label: Label, state: Label) -> Label:
    """`label` with the state's word put in for `%(state)s`, both translated when shown."""
    return lazy(lambda: str(label) % {"state": state}, str)()


def event_type(code: str) -> EventType:
    try:
        return _events[code]
    except KeyError:
        raise UnregisteredAuditEvent(code) from None


def is_registered(code: str) -> bool:
    return code in _events


def registered_events() -> dict[str, EventType]:
    return dict(_events)


def categories() -> list[Category]:
    return list(_categories.values())


def category(code: str) -> Category:
    return _categories.get(code) or Category(code, code)


def label_of(code: str) -> str:
    """The event's words in the active language; an unknown code (an entry older than its event) as is."""
    found = _events.get(code)
    return str(found.label) if found is not None else code


def field_labels(model: Any, names: Iterable[str] | None = None) -> dict[str, Label]:
    """The verbose names of a model's fields, for the events that record a `snapshot()` of them."""
    fields = model._meta.concrete_fields
    wanted = None if names is None else set(names)
    return {f.name: f.verbose_name for f in fields if wanted is None or f.name in wanted}


def field_choices(model: Any) -> dict[str, dict[str, Label]]:
    """The words of a model's fields with choices, for the same snapshots."""
    return {f.name: dict(f.flatchoices) for f in model._meta.concrete_fields if f.choices}
