"""Catalog texts (a procedure's name, reason, documents, deadline note) in the page's language.

The catalog keeps each text in Japanese and, once translated, in English (`name_en`, `reason_en`, ...). A
page in English shows the English and falls back to the Japanese, marked `lang="ja"` so that a screen reader
reads it as Japanese (and `data-untranslated`, which the English-pages test looks for); Japanese and
やさしい日本語 pages show the Japanese.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from madoguchi.ui.languages import is_english

register = template.Library()

FIELDS = ("name", "reason", "documents", "deadline_note")
SEPARATOR = {"ja": "、", "en": "; "}
UNTRANSLATED = '<span lang="ja" data-untranslated>{}</span>'  # the Japanese shown for want of English


def _get(item: Any, name: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def _texts(item: Any, field: str) -> list[tuple[str, str]]:
    """(Japanese, English) of each part of the text: one part, or one per document."""
    if field == "name":
        return [(str(_get(item, "name_ja") or ""), str(_get(item, "name_en") or ""))]
    if field == "documents":
        japanese: Sequence[str] = _get(item, "documents") or ()
        english: Sequence[str] = _get(item, "documents_en") or ()
        return [(ja, english[i] if i < len(english) else "") for i, ja in enumerate(japanese)]
    return [(str(_get(item, field) or ""), str(_get(item, f"{field}_en") or ""))]


def shown(japanese: str, english_text: str, *, english: bool) -> tuple[str, str]:
    """The text a page shows of one catalog text and its `lang` ("" for the page's own): the English on
    an English page when there is one, else the Japanese, marked "ja" on an English page."""
    if english and english_text:
        return english_text, ""
    return japanese, "ja" if english else ""


@register.simple_tag
def catalog_text(item: Any, field: str, language: str | None = None) -> SafeString:
    """`{% catalog_text p "reason" %}`: the text in the current (or the given) language, HTML-escaped."""
    if field not in FIELDS:
        raise template.TemplateSyntaxError(f"catalog_text: no field {field!r} (one of {', '.join(FIELDS)})")
    english = is_english(language or get_language())
    parts = [shown(ja, en, english=english) for ja, en in _texts(item, field)]
    parts = [(text, lang) for text, lang in parts if text]
    separator = SEPARATOR["en" if english else "ja"]
    return format_html_join(
        separator,
        "{}",
        ((format_html(UNTRANSLATED, text) if lang else text,) for text, lang in parts),
    )
