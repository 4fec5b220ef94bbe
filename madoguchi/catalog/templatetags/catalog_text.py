"""Catalog texts (a procedure's name, reason, documents, deadline note, legal basis) in the page's language.

The catalog keeps each text in Japanese and, once written, in English (`name_en`, `reason_en`, ...) and in
やさしい日本語 (`name_easy`, `reason_easy`, ...). One rule (ui.languages.shown) picks what a page shows: a
page in English shows the English and falls back to the Japanese, marked `lang="ja"` so that a screen reader
reads it as Japanese (and `data-untranslated`, which the English-pages test looks for); a やさしい日本語 page
shows the easy text and falls back to the Japanese; a Japanese page shows the Japanese.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from madoguchi.rules.catalog import Text
from madoguchi.ui.languages import is_english, shown

__all__ = ["catalog_list", "catalog_text", "shown"]

register = template.Library()

FIELDS = ("name", "reason", "documents", "deadline_note", "reference_title")
SEPARATOR = {"ja": "、", "en": "; "}
UNTRANSLATED = '<span lang="ja" data-untranslated>{}</span>'  # the Japanese shown for want of English


def _get(item: Any, name: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def _texts(item: Any, field: str) -> list[Text]:
    """The texts of each part of the field: one part, or one per document."""
    if field == "documents":
        japanese: Sequence[str] = _get(item, "documents") or ()
        english: Sequence[str] = _get(item, "documents_en") or ()
        easy: Sequence[str] = _get(item, "documents_easy") or ()
        return [
            Text(ja, english[i] if i < len(english) else "", easy[i] if i < len(easy) else "")
            for i, ja in enumerate(japanese)
        ]
    japanese_name = "name_ja" if field == "name" else field
    return [
        Text(
            str(_get(item, japanese_name) or ""),
            str(_get(item, f"{field}_en") or ""),
            str(_get(item, f"{field}_easy") or ""),
        )
    ]


@register.simple_tag
def catalog_text(item: Any, field: str, language: str | None = None) -> SafeString:
    """`{% catalog_text p "reason" %}`: the text in the current (or the given) language, HTML-escaped."""
    if field not in FIELDS:
        raise template.TemplateSyntaxError(f"catalog_text: no field {field!r} (one of {', '.join(FIELDS)})")
    language = language or get_language()
    parts = [shown(language, *text) for text in _texts(item, field)]
    parts = [(text, lang) for text, lang in parts if text]
    separator = SEPARATOR["en" if is_english(language) else "ja"]
    return format_html_join(
        separator,
        "{}",
        ((format_html(UNTRANSLATED, text) if lang else text,) for text, lang in parts),
    )


@register.simple_tag
def catalog_list(item: Any, field: str, language: str | None = None) -> SafeString:
    """`{% catalog_list p "documents" %}`: each part of the field as an item of a list (`<ul
    class="catalog-list">`), in the current (or the given) language; nothing when it has no part. A list
    reads better than one line when the parts are sentences, as the やさしい日本語 documents are."""
    if field not in FIELDS:
        raise template.TemplateSyntaxError(f"catalog_list: no field {field!r} (one of {', '.join(FIELDS)})")
    language = language or get_language()
    parts = [(text, lang) for text, lang in (shown(language, *t) for t in _texts(item, field)) if text]
    if not parts:
        return SafeString("")
    items = format_html_join(
        "", "<li>{}</li>", ((format_html(UNTRANSLATED, text) if lang else text,) for text, lang in parts)
    )
    return format_html('<ul class="catalog-list">{}</ul>', items)
