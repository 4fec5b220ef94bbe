"""The language of what a resident takes home (ticket, checklist, resident copy): the one they chose."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language

# (code, how the choice is shown to the clerk: in its own language)
DOCUMENT_LANGUAGES: tuple[tuple[str, str], ...] = tuple(settings.LANGUAGES)


def document_language(value: str | None) -> str:
    """`value` if it is one of the languages the product speaks, else Japanese (the city's record)."""
    codes = {code for code, _name in settings.LANGUAGES}
    return value if value in codes else settings.LANGUAGE_CODE


def html_lang(language: str) -> str:
    """The `lang` attribute of a page in `language` (やさしい日本語 is Japanese to a browser)."""
    return language.split("-")[0]


def is_english(language: str | None = None) -> bool:
    """Whether `language` (by default the active one) is English, in any of its regional forms."""
    code = get_language() if language is None else language
    return (code or "").split("-")[0] == "en"
