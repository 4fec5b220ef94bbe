"""氏・名 as written on the resident record, and 英字氏名 as on a residence card.

氏 and 名 are kept exactly as typed (only surrounding spaces go): no Unicode normalisation, because NFC and
NFKC replace CJK compatibility ideographs (U+FA19 「神」 becomes U+795E 「神」) and a family register may
distinguish them. Characters outside the BMP such as 「𠮷」 (U+20BB7) are one character like any other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from madoguchi.identity.errors import InvalidInput

NAME_MAX_LENGTH = 40  # characters; case-file/v1 family_name / given_name
ROMAN_MAX_LENGTH = 120  # characters; case-file/v1 name_roman

# A residence card writes names in capital ASCII letters; "O'BRIEN", "SMITH-JONES" and "SMITH, JOHN" occur.
_ROMAN = re.compile(r"[A-Z][A-Z '\-,]*")
_SPACES = re.compile(r" +")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-", "－": "-"})


def family_or_given(text: str, *, max_length: int = NAME_MAX_LENGTH) -> str:
    """One 氏 or 名 without surrounding (half- or full-width) spaces, otherwise unchanged: 「髙橋」."""
    name = text.strip()
    if not name:
        raise InvalidInput("氏名を入力してください。")
    # Cc: control characters (tab, newline, DEL, C1); Cf: invisible format characters (zero-width space, BOM)
    # that would make two equal-looking names differ; Cs: a lone surrogate left by a broken client encoding.
    # Ideographic variation selectors (U+E0100…, category Mn) stay: they choose the glyph of 「葛󠄀」.
    if any(unicodedata.category(character) in {"Cc", "Cf", "Cs"} for character in name):
        raise InvalidInput("氏名に使用できない文字が含まれています。")
    # Nd only: kanji numerals (「一郎」) are letters, not digits.
    if any(unicodedata.category(character) == "Nd" for character in name):
        raise InvalidInput("氏名に数字は使えません。")
    if len(name) > max_length:
        raise InvalidInput(f"氏名は{max_length}文字以内で入力してください。")
    return name


def roman(text: str, *, max_length: int = ROMAN_MAX_LENGTH) -> str:
    """英字氏名 in capital ASCII letters: "Smith, john" and 「Ｓｍｉｔｈ，　Ｊｏｈｎ」 give "SMITH, JOHN".

    Full-width letters become ASCII, lower case upper case and runs of spaces one space. Letters with accents
    are refused rather than stripped: the clerk copies the residence card, which has none.
    """
    # NFKC makes the full-width space ASCII too; a tab or line break inside stays and is refused below.
    converted = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).strip()).upper()
    if not converted:
        raise InvalidInput("英字氏名を入力してください。")
    if not (converted.isascii() and _ROMAN.fullmatch(converted)):
        raise InvalidInput("英字氏名はローマ字で入力してください。")
    if len(converted) > max_length:
        raise InvalidInput(f"英字氏名は{max_length}文字以内で入力してください。")
    return converted


def full_name(family: str, given: str) -> str:
    """氏 and 名 as one name, as a resident record prints it: 「山田　太郎」 with a full-width space, "SMITH
    JOHN" with an ASCII one when both are Latin letters; one of them alone when the other is empty (a name
    not yet typed, or a foreign resident's single name)."""
    family, given = family.strip(), given.strip()
    if not family or not given:
        return family or given
    return f"{family} {given}" if family.isascii() and given.isascii() else f"{family}　{given}"


def member_name(member: Mapping[str, Any], *, kana: bool = False) -> str:
    """The name (or, with `kana`, its reading in kana) of a member of a case file or submission."""
    suffix = "_kana" if kana else ""
    return full_name(
        str(member.get(f"family_name{suffix}") or ""), str(member.get(f"given_name{suffix}") or "")
    )
