"""The language of what a resident takes home (ticket, checklist, resident copy): the one they chose."""

from __future__ import annotations

from datetime import date

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


EASY_JAPANESE = "ja-easy"


def is_easy_japanese(language: str | None = None) -> bool:
    """Whether `language` (by default the active one) is やさしい日本語."""
    code = get_language() if language is None else language
    return (code or "").lower() in {EASY_JAPANESE, "ja_easy"}


def shown(language: str | None, japanese: str, english: str = "", easy: str = "") -> tuple[str, str]:
    """The text a page in `language` shows of one text kept in Japanese, English and やさしい日本語, and its
    `lang` ("" for the page's own language).

    English pages show the English when there is one, else the Japanese marked "ja"; やさしい日本語 pages
    the easy text when there is one, else the Japanese (it is Japanese too, so unmarked); Japanese pages
    the Japanese.
    """
    if is_english(language):
        return (english, "") if english else (japanese, "ja")
    if is_easy_japanese(language) and easy:
        return easy, ""
    return japanese, ""


def city_name() -> str:
    """The city's name in the active language (English on an English page, else Japanese)."""
    return settings.CITY_NAME_EN if is_english() else settings.CITY_NAME_JA


ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def english_date(day: date) -> str:
    """ "25 November 2026", whatever the server's locale (strftime's %B follows it)."""
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
