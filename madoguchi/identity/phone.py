"""Japanese telephone numbers, checked and formatted by phonenumbers (Google's libphonenumber data)."""

from __future__ import annotations

import re

import phonenumbers

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.kana import ascii_digits

JAPAN = "JP"
_DIALLABLE = re.compile(r"\+?[0-9()\- ]+")  # no letters: phonenumbers would read 「ABC」 as keypad digits


def normalize(text: str) -> str:
    """The number in national format with hyphens: 「０３（１２３４）５６７８」 → 「03-1234-5678」,
    「+81 90 1234 5678」 → 「090-1234-5678」, 「0432455111」 → 「043-245-5111」."""
    converted = (
        ascii_digits(text).replace("＋", "+").replace("（", "(").replace("）", ")").replace("\u3000", " ")
    )
    converted = converted.strip()
    if not converted:
        raise InvalidInput("電話番号を入力してください。")
    if not _DIALLABLE.fullmatch(converted):
        raise InvalidInput("電話番号が正しくありません。")
    try:
        number = phonenumbers.parse(converted, JAPAN)
    except phonenumbers.NumberParseException:
        raise InvalidInput("電話番号が正しくありません。") from None
    if phonenumbers.region_code_for_number(number) != JAPAN:
        raise InvalidInput("日本国内の電話番号を入力してください。")
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("電話番号が正しくありません。")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
