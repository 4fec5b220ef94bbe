"""The screening rule against a small table computed by hand."""

from __future__ import annotations

import math

import pytest

from madoguchi.screening.inventory import read_inventory
from madoguchi.screening.select import Criteria, parse_relevance, screen
from madoguchi.screening.tests.factories import SMALL, csv_bytes

# counter minutes a year (volume × minutes) of SMALL, by hand:
#   juminhyo 1000×5 = 5000 (高)   tennyu 500×20 = 10000 (高)   inu 100×9.5 = 950 (中)
#   shisetsu 2000×3 = 6000 (低)   kokuho 300×10 = 3000 (高, not strictly under 10)
TOTAL = 5000 + 10000 + 950 + 6000 + 3000


def selected_codes(criteria: Criteria) -> tuple[list[str], float]:
    result = screen(read_inventory(csv_bytes(SMALL)), criteria)
    return sorted(r.operation.code for r in result.selected), result.counter_minutes_share


@pytest.mark.parametrize(
    ("criteria", "codes", "minutes"),
    [
        (Criteria(), ["juminhyo-utsushi"], 5000),  # Chiba: 高, under 10 minutes
        (Criteria(min_relevance="中"), ["inu-toroku-henko", "juminhyo-utsushi"], 5950),
        (
            Criteria(min_relevance="低"),
            ["inu-toroku-henko", "juminhyo-utsushi", "shisetsu-001"],
            11950,
        ),
        (Criteria(max_minutes=10.5), ["juminhyo-utsushi", "kokuho-henko"], 8000),
        (Criteria(max_minutes=10), ["juminhyo-utsushi"], 5000),  # 10 minutes is not under 10
        (Criteria(max_minutes=30, min_annual_volume=400), ["juminhyo-utsushi", "tennyu-todoke"], 15000),
        (Criteria(min_annual_volume=1001), [], 0),
    ],
)
def test_selection_and_share_of_counter_time(criteria: Criteria, codes: list[str], minutes: float) -> None:
    selected, share = selected_codes(criteria)
    assert selected == codes
    assert share == pytest.approx(minutes / TOTAL)


def test_chiba_default_share_is_a_fifth() -> None:
    _codes, share = selected_codes(Criteria())
    assert share == pytest.approx(0.2004, abs=1e-4)


def test_discretionary_and_expertise_options() -> None:
    header = [
        "業務コード",
        "業務名",
        "所管課",
        "年間件数",
        "平均受付時間（分）",
        "ライフイベント関連度",
        "判断業務",
        "専門性",
    ]
    rows = [
        ["a", "判断あり", "課", 10, 5, "高", "はい", "低"],
        ["b", "専門性が高い", "課", 10, 5, "高", "いいえ", "高"],
        ["c", "どちらでもない", "課", 10, 5, "高", "いいえ", "中"],
        ["d", "空欄", "課", 10, 5, "高", "", ""],
    ]
    inventory = read_inventory(csv_bytes(rows, header=header))
    plain = screen(inventory)
    assert plain.selected_count == 4
    strict = screen(inventory, Criteria(exclude_discretionary=True, exclude_high_expertise=True))
    assert sorted(r.operation.code for r in strict.selected) == ["c", "d"]
    reasons = {r.operation.code: r.reasons for r in strict.results}
    assert reasons["a"] == ("判断業務",)
    assert reasons["b"] == ("専門性",)


def test_score_follows_the_documented_formula() -> None:
    result = screen(read_inventory(csv_bytes(SMALL)))
    juminhyo = next(r for r in result.results if r.operation.code == "juminhyo-utsushi")
    feasibility = 10 / (10 + 5) * 0.7 * 1.0  # expertise unknown → 0.7, not discretionary
    effect = math.log1p(5000) / math.log1p(10000) * 1.0  # 高
    assert juminhyo.feasibility == pytest.approx(feasibility)
    assert juminhyo.effect == pytest.approx(effect)
    assert juminhyo.score == pytest.approx(100 * feasibility * effect)
    weighted = screen(read_inventory(csv_bytes(SMALL)), Criteria(feasibility_weight=2, effect_weight=0))
    juminhyo = next(r for r in weighted.results if r.operation.code == "juminhyo-utsushi")
    assert juminhyo.score == pytest.approx(100 * feasibility**2)
    # a score threshold leaves it out
    assert screen(read_inventory(csv_bytes(SMALL)), Criteria(min_score=99)).selected_count == 0


def test_selection_is_ordered_by_score() -> None:
    result = screen(read_inventory(csv_bytes(SMALL)), Criteria(min_relevance="低", max_minutes=60))
    scores = [r.score for r in result.selected]
    assert scores == sorted(scores, reverse=True)


def test_relevance_words() -> None:
    assert [parse_relevance(w) for w in ("高", "high", "Medium", "低", "LOW")] == [
        "高",
        "高",
        "中",
        "低",
        "低",
    ]
    with pytest.raises(ValueError, match="relevance"):
        parse_relevance("very")


def test_an_empty_selection_has_share_zero() -> None:
    assert screen(()).counter_minutes_share == 0.0
