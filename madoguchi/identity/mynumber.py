"""個人番号 (My Number): validation with python-stdnum and masking for anything shown on screen or logged.

No error message ever contains the number itself.
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.jp import in_

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.kana import ascii_digits

VISIBLE_DIGITS = 4
_SEPARATORS = re.compile(r"[\s-]+")


def validate(text: str) -> str:
    """The 12 digits of a 個人番号 with a correct check digit; spaces, hyphens and full-width digits are
    accepted: 「１２３４ ５６７８ ９０１８」 → "123456789018"."""
    number = _SEPARATORS.sub("", ascii_digits(text))
    if not number:
        raise InvalidInput("個人番号を入力してください。")
    if not (number.isascii() and number.isdigit()):
        raise InvalidInput("個人番号は12桁の数字で入力してください。")
    try:
        return in_.validate(number)
    except InvalidLength:
        raise InvalidInput("個人番号の桁数が違います。") from None
    except InvalidChecksum:
        raise InvalidInput("個人番号が正しくありません（検査用数字が一致しません）。") from None


def mask(number: str) -> str:
    """The number with all but its last 4 digits hidden: "123456789018" → 「********9018」.

    `number` must be a valid 個人番号 (as `validate` accepts it), so that a typo is not shown as if real.
    """
    valid = validate(number)
    return "*" * (len(valid) - VISIBLE_DIGITS) + valid[-VISIBLE_DIGITS:]
