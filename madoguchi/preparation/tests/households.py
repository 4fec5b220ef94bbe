"""Preparation records for tests: a household of any size with every field and fact answered."""

from __future__ import annotations

import random
from typing import Any

from madoguchi.preparation.record import MAX_MEMBERS, new_record

PEOPLE = (
    # relationship, family, given, kana family, kana given, sex, birth, extra facts
    ("head", "𠮷田", "髙志", "ヨシダ", "タカシ", "male", "1984-05-17", {"has_driving_licence": True}),
    ("spouse", "𠮷田", "美﨑", "ヨシダ", "ミサキ", "female", "1986-11-02", {"pregnant": True}),
    (
        "child",
        "𠮷田",
        "陽葵",
        "ヨシダ",
        "ヒマリ",
        "female",
        "2016-07-21",
        {"school": "elementary", "previous_school": "港区立芝小学校"},
    ),
    ("child", "𠮷田", "蒼", "ヨシダ", "アオイ", "male", "2022-02-09", {"school": "nursery_wanted"}),
    ("parent", "𠮷田", "榮一", "ヨシダ", "エイイチ", "male", "1950-03-30", {"receives_public_pension": True}),
)
ADULT_FACTS = {
    "has_my_number_card": True,
    "has_seal_registration": False,
    "has_driving_licence": False,
    "care_certified": False,
    "disability_certificate": False,
    "receives_public_pension": False,
    "owns_real_estate": False,
}


def member(index: int) -> dict[str, Any]:
    relationship, family, given, kana_f, kana_g, sex, birth, extra = PEOPLE[index % len(PEOPLE)]
    result: dict[str, Any] = {
        "id": f"m{index + 1}",
        "relationship": relationship if index < len(PEOPLE) else "child",
        "family_name": family,
        "given_name": given,
        "family_name_kana": kana_f,
        "given_name_kana": kana_g,
        "sex": sex,
        "birth_date": birth if index < len(PEOPLE) else f"20{10 + index}-04-0{1 + index % 9}",
        "nationality": "JP",
        "health_insurance": "national",
    }
    if birth < "2005":
        result.update(ADULT_FACTS)
        if sex == "female":
            result["has_maternal_handbook"] = False
    else:
        result.update(has_my_number_card=False, disability_certificate=False)
    pupil = {"school": "elementary", "previous_school": "港区立芝小学校"}
    result.update(extra if index < len(PEOPLE) else pupil)
    return result


def household(size: int = 4, *, event: str = "tennyu", language: str = "en") -> dict[str, Any]:
    """A household moving in, with every field of the record filled."""
    record = new_record(event, "2026-11-28", source="resident", language=language)
    record["visit"] = {"office": "chuo", "date": "2026-12-07"}
    record["address"] = {
        "postal_code": "2600013",
        "prefecture": "千葉県",
        "city": "千葉市中央区",
        "town": "中央四丁目",
        "block": "5番1号",
        "building": "髙﨑ハイツ305",
    }
    record["previous_address"] = {
        "postal_code": "1050011",
        "prefecture": "東京都",
        "city": "港区",
        "town": "芝公園四丁目",
        "block": "2番8号",
        "municipality_code": "131032",
    }
    record["moved_from"] = {"kind": "other_municipality", "municipality_code": "131032"}
    record["contact"] = {"phone": "090-1234-5678", "email": "yoshida@example.jp"}
    record["household"] = {
        "single_parent": False,
        "dog": True,
        "light_motorbike": False,
        "car": True,
        "receives_public_assistance": False,
    }
    record["bank_account"] = {
        "bank": "千葉銀行",
        "branch": "本店営業部",
        "kind": "ordinary",
        "number": "1234567",
        "holder_kana": "ヨシダ タカシ",
    }
    record["members"] = [member(i) for i in range(size)]
    record["subject_member_ids"] = [m["id"] for m in record["members"]]
    record["notifier_member_id"] = "m1"
    return record


def largest() -> dict[str, Any]:
    """The largest preparation the format allows: every member the schema allows, every text at its longest,
    in characters that compress worst (random kanji, several beyond the BMP)."""
    rng = random.Random(14)  # noqa: S311 (test data, the same every run)
    kanji = [chr(c) for c in range(0x4E00, 0x9FA0)] + ["𠮷", "𩸽", "𠀋"]
    katakana = [chr(c) for c in range(0x30A2, 0x30F3)]

    def text(pool: list[str], length: int) -> str:
        return "".join(rng.choice(pool) for _ in range(length))

    record = household(5)
    record["members"] = []
    for index in range(MAX_MEMBERS):
        person = member(index % 2)  # adults, so every adult fact is there
        person.update(
            id=f"m{index + 1}",
            relationship="head" if index == 0 else "other",
            family_name=text(kanji, 40),
            given_name=text(kanji, 40),
            family_name_kana=text(katakana, 80),
            given_name_kana=text(katakana, 80),
            name_roman="".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ ") for _ in range(120)).strip(),
            previous_school=text(kanji, 60),
            nationality="VN",
        )
        record["members"].append(person)
    for key in ("address", "previous_address"):
        record[key].update(town=text(kanji, 80), block=text(kanji, 40), building=text(kanji, 80))
    account = record["bank_account"]
    account.update(bank=text(kanji, 40), branch=text(kanji, 40), holder_kana=text(katakana, 80))
    record["subject_member_ids"] = [m["id"] for m in record["members"]]
    record["sources"] = {f"/members/{i}/family_name": "mynaportal_hikkoshi" for i in range(MAX_MEMBERS)}
    return record
