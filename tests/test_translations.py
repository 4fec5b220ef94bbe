"""The English catalogue is complete, and the compiled .mo is the one built from the .po."""

from __future__ import annotations

import re
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "madoguchi" / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_translations_keep_their_placeholders() -> None:
    for entry in polib.pofile(str(LOCALE / "django.po")):
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid


def test_compiled_catalogue_matches_the_source() -> None:
    # Keyed by context and text: the same Japanese may read differently in English (pgettext).
    po = {
        (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural))
        for e in polib.pofile(str(LOCALE / "django.po"))
    }
    mo = {
        (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural))
        for e in polib.mofile(str(LOCALE / "django.mo"))
    }
    assert mo == po, "run `make messages` (or msgfmt) and commit madoguchi/locale/en/LC_MESSAGES/django.mo"
