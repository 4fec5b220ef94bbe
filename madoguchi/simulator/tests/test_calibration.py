"""The calibration table of docs/simulator.md against the model, and the fit's search."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from madoguchi.printing.forms import load_forms
from madoguchi.simulator.calibration import (
    FITTED,
    HELD_OUT,
    TARGETS,
    FreeParameter,
    Target,
    evaluate,
    fit,
    households,
    residuals,
)
from madoguchi.simulator.households import handwritten_names
from madoguchi.simulator.parameters import Timings

DOCS = Path(__file__).resolve().parents[3] / "docs" / "simulator.md"
ROW = re.compile(r"^\| `(?P<key>[a-z0-9-]+)` \|(?P<cells>.*)\|$")


def documented_rows() -> dict[str, list[str]]:
    """The calibration table's rows: key → its cells (place, role, published, simulated, residual, within)."""
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if match:
            rows[match["key"]] = [cell.strip() for cell in match["cells"].split("|")]
    return rows


@pytest.fixture(scope="module")
def evaluation() -> Any:
    return evaluate(workers=1)


def test_every_target_is_in_the_documented_table_with_its_role(evaluation: Any) -> None:
    rows = documented_rows()
    assert sorted(rows) == sorted(target.key for target in TARGETS)
    for target in TARGETS:
        assert rows[target.key][1] == target.role


def test_the_documented_table_is_what_the_model_gives_within_each_targets_tolerance(evaluation: Any) -> None:
    # the same seed and days as `madoguchi simulate calibrate`: the table reproduces to the last digit but
    # for the platform's floating point; a documented value may drift by a tenth of the target's band
    rows = documented_rows()
    for found in residuals(evaluation):
        cells = rows[found.target.key]
        documented, within = float(cells[3]), cells[5]
        tolerance = max(found.target.half_width * 0.1, 0.01)
        assert found.simulated == pytest.approx(documented, abs=tolerance), found.target.key
        assert within == ("yes" if found.within else "no"), found.target.key


def test_the_targets_missed_are_the_ones_the_docs_say(evaluation: Any) -> None:
    # what the fit could not meet is said in the docs; the ones it meets are held to their bands here
    missed = {found.target.key for found in residuals(evaluation) if not found.within}
    fitted = {target.key for target in TARGETS if target.role == FITTED}
    documented_misses = {key for key, cells in documented_rows().items() if cells[5] == "no"}
    assert missed == documented_misses
    assert len(fitted - missed) >= 2  # 千葉市's 3-person saving and 岩見沢's certificate


def test_the_fit_finds_the_minimum_of_the_fitted_targets_and_ignores_the_held_out_ones() -> None:
    # a model whose measured value is known: the search must find the values the fitted targets ask for
    def evaluator(timings: Timings) -> Any:
        return SimpleNamespace(entry=timings.handwritten_entry_seconds, interview=timings.interview)

    fitted = [
        Target("a", "", "", "", 12.0, 11.0, 13.0, "s", FITTED, lambda e: e.entry),
        Target("b", "", "", "", 6.4, 5.4, 7.4, "min", FITTED, lambda e: e.interview),
    ]
    held_out = Target("c", "", "", "", 20.0, 19.0, 21.0, "min", HELD_OUT, lambda e: e.interview)
    free = [
        FreeParameter("handwritten_entry_seconds", 8.0, 20.0, 7, ""),
        FreeParameter("interview", 4.0, 20.0, 9, ""),
    ]
    found = fit(free=free, targets=[*fitted, held_out], evaluator=evaluator)
    assert found.timings.handwritten_entry_seconds == 12.0
    assert found.timings.interview == 6.0  # the grid point (4, 6, 8, …) nearest 6.4
    assert found.at_bounds == ()
    assert [item.within for item in found.residuals] == [True, True, False]
    # and a target only a bound can reach is reported as such
    far = [Target("d", "", "", "", 30.0, 29.0, 31.0, "s", FITTED, lambda e: e.entry)]
    assert fit(free=free[:1], targets=far, evaluator=evaluator).at_bounds == ("handwritten_entry_seconds",)


def test_names_written_by_hand_count_the_name_fields_of_each_form() -> None:
    form = load_forms().for_procedure("tennyu-todoke")
    # 届出人の氏名, 新しい世帯主, 前の世帯主, and one 氏名 per member moving in
    assert handwritten_names(form, 1) == 4
    assert handwritten_names(form, 3) == 6
    assert handwritten_names(None, 2) == 3  # a generic application: the applicant and each member


def test_the_bereavement_household_is_an_elderly_couple_as_the_cities_describe() -> None:
    bereavement = households()["bereavement"]
    codes = {work.code for work in bereavement.works}
    assert {"koki-koreisha-soshitsu", "kaigo-soshitsu", "kokumin-nenkin-mishikyu"} <= codes
    assert "kokuho-soshitsu" not in codes  # they were in the late-elderly insurance
    # the funeral company filed the death on the day; the visit the cities time is for the rest
    assert not codes & {"shibou-todoke", "kaso-kyoka"}
    assert [work.index for work in bereavement.works] == list(range(len(bereavement.works)))


def test_a_timing_the_fit_changes_changes_the_model() -> None:
    # the free parameters reach the model: a slower hand makes the move-in before longer
    quick = evaluate(replace(Timings(), handwritten_entry_seconds=8.0), replications=10, workers=1)
    slow = evaluate(replace(Timings(), handwritten_entry_seconds=20.0), replications=10, workers=1)
    assert slow.total("move-in-3", "before") > quick.total("move-in-3", "before") + 10
