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


EASY = Path(__file__).resolve().parent.parent / "madoguchi" / "locale" / "ja_Easy" / "LC_MESSAGES"
# The resident's pages (the wait page, the kiosk and its ticket, the reservation steps) and their messages.
RESIDENT_FILES = (
    "reception/templates/reception/wait.html",
    "reception/templates/reception/kiosk.html",
    "reception/templates/reception/kiosk_ticket.html",
    "reception/templates/reception/_slip.html",
    "reception/resident.py",
    "reservations/templates/reservations/offices.html",
    "reservations/templates/reservations/reserve.html",
    "reservations/templates/reservations/_slots.html",
    "reservations/templates/reservations/manage.html",
    "reservations/forms.py",
    "ui/templates/ui/public_base.html",
    "navigator/templates/navigator/checklist.html",
    "navigator/locations.py",
    "certificates/templates/certificates/_card.html",
    "certificates/templates/certificates/_kind.html",
    "certificates/templates/certificates/phone.html",
    "certificates/templates/certificates/phone_done.html",
    "certificates/templates/certificates/store.html",
    "certificates/templates/certificates/verify.html",
    "certificates/eligibility.py",
    "remote/templates/remote/guest.html",
    "remote/templates/remote/door.html",
    "remote/templates/remote/_room_body.html",
)


def test_the_residents_pages_are_in_yasashii_nihongo() -> None:
    po = polib.pofile(str(EASY / "django.po"))
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    resident = [e for e in po if any(f in RESIDENT_FILES for f, _line in e.occurrences)]
    assert len(resident) > 60
    untranslated = [e.msgid for e in resident if not (e.msgstr or e.msgstr_plural.get(0))]
    assert untranslated == []
    for entry in resident:
        translations = [entry.msgstr_plural[0]] if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid
    assert [e.msgid for e in po.fuzzy_entries()] == []
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(EASY / "django.mo"))
    }
    source = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in po.translated_entries()}
    assert compiled == source, "run `make messages` and commit madoguchi/locale/ja_Easy/LC_MESSAGES/django.mo"
