"""フリガナ and digits as typed at the counter: hiragana, half-width katakana and full-width digits."""

from __future__ import annotations

import re
import unicodedata

import jaconv

from madoguchi.identity.errors import InvalidInput

FURIGANA_MAX_LENGTH = 80  # characters; case-file/v1 family_name_kana / given_name_kana

# ァ (U+30A1) … ヶ (U+30F6): every katakana letter, small ones and ヴ included; ー is the long vowel mark.
_KATAKANA = re.compile(r"[\u30a1-\u30f6\u30fc]+(?:\u3000[\u30a1-\u30f6\u30fc]+)*")

# Japanese input methods produce many look-alikes of the hyphen; in a number they all mean "-".
_HYPHENS = "－‐‑‒–—―−ーｰ"
_TO_ASCII = str.maketrans("０１２３４５６７８９" + _HYPHENS, "0123456789" + "-" * len(_HYPHENS))
_DIGITS = re.compile(r"[0-9-]+")
_SPACES = re.compile(r"[ \u3000]+")


def furigana(text: str, *, max_length: int = FURIGANA_MAX_LENGTH) -> str:
    """Full-width katakana: 「やまだ」, 「ﾔﾏﾀﾞ」 and 「ヤマダ」 all give 「ヤマダ」.

    Hiragana becomes katakana and half-width katakana full-width. Leading and trailing spaces are dropped
    and a run of spaces inside (half- or full-width) becomes one full-width space: 氏 and 名 are separate
    fields, so a space inside one separates the parts of a longer name (「ジョン　ポール」), and the form
    prints it. Only katakana, 「ー」 and that space are allowed (a tab or line break inside is refused);
    「ヴ」 and small kana are kept.
    """
    # NFC first: macOS input sends 「カ」 + combining dakuten, which must become 「ガ」.
    converted = jaconv.hira2kata(jaconv.h2z(unicodedata.normalize("NFC", text), kana=True))
    normalised = _SPACES.sub("\u3000", converted.strip())
    if not normalised:
        raise InvalidInput("フリガナを入力してください。")
    if not _KATAKANA.fullmatch(normalised):
        raise InvalidInput("フリガナはカタカナで入力してください。")
    if len(normalised) > max_length:
        raise InvalidInput(f"フリガナは{max_length}文字以内で入力してください。")
    return normalised


def ascii_digits(text: str) -> str:
    """`text` with full-width digits made ASCII and each hyphen look-alike (「－」「ー」「−」…) made "-"."""
    return text.translate(_TO_ASCII)


def digits(text: str) -> str:
    """Half-width digits and hyphens: 「０９０－１２３４」 → "090-1234"; surrounding spaces are dropped."""
    converted = ascii_digits(text).strip()
    if not converted:
        raise InvalidInput("数字を入力してください。")
    if not _DIGITS.fullmatch(converted):
        raise InvalidInput("数字とハイフンだけで入力してください。")
    return converted
