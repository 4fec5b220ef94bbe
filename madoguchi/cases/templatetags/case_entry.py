"""Template tags of the case page: one labelled input per field, with its value and its message."""

from __future__ import annotations

from typing import Any

from django import template

from madoguchi.cases.entry import Entry
from madoguchi.identity import wareki
from madoguchi.identity.errors import InvalidInput

register = template.Library()


@register.inclusion_tag("cases/_field.html")
def entry_field(entry: Entry, name: str, label: str, **options: Any) -> dict[str, Any]:
    value = entry.value(name)
    shown_as = ""
    if options.pop("date", False) and value and name not in entry.errors:
        # 和暦 and 西暦 are both accepted; the clerk sees the date in both
        try:
            day = wareki.parse_date(value)
            shown_as = f"{wareki.format_date(day)}（{day.isoformat()}）"
        except InvalidInput:
            shown_as = ""
    return {
        "name": name,
        "label": label,
        "value": value,
        "error": entry.errors.get(name, ""),
        "shown_as": shown_as,
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
