"""氏・名 kept exactly as written, and 英字氏名 in capital ASCII letters."""

from __future__ import annotations

import pytest

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.names import family_or_given, roman

RARE = [
    "髙橋",  # U+9AD9 はしごだか
    "山﨑",  # U+FA11 たつさき, a compatibility-block character that is a unified ideograph
    "\U00020bb7田",  # 𠮷 (つちよし), outside the BMP
    "\ufa19田",  # U+FA19 神 (compatibility ideograph): NFC would turn it into U+795E
    "葛\U000e0100西",  # 葛 with an ideographic variation selector
    "渡邉",
    "一郎",  # kanji numerals are letters
    "ジョン　ポール",
    "SMITH",
]


@pytest.mark.parametrize("name", RARE)
def test_a_name_is_kept_exactly(name: str) -> None:
    result = family_or_given(name)

    assert result == name
    assert result.encode("utf-8") == name.encode("utf-8")


def test_a_character_outside_the_bmp_is_one_character_without_surrogates() -> None:
    name = family_or_given("𠮷田")

    assert name == "\U00020bb7田"
    assert len(name) == 2
    assert not any(0xD800 <= ord(character) <= 0xDFFF for character in name)


@pytest.mark.parametrize(("typed", "expected"), [(" 山田 ", "山田"), ("\u3000髙橋\u3000", "髙橋")])
def test_surrounding_spaces_are_removed(typed: str, expected: str) -> None:
    assert family_or_given(typed) == expected


@pytest.mark.parametrize("typed", ["", " ", "\u3000"])
def test_a_name_is_required(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        family_or_given(typed)

    assert error.value.message == "氏名を入力してください。"


@pytest.mark.parametrize("typed", ["山田1", "山田１", "太郎2世", "٣"])
def test_digits_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        family_or_given(typed)

    assert error.value.message == "氏名に数字は使えません。"


@pytest.mark.parametrize(
    "typed",
    [
        "山\t田",
        "山田\n太郎",
        "山\x00田",
        "山\x7f田",
        "山\u200b田",  # zero-width space
        "\ufeff山田",  # byte order mark
        "\ud842\udfb7田",  # 𠮷 as a surrogate pair: a broken UTF-16 decode
        "\ud842田",  # a lone surrogate
    ],
)
def test_invisible_and_control_characters_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        family_or_given(typed)

    assert error.value.message == "氏名に使用できない文字が含まれています。"


def test_a_name_is_at_most_40_characters() -> None:
    assert family_or_given("𠮷" * 40) == "𠮷" * 40
    with pytest.raises(InvalidInput) as error:
        family_or_given("山" * 41)

    assert error.value.message == "氏名は40文字以内で入力してください。"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SMITH JOHN", "SMITH JOHN"),
        ("Smith, john", "SMITH, JOHN"),
        ("Ｓｍｉｔｈ，　Ｊｏｈｎ", "SMITH, JOHN"),
        ("o'brien", "O'BRIEN"),
        ("O’Brien", "O'BRIEN"),
        ("smith-jones  mary", "SMITH-JONES MARY"),
        ("  nguyen van an ", "NGUYEN VAN AN"),
    ],
)
def test_roman_is_capital_ascii(typed: str, expected: str) -> None:
    assert roman(typed) == expected


@pytest.mark.parametrize(
    "typed", ["José", "山田", "SMITH2", "SMITH.", "-SMITH", "ИВАНОВ", "SMITH\tJOHN", "SMITH\nJOHN", ","]
)
def test_roman_refuses_anything_else(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        roman(typed)

    assert error.value.message == "英字氏名はローマ字で入力してください。"


@pytest.mark.parametrize("typed", ["", "　 "])
def test_roman_is_required(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        roman(typed)

    assert error.value.message == "英字氏名を入力してください。"


def test_roman_is_at_most_120_characters() -> None:
    assert roman("A" * 120) == "A" * 120
    with pytest.raises(InvalidInput) as error:
        roman("A" * 121)

    assert error.value.message == "英字氏名は120文字以内で入力してください。"


def test_a_full_name_is_written_as_the_resident_record_writes_it() -> None:
    from madoguchi.identity.names import full_name, member_name

    assert full_name("山田", "太郎") == "山田　太郎"
    assert full_name("SMITH", "JOHN") == "SMITH JOHN"  # Latin letters: an ASCII space
    assert full_name("山田", "") == "山田"  # the given name not typed yet: no dangling space
    assert full_name("", "MARIA") == "MARIA"  # a single name
    member = {
        "family_name": "髙橋",
        "given_name": "花子",
        "family_name_kana": "タカハシ",
        "given_name_kana": "",
    }
    assert member_name(member) == "髙橋　花子"
    assert member_name(member, kana=True) == "タカハシ"
    assert member_name({}) == ""
