"""One rule for showing a text kept in Japanese, English and やさしい日本語 in a page's language."""

from __future__ import annotations

import dataclasses

import pytest
from django.template import Context, Template
from django.utils import translation

from madoguchi.catalog.models import LifeEvent
from madoguchi.catalog.templatetags.catalog_text import catalog_list, catalog_text
from madoguchi.rules.engine import PlannedProcedure
from madoguchi.ui.languages import is_easy_japanese, shown

TEXT = ("転入届", "Moving-in notification", "ひっこして きた ことを しらせる とどけ（転入届）")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", ("転入届", "")),
        ("en", ("Moving-in notification", "")),
        ("en-us", ("Moving-in notification", "")),
        ("ja-easy", ("ひっこして きた ことを しらせる とどけ（転入届）", "")),
    ],
)
def test_each_language_shows_its_own_text(language: str, expected: tuple[str, str]) -> None:
    assert shown(language, *TEXT) == expected


def test_a_missing_translation_falls_back_to_the_japanese() -> None:
    # English pages mark the Japanese as Japanese; やさしい日本語 is Japanese, so it needs no mark
    assert shown("en", "転入届", "", "ひっこし") == ("転入届", "ja")
    assert shown("ja-easy", "転入届", "Moving-in notification", "") == ("転入届", "")
    assert shown("ja", "転入届") == ("転入届", "")


def test_no_language_means_the_active_one() -> None:
    with translation.override("ja-easy"):
        assert is_easy_japanese()
        assert shown(None, *TEXT) == (TEXT[2], "")
    with translation.override("en"):
        assert not is_easy_japanese()
        assert shown(None, *TEXT) == (TEXT[1], "")


def planned(**texts: object) -> PlannedProcedure:
    return PlannedProcedure(
        code="tennyu-todoke",
        name_ja="転入届",
        name_en="Moving-in notification",
        status="required",
        member_ids=("m1",),
        reason="転入したため",
        department="shimin",
        counter="one_stop",
        documents=("本人確認書類", "転出証明書"),
        fee=0,
        deadline=None,
        deadline_note="",
        minutes=10,
        order=10,
        online=False,
        contractor_ok=True,
        reference_title="住民基本台帳法第22条",
        reference_url="",
        **texts,  # type: ignore[arg-type]
    )


def test_the_catalog_text_tag_follows_the_rule() -> None:
    item = planned(
        reason_en="You moved in",
        documents_en=("Proof of identity", ""),
        name_easy="ひっこして きた ことを しらせる とどけ（転入届）",
        reason_easy="ひっこして きました。",
        documents_easy=("あなたが だれか わかる もの", ""),
    )
    assert catalog_text(item, "name", "ja-easy") == "ひっこして きた ことを しらせる とどけ（転入届）"
    assert catalog_text(item, "reason", "ja-easy") == "ひっこして きました。"
    assert catalog_text(item, "documents", "ja-easy") == "あなたが だれか わかる もの、転出証明書"
    assert catalog_text(item, "documents", "ja") == "本人確認書類、転出証明書"
    assert catalog_text(item, "documents", "en") == (
        'Proof of identity; <span lang="ja" data-untranslated>転出証明書</span>'
    )
    with translation.override("ja-easy"):
        page = Template('{% load catalog_text %}{% catalog_text p "reason" %}').render(Context({"p": item}))
    assert page == "ひっこして きました。"
    # the same parts as a list, each in the language or marked where it falls back
    assert catalog_list(item, "documents", "ja-easy") == (
        '<ul class="catalog-list"><li>あなたが だれか わかる もの</li><li>転出証明書</li></ul>'
    )
    assert catalog_list(item, "documents", "en") == (
        '<ul class="catalog-list"><li>Proof of identity</li>'
        '<li><span lang="ja" data-untranslated>転出証明書</span></li></ul>'
    )
    assert catalog_list(dataclasses.replace(planned(), documents=()), "documents", "ja") == ""


@pytest.mark.django_db
def test_a_named_records_name_follows_the_same_rule() -> None:
    event = LifeEvent(code="tennyu", name_ja="転入", name_en="Moving in", name_easy="ひっこして きた")
    for language, name in [
        ("ja", "転入"),
        ("en", "Moving in"),
        ("en-gb", "Moving in"),
        ("ja-easy", "ひっこして きた"),
    ]:
        with translation.override(language):
            assert event.name == name
    event.name_easy = ""
    with translation.override("ja-easy"):
        assert event.name == "転入"


def test_an_english_date_does_not_follow_the_servers_locale() -> None:
    from datetime import date

    from django.utils import translation

    from madoguchi.ui.languages import city_name, english_date

    assert english_date(date(2026, 11, 25)) == "25 November 2026"
    assert english_date(date(2027, 1, 3)) == "3 January 2027"
    with translation.override("en"):
        assert city_name() == "Minato City"
    with translation.override("ja-easy"):
        assert city_name() == "みなと市"
