"""Screening the inventory: which operations go to the one-stop counter (plain Python, no Django).

Chiba City kept the operations strongly tied to a life event whose average reception time is under
10 minutes: 148 of 762. `Criteria()` is that rule; the other thresholds are off by default.

The score (0–100) ranks the selection and may be used as one more threshold:

    feasibility = m × x × d                 how easily a one-stop clerk can take the operation on
        m = T / (T + avg_minutes)           T = the minutes threshold; 0.5 at the threshold, → 1 when short
        x = 1.0 / 0.7 / 0.3                 expertise 低 / 中 (or unknown) / 高
        d = 0.4 if discretionary else 1.0   a decision at the counter needs a city employee
    effect = v × r                          how much counter time the resident is spared
        v = ln(1 + volume × minutes) / ln(1 + the largest volume × minutes among the rows)
        r = 1.0 / 0.6 / 0.3                 life-event relevance 高 / 中 / 低
    score = 100 × feasibility^wf × effect^we     (weights wf, we ≥ 0; both 1 by default)

The logarithm keeps the few very large operations (certificates) from flattening every other score to 0.
Because `v` is relative to the largest operation in the file, a score compares operations of one inventory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from madoguchi.screening.inventory import RELEVANCE_LEVELS, Inventory, Operation, parse_level

EXPERTISE_FACTOR: dict[str | None, float] = {"低": 1.0, "中": 0.7, None: 0.7, "高": 0.3}
RELEVANCE_FACTOR: dict[str, float] = {"高": 1.0, "中": 0.6, "低": 0.3}
DISCRETIONARY_FACTOR = 0.4


@dataclass(frozen=True)
class Criteria:
    min_relevance: str = "高"  # keep operations at least this relevant (高 > 中 > 低)
    max_minutes: float = 10.0  # keep average reception time strictly under this
    exclude_discretionary: bool = False
    exclude_high_expertise: bool = False
    min_annual_volume: int = 0
    min_score: float = 0.0  # 0 = no score threshold
    feasibility_weight: float = 1.0
    effect_weight: float = 1.0

    def __post_init__(self) -> None:
        if self.min_relevance not in RELEVANCE_LEVELS:
            raise ValueError(f"unknown relevance level {self.min_relevance!r}")
        if self.max_minutes <= 0:
            raise ValueError("max_minutes must be > 0")
        if self.feasibility_weight < 0 or self.effect_weight < 0:
            raise ValueError("weights must be >= 0")


@dataclass(frozen=True)
class Screened:
    operation: Operation
    selected: bool
    reasons: tuple[str, ...]  # why it was left out (empty when selected)
    feasibility: float
    effect: float
    score: float


@dataclass(frozen=True)
class Screening:
    criteria: Criteria
    results: tuple[Screened, ...]  # every valid operation, in file order
    total_minutes: float  # Σ volume × minutes over every valid operation
    selected_minutes: float

    @property
    def selected(self) -> tuple[Screened, ...]:
        """The selection, highest score first (then code)."""
        return tuple(
            sorted((r for r in self.results if r.selected), key=lambda r: (-r.score, r.operation.code))
        )

    @property
    def selected_count(self) -> int:
        return sum(1 for r in self.results if r.selected)

    @property
    def counter_minutes_share(self) -> float:
        """The selection's share (0..1) of the year's counter time of all valid operations."""
        return self.selected_minutes / self.total_minutes if self.total_minutes > 0 else 0.0


def feasibility_of(operation: Operation, criteria: Criteria) -> float:
    minutes = criteria.max_minutes / (criteria.max_minutes + operation.avg_minutes)
    decision = DISCRETIONARY_FACTOR if operation.discretionary else 1.0
    return minutes * EXPERTISE_FACTOR[operation.expertise] * decision


def effect_of(operation: Operation, largest_minutes: float) -> float:
    volume = (
        math.log1p(operation.counter_minutes) / math.log1p(largest_minutes) if largest_minutes > 0 else 0.0
    )
    return volume * RELEVANCE_FACTOR[operation.life_event_relevance]


def _reasons(operation: Operation, criteria: Criteria, score: float) -> tuple[str, ...]:
    reasons: list[str] = []
    if operation.relevance_level < RELEVANCE_LEVELS[criteria.min_relevance]:
        reasons.append("関連度")
    if not operation.avg_minutes < criteria.max_minutes:
        reasons.append("受付時間")
    if criteria.exclude_discretionary and operation.discretionary:
        reasons.append("判断業務")
    if criteria.exclude_high_expertise and operation.expertise == "高":
        reasons.append("専門性")
    if operation.annual_volume < criteria.min_annual_volume:
        reasons.append("件数")
    if criteria.min_score > 0 and score < criteria.min_score:
        reasons.append("スコア")
    return tuple(reasons)


def screen(inventory: Inventory | tuple[Operation, ...], criteria: Criteria | None = None) -> Screening:
    """Apply `criteria` (Chiba's rule by default) to every valid operation."""
    criteria = criteria or Criteria()
    operations = inventory.operations if isinstance(inventory, Inventory) else inventory
    largest = max((o.counter_minutes for o in operations), default=0.0)
    results: list[Screened] = []
    total = selected_total = 0.0
    for operation in operations:
        feasibility = feasibility_of(operation, criteria)
        effect = effect_of(operation, largest)
        score = 100.0 * feasibility**criteria.feasibility_weight * effect**criteria.effect_weight
        reasons = _reasons(operation, criteria, score)
        results.append(Screened(operation, not reasons, reasons, feasibility, effect, score))
        total += operation.counter_minutes
        if not reasons:
            selected_total += operation.counter_minutes
    return Screening(criteria, tuple(results), total, selected_total)


def parse_relevance(text: str) -> str:
    """高/中/低 or high/medium/low (as the inventory's cells accept them) → 高/中/低; ValueError otherwise."""
    value = parse_level(text)
    if value is None:
        raise ValueError(f"relevance must be 高/中/低 or high/medium/low, not {text!r}")
    return value
