"""Template tags of the case page: one labelled input per field, with its value and its message.

The page of a household of five has a few hundred fields and options; they are built here in Python
(format_html) rather than by an included template per field, which cost most of the page's time.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from madoguchi.cases.entry import Entry
from madoguchi.identity import wareki
from madoguchi.identity.errors import InvalidInput
from madoguchi.rules.facts import Fact
from madoguchi.ui.languages import is_english

register = template.Library()


def _e(value: object) -> str:
    """HTML-escaped text (the standard library's escape: Django's lazy-aware one costs ten times more)."""
    return html.escape(str(value), quote=True)


@register.simple_tag
def entry_field(entry: Entry, name: str, label: str, **options: Any) -> SafeString:
    """A labelled text input with its help, its value shown as 和暦 for a date, and its error."""
    value = entry.value(name)
    error = entry.errors.get(name, "")
    shown_as = ""
    if options.get("date") and value and not error:
        # 和暦 and 西暦 are both accepted; the clerk sees the date in both
        try:
            day = wareki.parse_date(value)
            shown_as = (
                f"{day.isoformat()} ({wareki.format_date(day, style='short')})"
                if is_english()
                else f"{wareki.format_date(day)}（{day.isoformat()}）"
            )
        except InvalidInput:
            shown_as = ""
    required = bool(options.get("required"))
    n = _e(name)
    attributes = " required" if required else ""
    attributes += f' autocomplete="{_e(options.get("autocomplete") or "off")}"'
    if error:
        attributes += f' aria-invalid="true" aria-describedby="{n}-error"'
    if options.get("inputmode"):
        attributes += f' inputmode="{_e(options["inputmode"])}"'
    if options.get("postal"):
        attributes += (
            f' data-postal="{_e(options["postal"])}" data-postal-url="{_e(reverse("cases:postal"))}"'
            f' data-postal-choose="{_e(_("この郵便番号には町域が複数あります。選んでください："))}"'
        )
    parts = [f'<div class="field">\n  <label for="{n}">{_e(label)}']
    if required:
        parts.append(f'<span class="required" aria-hidden="true">{_e(_("必須"))}</span>')
    if name in entry.sources:  # a prepared value: the clerk confirms it with the resident
        parts.append(f' <span class="tag tag--source">{_e(entry.sources[name])}</span>')
    parts.append("</label>\n  ")
    if options.get("help"):
        parts.append(f'<p class="field__help" id="{n}-help">{_e(options["help"])}</p>\n  ')
    kind = _e(options.get("type") or "text")
    parts.append(f'<input type="{kind}" id="{n}" name="{n}" value="{_e(value)}"{attributes}>\n  ')
    if shown_as:
        parts.append(f'<p class="field__help field__shown-as">{_e(shown_as)}</p>\n  ')
    if error:
        parts.append(f'<p class="field__error" id="{n}-error">{_e(error)}</p>\n')
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped by _e)


@register.simple_tag
def options(choices: Iterable[tuple[str, str]], current: str) -> SafeString:
    """The <option>s of a select, the current one selected."""
    return mark_safe(  # noqa: S308 (escaped by _e)
        "".join(
            f'<option value="{_e(value)}"{" selected" if current == value else ""}>{_e(label)}</option>'
            for value, label in choices
        )
    )


@register.filter
def fact_label(fact: Fact) -> str:
    """A fact's label in the active language."""
    return fact.label_en if is_english() and fact.label_en else fact.label_ja


@register.simple_tag
def yes_no_field(entry: Entry, name: str, label: str) -> SafeString:
    """A fact that is yes, no or not yet asked (未確認)."""
    choices = f'<option value="">{_e(_("未確認"))}</option>' + options(
        [("yes", _("はい")), ("no", _("いいえ"))], entry.value(name)
    )
    n = _e(name)
    return mark_safe(  # noqa: S308 (escaped by _e)
        f'<div class="field"><label for="{n}">{_e(label)}</label>\n'
        f'            <select id="{n}" name="{n}">{choices}</select></div>'
    )


@register.simple_tag
def entry_value(entry: Entry, name: str) -> str:
    return entry.value(name)


@register.simple_tag
def entry_error(entry: Entry, name: str) -> str:
    return entry.errors.get(name, "")


@register.simple_tag
def field_name(prefix: str, index: int, name: str) -> str:
    return f"{prefix}-{index}-{name}"
