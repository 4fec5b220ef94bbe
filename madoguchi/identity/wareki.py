"""Dates in 和暦 and 西暦 as typed at the counter, and 和暦 for printing, from japanera's era table.

Only the eras of the modern calendar are used: 明治 (from 明治6年1月1日 = 1873-01-01, when Japan adopted the
Gregorian calendar; earlier 明治 dates are lunisolar and do not map day for day), 大正, 昭和, 平成 and 令和.
An era's first year is 元年, its first day is the accession day (平成元年1月8日, 令和元年5月1日) and a date
outside an era does not exist in it (平成31年5月1日, 令和1年4月30日, 昭和64年1月8日).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Literal

from japanera import ERA_DATA_GENERAL, Era  # type: ignore[import-untyped]

from madoguchi.identity.errors import InvalidInput

GREGORIAN_SINCE = date(1873, 1, 1)  # 明治6年1月1日: 明治5年太政官布告第337号 (改暦ノ布告)

MODERN_ERAS: tuple[Era, ...] = tuple(
    sorted(
        (era for era in ERA_DATA_GENERAL if era.kanji in {"明治", "大正", "昭和", "平成", "令和"}),
        key=lambda era: era.since,
    )
)
_BY_NAME = {name: era for era in MODERN_ERAS for name in (era.kanji, era.english_head)}

_ERA_NAMES = "|".join(_BY_NAME)
# Up to 3 digits for the year: what `format_date` prints from 令和100年 (2118) on must read back.
_WAREKI = re.compile(
    rf"(?P<era>{_ERA_NAMES})(?P<year>[0-9]{{1,3}}|元)[年./-](?P<month>[0-9]{{1,2}})[月./-](?P<day>[0-9]{{1,2}})日?"
)
_SEIREKI = re.compile(r"(?P<year>[0-9]{4})[年./-](?P<month>[0-9]{1,2})[月./-](?P<day>[0-9]{1,2})日?")
_SEIREKI_COMPACT = re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})")

HOW_TO_WRITE = "日付は「2026-04-01」「令和8年4月1日」「R8.4.1」のように入力してください。"


def parse_date(text: str) -> date:
    """The date written in `text`, in full- or half-width characters: 「2026-04-01」, 「2026/4/1」,
    「2026年4月1日」, 「20260401」, 「令和8年4月1日」, 「令和元年5月1日」, 「R8.4.1」, 「H31.4.30」.

    Era letters are M, T, S, H, R (either case). Numbers in kanji (「令和八年」) are not read.
    """
    # NFKC makes full-width digits, letters and punctuation ASCII and splits the era ligatures (㍻ → 平成).
    normalised = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if match := _WAREKI.fullmatch(normalised):
        era = _BY_NAME[match["era"]]
        year = 1 if match["year"] == "元" else int(match["year"])
        month, day = int(match["month"]), int(match["day"])
        written = f"{era.kanji}{'元' if match['year'] == '元' else year}年{month}月{day}日"
        parsed = _calendar_date(era.relative_year_to_absolute_year(year), month, day, written)
        if parsed < GREGORIAN_SINCE:
            raise InvalidInput("明治5年以前の日付は旧暦のため扱えません。西暦で入力してください。")
        if parsed < era.since:
            raise InvalidInput(
                f"{written}は存在しない日付です（{era.kanji}は{format_date(era.since)}からです）。"
            )
        if era.until is not None and parsed >= era.until:
            last_day = format_date(era.until - timedelta(days=1))
            raise InvalidInput(f"{written}は存在しない日付です（{era.kanji}は{last_day}までです）。")
        return parsed
    if match := _SEIREKI.fullmatch(normalised) or _SEIREKI_COMPACT.fullmatch(normalised):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
        return _calendar_date(year, month, day, f"{year}年{month}月{day}日")
    raise InvalidInput(HOW_TO_WRITE)


def era_year(d: date) -> tuple[str, int]:
    """The era and the year in it: 2026-04-01 → (「令和」, 8); the first year is 1."""
    era = _era_of(d)
    return era.kanji, era.calc_relative_year(d)


def format_date(d: date, style: Literal["kanji", "short"] = "kanji") -> str:
    """`d` in 和暦: 「令和8年4月1日」 (first year 「令和元年5月1日」), or with style="short" 「R8.4.1」."""
    era = _era_of(d)
    year = era.calc_relative_year(d)
    if style == "short":
        return f"{era.english_head}{year}.{d.month}.{d.day}"
    if style == "kanji":
        return f"{era.kanji}{'元' if year == 1 else year}年{d.month}月{d.day}日"
    raise ValueError(f"unknown style: {style!r}")


def _era_of(d: date) -> Era:
    if isinstance(d, datetime):
        # Which day a moment falls on depends on the time zone; the caller decides (Asia/Tokyo, usually).
        raise TypeError("expected a date, got a datetime: convert it to the date in Asia/Tokyo first")
    if d < GREGORIAN_SINCE:
        raise InvalidInput("明治6年（1873年）より前の日付は和暦で表せません。")
    # `d in era` would also accept a datetime; the last era whose first day is not after `d` is the one.
    return [era for era in MODERN_ERAS if era.since <= d][-1]


def _calendar_date(year: int, month: int, day: int, written: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"{written}は存在しない日付です。") from None
