"""The synthetic population of みなと市: a deterministic, seeded generator (plain Python, no Django).

Household `n` of seed `s` is drawn from its own random stream (`Random(f"{s}:{n}")`), so the population is
the same on every machine and every run, any household can be regenerated alone, and growing the
population from 300,000 to 1,000,000 residents keeps the first 300,000 as they were.

The shares below are assumptions chosen to look like a Japanese city of this size (household sizes after
the 2020 census: about 38 % one person, 28 % two, 16 % three, 13 % four, 5 % five or more); the rare cases
exist so that every refusal of the certificates can be met in the data: residents under DV support
measures (支援措置), moved out, moving out, deceased, names with characters outside JIS X 0208.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

DEFAULT_SEED = 20261205
DEFAULT_RESIDENTS = 300_000
CODE_MULTIPLIER = 7_368_787_637  # odd and not a multiple of 5: coprime to 10**10
REFERENCE_DAY = date(2026, 12, 1)  # ages and dates are drawn relative to this day, not to today

HOUSEHOLD_SIZES = ((1, 0.38), (2, 0.28), (3, 0.16), (4, 0.13), (5, 0.04), (6, 0.01))
SHARE_RARE_NAME = 0.005  # a family name with a character outside JIS X 0208 (髙, 﨑, 𠮷)
SHARE_SUPPORT_MEASURE = 0.001  # households under DV support measures (住民基本台帳事務における支援措置)
SHARE_MOVED_OUT = 0.01  # households that moved out (転出済み; the record is kept as 除票)
SHARE_MOVING_OUT = 0.004  # households with a move-out announced (転出予定)
SHARE_DECEASED = 0.006  # per person: died (除票)
SHARE_CARD = 0.78  # per person: holds a My Number card (マイナンバーカード)
SHARE_SEAL = 0.55  # per adult: a registered seal (印鑑登録)
SHARE_DOMICILE_IN_CITY = 0.62  # per household: 本籍 in the city

WARDS = (
    ("中央区", ("港町", "本町", "栄町", "若葉", "桜木町", "緑町")),
    ("北区", ("山手", "山手台", "丘の上", "北原", "泉町")),
    ("南区", ("浜通", "浜町", "汐見", "南台", "岬町")),
)
OTHER_DOMICILES = (
    "東京都千代田区千代田１番",
    "大阪府大阪市北区中之島一丁目３番",
    "北海道札幌市中央区北一条西二丁目",
    "福岡県福岡市中央区天神一丁目８番",
    "千葉県千葉市中央区千葉港１番",
)
FAMILY = (
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
)
RARE_FAMILY = (("髙橋", "タカハシ"), ("山﨑", "ヤマサキ"), ("𠮷田", "ヨシダ"))
GIVEN_MALE = (
    ("蓮", "レン"),
    ("悠真", "ユウマ"),
    ("湊", "ミナト"),
    ("大翔", "ヒロト"),
    ("健一", "ケンイチ"),
    ("誠", "マコト"),
    ("浩", "ヒロシ"),
    ("翔太", "ショウタ"),
    ("拓也", "タクヤ"),
    ("隆", "タカシ"),
)
GIVEN_FEMALE = (
    ("陽葵", "ヒマリ"),
    ("凛", "リン"),
    ("結菜", "ユイナ"),
    ("美咲", "ミサキ"),
    ("花子", "ハナコ"),
    ("恵子", "ケイコ"),
    ("由美", "ユミ"),
    ("さくら", "サクラ"),
    ("陽子", "ヨウコ"),
    ("愛", "アイ"),
)


@dataclass(frozen=True)
class Person:
    code: str  # 住民票コード (11 digits, the last a check digit)
    household: str  # 世帯番号
    relation: str  # 続柄: 世帯主, 妻, 夫, 子, 父, 母
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    birth_date: date
    sex: str  # "1" male, "2" female (JIS X 0303)
    address: str
    moved_in_on: date
    status: str = "resident"  # resident, moved_out, deceased
    left_on: date | None = None  # the day of moving out or of death
    moving_out_on: date | None = None  # 転出予定日
    domicile: str = ""  # 本籍
    domicile_head: str = ""  # 筆頭者
    domicile_in_city: bool = False
    support_measure: bool = False
    seal_number: str = ""
    income: int | None = None  # 前年の合計所得（円）
    card_serial: str = ""


@dataclass(frozen=True)
class Household:
    index: int
    members: tuple[Person, ...] = field(default_factory=tuple)


def check_digit(digits: str) -> str:
    """Modulus 11 with weights 2..7 from the right, as the 住民票コード's check digit."""
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(digits)))
    remainder = total % 11
    return "0" if remainder <= 1 else str(11 - remainder)


def resident_code(seed: int, household: int, member: int) -> str:
    """Unique per (household, member): an affine bijection of `household * 10 + member` modulo 10**10."""
    offset = int(hashlib.sha256(str(seed).encode()).hexdigest()[:12], 16)
    body = f"{(CODE_MULTIPLIER * (household * 10 + member) + offset) % 10**10:010d}"
    return body + check_digit(body)


def _birth(rng: random.Random, low: int, high: int) -> date:
    age_days = rng.randint(low * 365, high * 365 + 364)
    return REFERENCE_DAY - timedelta(days=age_days)


def _size(rng: random.Random) -> int:
    pick = rng.random()
    for size, share in HOUSEHOLD_SIZES:
        pick -= share
        if pick < 0:
            return size
    return HOUSEHOLD_SIZES[-1][0]


def household(seed: int, index: int) -> Household:
    """Household `index` of the population of `seed`: the same on every call."""
    rng = random.Random(f"{seed}:{index}")  # noqa: S311 (a simulation, not security)
    size = _size(rng)
    ward, towns = rng.choice(WARDS)
    town = rng.choice(towns)
    address = f"みなと市{ward}{town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
    family, family_kana = rng.choice(RARE_FAMILY) if rng.random() < SHARE_RARE_NAME else rng.choice(FAMILY)
    household_code = f"{seed % 1000:03d}{index:07d}"
    moved_in = REFERENCE_DAY - timedelta(days=rng.randint(0, 40 * 365))
    moved_out = rng.random() < SHARE_MOVED_OUT
    moving_out = not moved_out and rng.random() < SHARE_MOVING_OUT
    support = rng.random() < SHARE_SUPPORT_MEASURE
    in_city = rng.random() < SHARE_DOMICILE_IN_CITY
    domicile = (
        address.split("丁目")[0] + "丁目" + f"{rng.randint(1, 30)}番地"
        if in_city
        else rng.choice(OTHER_DOMICILES)
    )
    left = REFERENCE_DAY - timedelta(days=rng.randint(1, 700)) if moved_out else None
    leaving = REFERENCE_DAY + timedelta(days=rng.randint(1, 30)) if moving_out else None

    # Who lives together: a head, maybe a spouse, then children (or, for the oldest heads, a parent).
    head_male = rng.random() < 0.6
    single_head = size == 1 or rng.random() < 0.12
    head_age = rng.randint(20, 92) if size == 1 else rng.randint(28, 70)
    roles: list[tuple[str, str, date]] = [
        ("世帯主", "1" if head_male else "2", _birth(rng, head_age, head_age))
    ]
    if size >= 2 and not single_head:
        spouse_age = max(20, head_age + rng.randint(-5, 5))
        roles.append(
            ("妻" if head_male else "夫", "2" if head_male else "1", _birth(rng, spouse_age, spouse_age))
        )
    while len(roles) < size:
        if head_age >= 60 and rng.random() < 0.3:
            age = min(105, head_age + rng.randint(22, 32))
            sex = rng.choice("12")
            roles.append(("母" if sex == "2" else "父", sex, _birth(rng, age, age)))
        else:
            age = max(0, min(head_age - 20, rng.randint(0, 30)))
            sex = rng.choice("12")
            roles.append(("子", sex, _birth(rng, age, age)))

    members = []
    head_name = ""
    for number, (relation, sex, born) in enumerate(roles):
        given, given_kana = rng.choice(GIVEN_MALE if sex == "1" else GIVEN_FEMALE)
        if number == 0:
            head_name = family + given
        age = (REFERENCE_DAY - born).days // 365
        code = resident_code(seed, index, number)
        deceased = rng.random() < SHARE_DECEASED * (3 if age >= 75 else 1)
        status = "moved_out" if moved_out else "deceased" if deceased else "resident"
        adult = age >= 15
        income = rng.choice((0, 0, rng.randint(500_000, 12_000_000))) if adult else None
        members.append(
            Person(
                code=code,
                household=household_code,
                relation=relation,
                family_name=family,
                given_name=given,
                family_kana=family_kana,
                given_kana=given_kana,
                birth_date=born,
                sex=sex,
                address=address,
                moved_in_on=max(moved_in, born),
                status=status,
                left_on=left
                if moved_out
                else (REFERENCE_DAY - timedelta(days=rng.randint(1, 300)) if deceased else None),
                moving_out_on=leaving,
                domicile=domicile,
                domicile_head=head_name,
                domicile_in_city=in_city,
                support_measure=support,
                seal_number=code[:10] if adult and rng.random() < SHARE_SEAL else "",
                income=income,
                card_serial=code + "0" if rng.random() < SHARE_CARD else "",
            )
        )
    return Household(index=index, members=tuple(members))


def generate(residents: int = DEFAULT_RESIDENTS, seed: int = DEFAULT_SEED) -> Iterator[Person]:
    """Exactly `residents` people, household after household (the last household may be cut short)."""
    made = 0
    index = 0
    while made < residents:
        for person in household(seed, index).members:
            if made >= residents:
                return
            yield person
            made += 1
        index += 1
