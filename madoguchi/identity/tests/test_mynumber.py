"""個人番号: length and check digit, and a mask that never shows more than the last four digits."""

from __future__ import annotations

import pytest
from stdnum.jp import in_

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.mynumber import mask, validate

# 123456789018 is the usual published example; the others were completed with stdnum's calc_check_digit
# and the check digit below recomputed by hand for one of them:
# 62149832025: 6·6+2·5+1·4+4·3+9·2+8·7+3·6+2·5+0·4+2·3+5·2 = 180, 180 mod 11 = 4, 11 - 4 = 7.
VALID = ["123456789018", "621498320257", "111111111118", "987654321093", "000000000000"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers(number: str) -> None:
    assert validate(number) == number
    assert in_.is_valid(number)


@pytest.mark.parametrize(
    "typed",
    [
        "1234 5678 9018",
        "1234-5678-9018",
        "１２３４５６７８９０１８",
        "１２３４　５６７８　９０１８",
        " 123456789018 ",
    ],
)
def test_separators_and_full_width_digits_are_accepted(typed: str) -> None:
    assert validate(typed) == "123456789018"


@pytest.mark.parametrize("number", ["123456789017", "123456789019", "621498320258", "111111111111"])
def test_a_wrong_check_digit_is_refused(number: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate(number)

    assert error.value.message == "個人番号が正しくありません（検査用数字が一致しません）。"


@pytest.mark.parametrize("number", ["12345678901", "1234567890180", "1", "1234 5678 901"])
def test_a_wrong_length_is_refused(number: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate(number)

    assert error.value.message == "個人番号の桁数が違います。"


@pytest.mark.parametrize("number", ["12345678901A", "1234.5678.9018", "個人番号"])
def test_anything_but_digits_is_refused(number: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate(number)

    assert error.value.message == "個人番号は12桁の数字で入力してください。"


@pytest.mark.parametrize("number", ["", "　"])
def test_a_number_is_required(number: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate(number)

    assert error.value.message == "個人番号を入力してください。"


@pytest.mark.parametrize(
    ("typed", "masked"),
    [("123456789018", "********9018"), ("1234 5678 9018", "********9018"), ("621498320257", "********0257")],
)
def test_mask_shows_only_the_last_four_digits(typed: str, masked: str) -> None:
    assert mask(typed) == masked


@pytest.mark.parametrize("number", ["123456789017", "12345678901", "12345678901A"])
def test_the_number_never_appears_in_an_error(number: str) -> None:
    for check in (validate, mask):
        with pytest.raises(InvalidInput) as error:
            check(number)

        shown = str(error.value) + repr(error.value) + error.value.message
        assert number[:8] not in shown
        assert error.value.__cause__ is None
        assert error.value.__context__ is None or error.value.__suppress_context__
