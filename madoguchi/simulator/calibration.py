"""Calibration on published figures: each a target with its source, the model's value and its residual.

Some targets are *fitted*: the free parameters (`FREE`, each with the range a city would find plausible)
are searched so that the model meets them. The others are *held out*: they check the fitted model on
figures it was not fitted on. `docs/simulator.md` holds the table and `test_calibration.py` reproduces it;
`madoguchi simulate calibrate` prints it and, with `--fit`, searches the parameters again.

Every target is measured on the package's example ward (`OFFICES["chuo"]`) on an ordinary day: the
published figures come from other cities' offices, whose size and staffing are not published with them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

from madoguchi.printing.forms import load_forms
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog
from madoguchi.simulator.households import (
    CERTIFICATE,
    HouseholdType,
    household_from_facts,
    typical_facts,
)
from madoguchi.simulator.office import CONCIERGE
from madoguchi.simulator.parameters import AFTER, BEFORE, OFFICES, OfficeConfig, Timings
from madoguchi.simulator.reports import FollowedHousehold
from madoguchi.simulator.runs import REFERENCE_DAY, default_table, follow

FITTED = "fitted"
HELD_OUT = "held out"

# --- The households the published figures speak of

MOVE_IN_3 = "move-in-3"  # the seed's 平均的な世帯: a couple and a child
MOVE_IN_4 = "move-in-4"  # a couple and two school children: for the trials whose household is not published
MOVE_IN_5 = "move-in-5"
MOVE_IN_CARE = "move-in-care"  # 千葉市長: 自営業の夫婦に子ども、要介護の母
BEREAVEMENT = "bereavement"  # an elderly couple, one of whom has died
CERTIFICATE_VISIT = "certificate"


def _bereavement_facts(on: date = REFERENCE_DAY) -> dict[str, Any]:
    """The usual bereavement visit: an elderly couple on pensions, in the late-elderly insurance, the
    husband certified for long-term care; he has died and his wife comes to the counters."""
    facts = typical_facts("shibou", 2, on)
    for member, age in zip(facts["members"], (81, 78), strict=True):
        member["birth_date"] = date(on.year - age, 4, 1).isoformat()
        member["health_insurance"] = "late_elderly"
        member["receives_public_pension"] = True
    facts["members"][0]["care_certified"] = True
    facts["subject_member_ids"] = [facts["members"][0]["id"]]
    return facts


def _move_in_with_care_facts(on: date = REFERENCE_DAY) -> dict[str, Any]:
    """千葉市長's example: a self-employed couple (national insurance), their child and the husband's mother,
    certified for long-term care, move into the city."""
    facts = typical_facts("tennyu", 5, on)
    members = [facts["members"][index] for index in (0, 1, 2, 4)]
    mother = members[3]
    mother["care_certified"] = True
    facts["members"] = members
    return facts


# The death notification and the cremation permit are filed on the day of the death, usually by the
# funeral company (蒲郡市: "届書の審査、斎場の申請に30分程度"); the bereaved family's visit that the cities
# time (おくやみ窓口) comes later and is for the rest.
FILED_BY_THE_FUNERAL = frozenset({"shibou-todoke", "kaso-kyoka"})


def _without(kind: HouseholdType, codes: frozenset[str]) -> HouseholdType:
    kept = [work for work in kind.works if work.code not in codes]
    works = tuple(replace(work, index=number) for number, work in enumerate(kept))
    return replace(kind, works=works)


@cache
def households() -> Mapping[str, HouseholdType]:
    """The households the targets measure, built by the navigator's rules like any other household."""
    catalog, forms = load_catalog(DEFAULT_CATALOG_DIR), load_forms()
    table = default_table()
    return {
        MOVE_IN_3: table.find("tennyu", 3),
        MOVE_IN_4: table.find("tennyu", 4),
        MOVE_IN_5: table.find("tennyu", 5),
        MOVE_IN_CARE: household_from_facts(catalog, forms, _move_in_with_care_facts(), MOVE_IN_CARE),
        BEREAVEMENT: _without(
            household_from_facts(catalog, forms, _bereavement_facts(), BEREAVEMENT), FILED_BY_THE_FUNERAL
        ),
        CERTIFICATE_VISIT: table.find(CERTIFICATE, 1),
    }


# --- One evaluation of the model


@dataclass(frozen=True)
class Evaluation:
    """The target households followed through the office in both designs with one set of timings."""

    rows: Mapping[str, FollowedHousehold]
    types: Mapping[str, HouseholdType]

    def total(self, household: str, design: str) -> float:
        return self.rows[household].minutes[design].total

    def served(self, household: str, design: str) -> float:
        return self.rows[household].minutes[design].served

    def saved(self, household: str) -> float:
        return self.total(household, BEFORE) - self.total(household, AFTER)

    def counters(self, household: str, design: str) -> int:
        """The counters the household is called at (the concierge, who only issues the ticket, excluded)."""
        return sum(1 for call in self.rows[household].calls[design] if call.queue != CONCIERGE)

    def names(self, household: str) -> int:
        """Names written by hand on the paper forms (before)."""
        return self.types[household].handwritten_names


def evaluate(
    timings: Timings | None = None,
    *,
    office: OfficeConfig | None = None,
    replications: int = 240,
    seed: int = 0,
    workers: int | None = None,
) -> Evaluation:
    """Follow every target household through `replications` ordinary days of the example ward."""
    config = office or OFFICES["chuo"]
    if timings is not None:
        config = replace(config, timings=timings)
    kinds = households()
    table, indexes = default_table().with_types(kinds.values())
    report = follow(config, indexes, replications, seed, table=table, workers=workers, key="calibration")
    return Evaluation(dict(zip(kinds, report.rows, strict=True)), dict(kinds))


# --- The targets


@dataclass(frozen=True)
class Target:
    """One published figure, what the model measures for it, and the band the figure allows."""

    key: str
    place: str
    figure: str  # what was published, in the source's words
    source: str  # an address, or the seed report
    published: float
    low: float  # the band a figure this precise allows (a rounded figure: half its rounding step or more)
    high: float
    unit: str
    role: str
    measure: Callable[[Evaluation], float]
    note: str = ""

    @property
    def half_width(self) -> float:
        return max((self.high - self.low) / 2.0, 1e-9)


TARGETS: tuple[Target, ...] = (
    # fitted: the seed's two savings, 千葉市's own time for a move-in, and a certificate request
    Target(
        "chiba-move-in-3",
        "千葉市",
        "転入: 3人世帯 (夫婦と子供1人) で約22分の短縮",
        "seed report (../shared/seed): 千葉市 ワンストップ窓口の効果試算",
        22.0,
        17.6,
        26.4,
        "min saved",
        FITTED,
        lambda e: e.saved(MOVE_IN_3),
        "a rounded estimate: ±20 %",
    ),
    Target(
        "chiba-move-in-5",
        "千葉市",
        "転入: 5人世帯で約53分の短縮",
        "seed report (../shared/seed): 千葉市 ワンストップ窓口の効果試算",
        53.0,
        42.4,
        63.6,
        "min saved",
        FITTED,
        lambda e: e.saved(MOVE_IN_5),
        "a rounded estimate: ±20 %",
    ),
    Target(
        "iwamizawa-certificate",
        "岩見沢市",
        "書かない窓口: 住民票の写しの請求 約18分 → 10分",
        "https://newsdig.tbs.co.jp/articles/-/229106",
        10.0 / 18.0,
        0.45,
        0.67,
        "after / before",
        FITTED,
        lambda e: e.total(CERTIFICATE_VISIT, AFTER) / e.total(CERTIFICATE_VISIT, BEFORE),
        "a manager's spoken figure; as a ratio, since the wait depends on the office's load",
    ),
    Target(
        "chiba-mayor-move-in-before",
        "千葉市",
        "自営業の夫婦に子ども、要介護の母の転入: 従来は最長88分",
        "http://www.city.chiba.jp/somu/shichokoshitsu/hisho/index-m.html",
        88.0,
        70.0,
        100.0,
        "min before",
        FITTED,
        lambda e: e.total(MOVE_IN_CARE, BEFORE),
        "the longest case before; the mean lies below it",
    ),
    # held out: figures the fit never sees
    Target(
        "digital-agency-bereavement-before",
        "デジタル庁調査",
        "おくやみ窓口の開設前: 遺族の総手続き時間の平均 77.4分",
        "https://article.yahoo.co.jp/detail/2bbc923a1c980264f9b55b027f7dd99b229fc101",
        77.4,
        67.4,
        87.4,
        "min before",
        HELD_OUT,
        lambda e: e.total(BEREAVEMENT, BEFORE),
        "an average over the surveyed cities (2022); their households vary: ±10 minutes",
    ),
    Target(
        "digital-agency-bereavement-after",
        "デジタル庁調査",
        "おくやみ窓口の開設後: 同 47.5分",
        "https://article.yahoo.co.jp/detail/2bbc923a1c980264f9b55b027f7dd99b229fc101",
        47.5,
        40.0,
        55.0,
        "min after",
        HELD_OUT,
        lambda e: e.total(BEREAVEMENT, AFTER),
        "the same survey: ±7.5 minutes",
    ),
    Target(
        "tsuruoka-bereavement-before",
        "鶴岡市",
        "おくやみ窓口の前: 手続 (モデルケース) 1時間30分",
        "https://www.city.tsuruoka.lg.jp/kurashi/shibo/okuyamimadoguti.html",
        90.0,
        75.0,
        105.0,
        "min before",
        HELD_OUT,
        lambda e: e.total(BEREAVEMENT, BEFORE),
        "one model case: ±15 minutes",
    ),
    Target(
        "tsuruoka-bereavement-after",
        "鶴岡市",
        "おくやみ窓口: 同じ手続が40〜50分",
        "https://www.city.tsuruoka.lg.jp/kurashi/shibo/okuyamimadoguti.html",
        45.0,
        40.0,
        50.0,
        "min after",
        HELD_OUT,
        lambda e: e.total(BEREAVEMENT, AFTER),
        "the published range",
    ),
    Target(
        "nara-bereavement-after",
        "奈良市",
        "おくやみコーナー: 平均でだいたい40〜50分",
        "https://daily.co.jp/society/life/2020/03/09/0013180132.shtml",
        45.0,
        40.0,
        50.0,
        "min after",
        HELD_OUT,
        lambda e: e.total(BEREAVEMENT, AFTER),
        "the published range",
    ),
    Target(
        "chiba-mayor-move-in-after",
        "千葉市",
        "同じ世帯: 約50分になる見込み",
        "http://www.city.chiba.jp/somu/shichokoshitsu/hisho/index-m.html",
        50.0,
        40.0,
        60.0,
        "min after",
        HELD_OUT,
        lambda e: e.total(MOVE_IN_CARE, AFTER),
        "a forecast (2016): ±10 minutes",
    ),
    Target(
        "muroran-move-in-before",
        "室蘭市",
        "改革前: 転入の手続きに約2時間半 (職員18人の体験調査)",
        "https://www.hokkaido-nl.jp/article/36089",
        150.0,
        120.0,
        180.0,
        "min before",
        HELD_OUT,
        lambda e: e.total(MOVE_IN_4, BEFORE),
        "one staff trial, two buildings apart, household not stated (a family with children): ±30 minutes",
    ),
    Target(
        "memuro-move-in-names",
        "芽室町",
        "転入手続きで氏名を55回書かなければならない",
        "https://www.hokkaido-nl.jp/article/36344",
        55.0,
        45.0,
        65.0,
        "names written",
        HELD_OUT,
        lambda e: float(e.names(MOVE_IN_4)),
        "staff trial, household not stated (a family with children): ±10",
    ),
)


@dataclass(frozen=True)
class Residual:
    target: Target
    simulated: float

    @property
    def residual(self) -> float:
        return self.simulated - self.target.published

    @property
    def within(self) -> bool:
        return self.target.low <= self.simulated <= self.target.high

    @property
    def score(self) -> float:
        """The residual in half-widths of the target's band (|score| ≤ 1: within)."""
        return self.residual / self.target.half_width

    def as_json(self) -> dict[str, Any]:
        target = self.target
        return {
            "key": target.key,
            "place": target.place,
            "figure": target.figure,
            "source": target.source,
            "unit": target.unit,
            "role": target.role,
            "published": target.published,
            "low": target.low,
            "high": target.high,
            "simulated": round(self.simulated, 3),
            "residual": round(self.residual, 3),
            "within": self.within,
        }


def residuals(evaluation: Evaluation, targets: Iterable[Target] = TARGETS) -> tuple[Residual, ...]:
    return tuple(Residual(target, target.measure(evaluation)) for target in targets)


def loss(found: Iterable[Residual], role: str = FITTED) -> float:
    """The sum of squared scores of the targets of `role`: what the fit makes small."""
    return sum(item.score**2 for item in found if item.target.role == role)


# --- The free parameters and the fit


@dataclass(frozen=True)
class FreeParameter:
    """A parameter the published figures decide, with the range a city would find plausible."""

    name: str  # a field of Timings
    low: float
    high: float
    steps: int  # grid points over [low, high] the fit tries
    why: str  # what bounds it

    def grid(self) -> tuple[float, ...]:
        return tuple(self.low + (self.high - self.low) * i / (self.steps - 1) for i in range(self.steps))


FREE: tuple[FreeParameter, ...] = (
    FreeParameter("catalog_factor", 0.2, 1.2, 11, "the catalog's minutes are estimates"),
    FreeParameter("handwritten_entry_seconds", 8.0, 20.0, 7, "a name or an address written by hand"),
    FreeParameter("counter_call", 1.0, 6.0, 11, "each counter asks who you are and why you came again"),
    FreeParameter("interview", 4.0, 20.0, 9, "the navigator's questions and the identity check"),
    FreeParameter("form_review", 0.0, 3.0, 7, "reading a pre-filled form back to the resident"),
    FreeParameter("one_stop_factor", 0.5, 1.0, 11, "the share of the work left at the one-stop counter"),
    FreeParameter("prefilled_factor", 0.5, 1.0, 11, "the share left when the clerk keys nothing"),
)


@dataclass(frozen=True)
class FitResult:
    timings: Timings
    residuals: tuple[Residual, ...]
    evaluations: int
    at_bounds: tuple[str, ...]  # free parameters that ended on an end of their plausible range

    @property
    def loss(self) -> float:
        return loss(self.residuals)


Evaluator = Callable[[Timings], Evaluation]


def fit(
    start: Timings | None = None,
    *,
    free: Sequence[FreeParameter] = FREE,
    targets: Sequence[Target] = TARGETS,
    rounds: int = 2,
    evaluator: Evaluator | None = None,
    progress: Callable[[str], None] | None = None,
) -> FitResult:
    """Coordinate search over the free parameters' grids, minimising the fitted targets' `loss`.

    Every evaluation uses the same seed (common random numbers), so a change of the loss is the
    parameters' and not the dice's. The held-out targets play no part in the search."""
    evaluate_at = evaluator or (lambda timings: evaluate(timings))
    best = start or Timings()
    memo: dict[Timings, float] = {}

    def score(timings: Timings) -> float:
        if timings not in memo:
            memo[timings] = loss(residuals(evaluate_at(timings), targets))
        return memo[timings]

    best_loss = score(best)
    for _ in range(rounds):
        improved = False
        for parameter in free:
            for value in parameter.grid():
                changed: dict[str, Any] = {parameter.name: round(value, 6)}
                candidate = replace(best, **changed)
                candidate_loss = score(candidate)
                if candidate_loss < best_loss - 1e-9:
                    best, best_loss, improved = candidate, candidate_loss, True
            if progress is not None:
                progress(f"{parameter.name} = {getattr(best, parameter.name):g}: loss {best_loss:.3f}")
        if not improved:
            break
    at_bounds = tuple(
        parameter.name
        for parameter in free
        if math.isclose(getattr(best, parameter.name), parameter.low)
        or math.isclose(getattr(best, parameter.name), parameter.high)
    )
    return FitResult(best, residuals(evaluate_at(best), targets), len(memo), at_bounds)
