"""Japanese telephone numbers in national format with hyphens."""

from __future__ import annotations

import pytest

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.phone import normalize


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("03-1234-5678", "03-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("(03)1234-5678", "03-1234-5678"),
        ("０３（１２３４）５６７８", "03-1234-5678"),
        ("０３－１２３４－５６７８", "03-1234-5678"),
        ("03ー1234ー5678", "03-1234-5678"),
        ("+81 3 1234 5678", "03-1234-5678"),
        ("+81-3-1234-5678", "03-1234-5678"),
        ("090-1234-5678", "090-1234-5678"),
        ("09012345678", "090-1234-5678"),
        ("+81 90 1234 5678", "090-1234-5678"),
        ("＋８１９０１２３４５６７８", "090-1234-5678"),
        ("043-245-5111", "043-245-5111"),  # 千葉市役所
        ("0432455111", "043-245-5111"),
        ("0120-123-456", "0120-123-456"),
        ("050-1234-5678", "050-1234-5678"),
        ("　090 1234 5678 ", "090-1234-5678"),
    ],
)
def test_a_japanese_number_in_national_format(typed: str, expected: str) -> None:
    assert normalize(typed) == expected


@pytest.mark.parametrize(
    "typed", ["03-1234-567", "1234", "110", "0312345678901", "090-1234-567", "03-1234-ABCD", "電話", "+81"]
)
def test_a_number_that_cannot_be_dialled_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalize(typed)

    assert error.value.message == "電話番号が正しくありません。"


@pytest.mark.parametrize("typed", ["+1 202 555 0100", "+44 20 7946 0958"])
def test_a_number_abroad_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalize(typed)

    assert error.value.message == "日本国内の電話番号を入力してください。"


@pytest.mark.parametrize("typed", ["", "　"])
def test_a_number_is_required(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalize(typed)

    assert error.value.message == "電話番号を入力してください。"
