"""フリガナ to full-width katakana, and digits to half-width."""

from __future__ import annotations

import pytest

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.kana import digits, furigana


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ヤマダ", "ヤマダ"),
        ("やまだ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),
        ("ﾊﾟｰｸ", "パーク"),
        ("ヤマだ", "ヤマダ"),
        ("  ヤマダ　", "ヤマダ"),
        ("ヴィクトリア", "ヴィクトリア"),
        ("ゔぃくとりあ", "ヴィクトリア"),
        ("ｳﾞｨｸﾄﾘｱ", "ヴィクトリア"),
        ("キョウコ", "キョウコ"),
        ("ぁぃぅぇぉっゃゅょゎ", "ァィゥェォッャュョヮ"),
        ("ヵヶ", "ヵヶ"),
        ("ゐゑ", "ヰヱ"),
        ("ジョン ポール", "ジョン\u3000ポール"),
        ("ジョン　 \u3000ポール", "ジョン\u3000ポール"),
        ("ｼﾞｮﾝ ﾎﾟｰﾙ", "ジョン\u3000ポール"),
        ("カ\u3099ク", "ガク"),  # combining dakuten, as macOS sends it
    ],
)
def test_furigana_is_full_width_katakana(typed: str, expected: str) -> None:
    assert furigana(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "山田",
        "やま田",
        "YAMADA",
        "ヤマダ1",
        "ヤマダ１",
        "ヤマ・ダ",
        "ヤマダ-",
        "ヤマダ。",
        "ゝ",
        "ヤマ\nダ",
        "ヤマ\tダ",
    ],
)
def test_furigana_refuses_anything_but_kana(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        furigana(typed)

    assert error.value.message == "フリガナはカタカナで入力してください。"


@pytest.mark.parametrize("typed", ["", " ", "\u3000\u3000"])
def test_furigana_must_not_be_empty(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        furigana(typed)

    assert error.value.message == "フリガナを入力してください。"


def test_furigana_is_at_most_80_characters() -> None:
    assert furigana("ア" * 80) == "ア" * 80
    with pytest.raises(InvalidInput) as error:
        furigana("ア" * 81)

    assert error.value.message == "フリガナは80文字以内で入力してください。"


def test_furigana_length_is_counted_after_normalising() -> None:
    # 「ﾀﾞ」 is two half-width characters but one katakana.
    assert furigana("ﾀﾞ" * 10, max_length=10) == "ダ" * 10


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0123456789", "0123456789"),
        ("０１２３４５６７８９", "0123456789"),
        ("０９０－１２３４－５６７８", "090-1234-5678"),
        ("090ー1234ー5678", "090-1234-5678"),
        ("090‐1234−5678", "090-1234-5678"),
        ("　260-0013 ", "260-0013"),
    ],
)
def test_digits_are_half_width(typed: str, expected: str) -> None:
    assert digits(typed) == expected


@pytest.mark.parametrize("typed", ["12a", "１２３ ４", "①", "一二三", "12.5", "+81"])
def test_digits_refuse_anything_else(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        digits(typed)

    assert error.value.message == "数字とハイフンだけで入力してください。"


@pytest.mark.parametrize("typed", ["", "　"])
def test_digits_must_not_be_empty(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        digits(typed)

    assert error.value.message == "数字を入力してください。"


def test_a_line_break_around_pasted_furigana_is_dropped() -> None:
    assert furigana("ヤマダ\n") == "ヤマダ"
