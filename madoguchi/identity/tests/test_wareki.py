"""和暦 and 西暦 dates: parsing what a clerk types, printing 和暦, and the days eras change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.wareki import HOW_TO_WRITE, era_year, format_date, parse_date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-04-01", date(2026, 4, 1)),
        ("2026/4/1", date(2026, 4, 1)),
        ("2026.04.01", date(2026, 4, 1)),
        ("2026年4月1日", date(2026, 4, 1)),
        ("20260401", date(2026, 4, 1)),
        ("２０２６年４月１日", date(2026, 4, 1)),
        ("令和8年4月1日", date(2026, 4, 1)),
        ("令和８年４月１日", date(2026, 4, 1)),
        ("令和 8年 4月 1日", date(2026, 4, 1)),
        ("R8.4.1", date(2026, 4, 1)),
        ("r8/4/1", date(2026, 4, 1)),
        ("Ｒ８．４．１", date(2026, 4, 1)),
        ("R08.04.01", date(2026, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("㍻31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("M45.7.29", date(1912, 7, 29)),
        ("明治6年1月1日", date(1873, 1, 1)),
        ("令和6年2月29日", date(2024, 2, 29)),
    ],
)
def test_parse_date(typed: str, expected: date) -> None:
    assert parse_date(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("平成31年5月1日", "平成31年5月1日は存在しない日付です（平成は平成31年4月30日までです）。"),
        ("H31.5.1", "平成31年5月1日は存在しない日付です（平成は平成31年4月30日までです）。"),
        ("令和1年4月30日", "令和1年4月30日は存在しない日付です（令和は令和元年5月1日からです）。"),
        ("令和元年4月30日", "令和元年4月30日は存在しない日付です（令和は令和元年5月1日からです）。"),
        ("令和0年5月1日", "令和0年5月1日は存在しない日付です（令和は令和元年5月1日からです）。"),
        ("昭和64年1月8日", "昭和64年1月8日は存在しない日付です（昭和は昭和64年1月7日までです）。"),
        ("平成元年1月7日", "平成元年1月7日は存在しない日付です（平成は平成元年1月8日からです）。"),
        ("大正15年12月25日", "大正15年12月25日は存在しない日付です（大正は大正15年12月24日までです）。"),
        ("明治45年7月30日", "明治45年7月30日は存在しない日付です（明治は明治45年7月29日までです）。"),
    ],
)
def test_a_date_outside_its_era_does_not_exist(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_date(typed)

    assert error.value.message == message


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026年2月30日", "2026年2月30日は存在しない日付です。"),
        ("2026-02-30", "2026年2月30日は存在しない日付です。"),
        ("2025-02-29", "2025年2月29日は存在しない日付です。"),
        ("2026/13/1", "2026年13月1日は存在しない日付です。"),
        ("2026/4/31", "2026年4月31日は存在しない日付です。"),
        ("0000-01-01", "0年1月1日は存在しない日付です。"),
        ("令和8年2月30日", "令和8年2月30日は存在しない日付です。"),
        ("R7.2.29", "令和7年2月29日は存在しない日付です。"),
    ],
)
def test_a_day_the_calendar_does_not_have_is_refused(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_date(typed)

    assert error.value.message == message


@pytest.mark.parametrize("typed", ["明治5年12月2日", "明治元年10月23日", "M1.1.23"])
def test_lunisolar_meiji_dates_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_date(typed)

    assert error.value.message == "明治5年以前の日付は旧暦のため扱えません。西暦で入力してください。"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "令和",
        "昭和六十四年一月七日",
        "26/4/1",
        "2026-04",
        "X8.4.1",
        "令和8年4月1日生",
        "平成1000年1月1日",
        "2026-4-1-1",
    ],
)
def test_anything_else_is_refused_with_the_accepted_forms(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_date(typed)

    assert (
        error.value.message
        == HOW_TO_WRITE
        == "日付は「2026-04-01」「令和8年4月1日」「R8.4.1」のように入力してください。"
    )


def test_a_three_digit_era_year_is_read_and_checked_against_its_era() -> None:
    # 令和100年 (2118) is printed by format_date, so it must read back; 平成 had 31 years.
    assert parse_date("令和100年1月1日") == date(2118, 1, 1)
    with pytest.raises(InvalidInput) as error:
        parse_date("平成100年1月1日")

    assert error.value.message == "平成100年1月1日は存在しない日付です（平成は平成31年4月30日までです）。"


BOUNDARIES = [
    (date(1912, 7, 29), "明治45年7月29日", "M45.7.29", ("明治", 45)),
    (date(1912, 7, 30), "大正元年7月30日", "T1.7.30", ("大正", 1)),
    (date(1926, 12, 24), "大正15年12月24日", "T15.12.24", ("大正", 15)),
    (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25", ("昭和", 1)),
    (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7", ("昭和", 64)),
    (date(1989, 1, 8), "平成元年1月8日", "H1.1.8", ("平成", 1)),
    (date(2019, 4, 30), "平成31年4月30日", "H31.4.30", ("平成", 31)),
    (date(2019, 5, 1), "令和元年5月1日", "R1.5.1", ("令和", 1)),
    (date(2020, 1, 1), "令和2年1月1日", "R2.1.1", ("令和", 2)),
    (date(2026, 4, 1), "令和8年4月1日", "R8.4.1", ("令和", 8)),
    (date(1873, 1, 1), "明治6年1月1日", "M6.1.1", ("明治", 6)),
]


@pytest.mark.parametrize(("day", "kanji", "short", "era"), BOUNDARIES)
def test_format_date_and_era_year(day: date, kanji: str, short: str, era: tuple[str, int]) -> None:
    assert format_date(day) == kanji
    assert format_date(day, style="kanji") == kanji
    assert format_date(day, style="short") == short
    assert era_year(day) == era


@pytest.mark.parametrize(("day", "kanji", "short", "era"), BOUNDARIES)
def test_what_is_printed_reads_back(day: date, kanji: str, short: str, era: tuple[str, int]) -> None:
    assert parse_date(kanji) == day
    assert parse_date(short) == day


def test_a_datetime_must_be_made_a_date_by_the_caller() -> None:
    # 2019-04-30T15:00Z is already 令和元年5月1日 in Tokyo: only the caller knows which day it means.
    with pytest.raises(TypeError, match="Asia/Tokyo"):
        format_date(datetime(2019, 4, 30, 15, 0, tzinfo=UTC))


def test_an_unknown_style_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown style"):
        format_date(date(2026, 4, 1), style="long")  # type: ignore[arg-type]


@pytest.mark.parametrize("day", [date(1872, 12, 31), date(1868, 10, 23)])
def test_dates_before_the_gregorian_calendar_have_no_wareki(day: date) -> None:
    for convert in (format_date, era_year):
        with pytest.raises(InvalidInput) as error:
            convert(day)

        assert error.value.message == "明治6年（1873年）より前の日付は和暦で表せません。"
