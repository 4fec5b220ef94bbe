"""全国地方公共団体コード: the check digit on real codes, validation and search by name."""

from __future__ import annotations

import pytest

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.municipality import (
    Municipality,
    all_municipalities,
    check_digit,
    search,
    validate,
)

# Real codes from 総務省「全国地方公共団体コード」; the sum of digits × (6, 5, 4, 3, 2) modulo 11 is noted
# because remainders 0 and 1 are the cases a naive "11 - remainder" gets wrong.
REAL_CODES = [
    ("12100", "2"),  # 千葉市
    ("12101", "1"),  # 千葉市中央区: remainder 0 → 11 → 1
    ("13101", "6"),  # 千代田区
    ("13104", "1"),  # 新宿区: remainder 0
    ("13113", "0"),  # 渋谷区: remainder 1 → 10 → 0
    ("28100", "0"),  # 神戸市: remainder 1
    ("01100", "2"),  # 札幌市
    ("27100", "4"),  # 大阪市
    ("47201", "8"),  # 那覇市
    ("01000", "6"),  # 北海道 (a prefecture: the rule is the same)
    ("13000", "1"),  # 東京都
    ("12224", "6"),  # 鎌ケ谷市
]


@pytest.mark.parametrize(("code5", "expected"), REAL_CODES)
def test_check_digit_of_real_codes(code5: str, expected: str) -> None:
    assert check_digit(code5) == expected


@pytest.mark.parametrize("code5", ["1310", "131016", "13a01", "１３１０１", ""])
def test_check_digit_needs_five_ascii_digits(code5: str) -> None:
    with pytest.raises(InvalidInput) as error:
        check_digit(code5)

    assert error.value.message == "検査用数字を求めるコードは5桁の数字で入力してください。"


@pytest.mark.parametrize("typed", ["131016", "13101", "１３１０１６", " 13101-6 "])
def test_validate_returns_the_municipality(typed: str) -> None:
    assert validate(typed) == Municipality(code6="131016", prefecture="東京都", name="千代田区")


@pytest.mark.parametrize(
    ("code6", "prefecture", "name"),
    [
        ("121011", "千葉県", "千葉市中央区"),
        ("472018", "沖縄県", "那覇市"),
        ("131130", "東京都", "渋谷区"),
        ("473821", "沖縄県", "八重山郡与那国町"),
        ("105236", "群馬県", "邑楽郡千代田町"),
    ],
)
def test_validate_real_municipalities(code6: str, prefecture: str, name: str) -> None:
    assert validate(code6) == Municipality(code6=code6, prefecture=prefecture, name=name)


DESIGNATED_CITIES = {
    "011002": "札幌市",
    "041009": "仙台市",
    "111007": "さいたま市",
    "121002": "千葉市",
    "141003": "横浜市",
    "141305": "川崎市",
    "141500": "相模原市",
    "151009": "新潟市",
    "221007": "静岡市",
    "221309": "浜松市",
    "231002": "名古屋市",
    "261009": "京都市",
    "271004": "大阪市",
    "271403": "堺市",
    "281000": "神戸市",
    "331007": "岡山市",
    "341002": "広島市",
    "401005": "北九州市",
    "401307": "福岡市",
    "431001": "熊本市",
}


@pytest.mark.parametrize(("code6", "name"), DESIGNATED_CITIES.items())
def test_designated_cities_are_derived_from_their_wards(code6: str, name: str) -> None:
    assert validate(code6).name == name


def test_the_designated_cities_are_exactly_the_twenty() -> None:
    names = {(municipality.prefecture, municipality.name) for municipality in all_municipalities()}
    cities_with_wards = {
        municipality.code6
        for municipality in all_municipalities()
        if municipality.name.endswith("市")
        and any(
            prefecture == municipality.prefecture
            and name.startswith(municipality.name)
            and name.endswith("区")
            for prefecture, name in names
        )
    }

    assert cities_with_wards == set(DESIGNATED_CITIES)


def test_every_code_in_the_list_is_valid_and_unique() -> None:
    municipalities = all_municipalities()

    assert len(municipalities) > 1700
    assert len({municipality.code6 for municipality in municipalities}) == len(municipalities)
    for municipality in municipalities:
        assert check_digit(municipality.code5) == municipality.code6[5]
        assert not municipality.code5.endswith("000")
    assert list(municipalities) == sorted(municipalities, key=lambda municipality: municipality.code6)


def test_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        validate("131017")

    assert error.value.message == "地方公共団体コードが正しくありません（検査用数字が一致しません）。"


@pytest.mark.parametrize("code", ["130001", "13000", "010006", "120006"])
def test_a_prefecture_is_not_a_municipality(code: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate(code)

    assert error.value.message == "都道府県のコードです。市区町村のコードを入力してください。"


@pytest.mark.parametrize("code", ["131008", "13100", "999997"])
def test_a_code_no_municipality_has_is_refused(code: str) -> None:
    # 131008 is 特別区部, the 23 wards counted together in statistics; nobody lives at that code.
    with pytest.raises(InvalidInput) as error:
        validate(code)

    assert error.value.message == "この地方公共団体コードの市区町村は見つかりません。"


@pytest.mark.parametrize("code", ["", "1310", "1310160", "13101a", "千代田区"])
def test_a_code_that_is_not_five_or_six_digits_is_refused(code: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate(code)

    assert error.value.message == "地方公共団体コードは6桁の数字で入力してください。"


def test_search_by_part_of_a_name() -> None:
    assert [(found.code6, found.prefecture, found.name) for found in search("千代田")] == [
        ("131016", "東京都", "千代田区"),
        ("105236", "群馬県", "邑楽郡千代田町"),
    ]


def test_search_a_ward_of_a_designated_city() -> None:
    assert [found.code6 for found in search("千葉市中央区")] == ["121011"]


def test_search_a_designated_city_gives_the_city_then_its_wards() -> None:
    found = search("横浜市")

    assert found[0] == Municipality(code6="141003", prefecture="神奈川県", name="横浜市")
    assert len(found) == 19
    assert all(ward.name.startswith("横浜市") and ward.name.endswith("区") for ward in found[1:])


def test_search_with_the_prefecture() -> None:
    assert [found.code6 for found in search("東京都 千代田区")] == ["131016"]


def test_search_finds_the_same_name_in_several_prefectures() -> None:
    assert [(found.prefecture, found.name) for found in search("府中")] == [
        ("東京都", "府中市"),
        ("広島県", "府中市"),
        ("広島県", "安芸郡府中町"),
    ]


def test_search_treats_small_and_large_ke_alike() -> None:
    assert [found.name for found in search("鎌ヶ谷")] == ["鎌ケ谷市"]
    assert [found.name for found in search("鎌ケ谷市")] == ["鎌ケ谷市"]


def test_search_without_the_district() -> None:
    assert [found.code6 for found in search("与那国町")] == ["473821"]


def test_search_stops_at_the_limit() -> None:
    assert len(search("千葉県")) == 20
    assert len(search("千葉県", limit=3)) == 3


def test_search_for_nothing_known_finds_nothing() -> None:
    assert search("みなと市") == []


@pytest.mark.parametrize("text", ["", "　 "])
def test_search_needs_a_name(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        search(text)

    assert error.value.message == "市区町村名を入力してください。"
