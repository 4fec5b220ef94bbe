"""Counter minutes per procedure: a fit that finds known minutes again and says what it cannot separate."""

from __future__ import annotations

import random

import pytest

from madoguchi.reception.procedure_times import MIN_FIT_VISITS, fit_procedure_minutes
from madoguchi.submissions.models import counter_procedures

TRUTH = {"tennyu": 12.0, "kokuho": 6.0, "jido": 8.0, "inkan": 4.0, "inu": 2.0, "gomi": 1.0}


def _visits(count: int, seed: int = 0, cv: float = 0.2) -> list[tuple[float, list[str]]]:
    """Every visit signs 転入届, the others at random; ごみ always comes with 犬 (they cannot be told
    apart)."""
    rng = random.Random(seed)  # noqa: S311
    visits = []
    for _ in range(count):
        codes = ["tennyu", *(code for code in ("kokuho", "jido", "inkan", "inu") if rng.random() < 0.5)]
        if "inu" in codes:
            codes.append("gomi")
        mean = sum(TRUTH[code] for code in codes)
        visits.append((mean * rng.lognormvariate(-cv * cv / 2, cv), codes))
    return visits


def test_the_fit_finds_the_minutes_a_history_was_drawn_with() -> None:
    fit = fit_procedure_minutes(_visits(2000))
    rows = {row.codes: row for row in fit.procedures}
    assert set(rows) == {("tennyu",), ("kokuho",), ("jido",), ("inkan",), ("inu", "gomi")}
    for codes, row in rows.items():
        truth = sum(TRUTH[code] for code in codes)
        assert row.identified
        assert row.minutes is not None
        assert row.low is not None
        assert row.high is not None
        assert row.low <= truth <= row.high, codes  # the 90% interval holds the truth
        assert row.minutes == pytest.approx(truth, rel=0.1, abs=0.5), codes
    assert rows[("tennyu",)].visits == 2000
    assert fit.r_squared is not None
    assert fit.r_squared > 0.5
    by_code = fit.minutes_by_code()
    assert by_code["inu"] == by_code["gomi"] == pytest.approx(rows[("inu", "gomi")].minutes / 2)  # type: ignore[operator]


def test_the_order_the_visits_come_in_changes_nothing() -> None:
    """A database returns rows in no set order: the figures and their intervals must not follow it."""
    visits = _visits(600, seed=3)
    shuffled = list(visits)
    random.Random(1).shuffle(shuffled)  # noqa: S311
    assert fit_procedure_minutes(shuffled) == fit_procedure_minutes(visits)


def test_what_the_visits_cannot_separate_has_no_figure() -> None:
    """Every visit is a move in or a move out, and always signs the address change of its My Number card:
    the card's minutes are any share of the two notifications' (a null space), so none of the three has
    a figure; 犬, signed at random, still has its own."""
    rng = random.Random(3)  # noqa: S311
    visits = []
    for _ in range(400):
        codes = [rng.choice(["tennyu", "tenshutsu"]), "card"] + (["inu"] if rng.random() < 0.5 else [])
        visits.append((10.0 + 3.0 * ("inu" in codes) + rng.gauss(0, 1), codes))
    rows = {row.codes: row for row in fit_procedure_minutes(visits).procedures}
    for codes in (("tennyu",), ("tenshutsu",), ("card",)):
        assert not rows[codes].identified
        assert rows[codes].minutes is None
    assert rows[("inu",)].identified
    assert rows[("inu",)].minutes == pytest.approx(3.0, abs=0.5)


def test_too_few_visits_give_no_figures() -> None:
    fit = fit_procedure_minutes(_visits(MIN_FIT_VISITS - 1))
    assert not fit.fitted
    assert fit.r_squared is None
    assert all(row.minutes is None for row in fit.procedures)
    assert fit.procedures[0].visits == MIN_FIT_VISITS - 1  # the counts and medians are still told


def test_visits_of_equal_minutes_are_fitted_though_they_explain_no_variance() -> None:
    """Every visit 20 minutes: R² is undefined, but the fit ran and gives the minutes."""
    fit = fit_procedure_minutes([(20.0, ["tennyu"])] * MIN_FIT_VISITS)
    assert fit.fitted
    assert fit.r_squared is None
    (row,) = fit.procedures
    assert row.minutes == pytest.approx(20.0)


def test_a_rare_procedure_is_fitted_but_not_shown() -> None:
    visits = _visits(600)
    for index in range(5):  # 証明書 in five visits only
        minutes, codes = visits[index]
        visits[index] = (minutes + 3.0, [*codes, "shomei"])
    rows = {row.codes: row for row in fit_procedure_minutes(visits).procedures}
    assert rows[("shomei",)].visits == 5
    assert rows[("shomei",)].minutes is None
    assert rows[("kokuho",)].minutes is not None


def test_the_counter_procedures_of_a_signed_plan() -> None:
    plan = {
        "procedures": [
            {"code": "tennyu-todoke", "status": "required", "counter": "one_stop"},
            {"code": "kokuho-kanyu", "status": "required", "counter": "department"},
            {"code": "unten-menkyo", "status": "required", "counter": "external"},  # at the police
            {"code": "inu-toroku", "status": "ask", "counter": "one_stop"},  # undecided: not signed for
            {"code": "tennyu-todoke", "status": "required", "counter": "one_stop"},
        ]
    }
    assert counter_procedures(plan) == ["tennyu-todoke", "kokuho-kanyu"]
