"""Template tags of the case page: one labelled input per field, with its value and its message."""

from __future__ import annotations

from typing import Any

from django import template

from madoguchi.cases.entry import Entry

register = template.Library()


@register.inclusion_tag("cases/_field.html")
def entry_field(entry: Entry, name: str, label: str, **options: Any) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "value": entry.value(name),
        "error": entry.errors.get(name, ""),
        **options,
    }


@register.simple_tag
def entry_value(entry: Entry, name: str) -> str:
    return entry.value(name)


@register.simple_tag
def entry_error(entry: Entry, name: str) -> str:
    return entry.errors.get(name, "")


@register.simple_tag
def field_name(prefix: str, index: int, name: str) -> str:
    return f"{prefix}-{index}-{name}"
