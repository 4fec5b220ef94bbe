"""The sensitivity of a saving to each assumption (the tornado chart's data)."""

from __future__ import annotations

from dataclasses import fields

import pytest

from madoguchi.simulator.parameters import OFFICES, Timings
from madoguchi.simulator.sensitivity import ERRAND_LOAD, RANGES, Range, sensitivity


def test_every_range_is_a_number_of_the_timings_and_has_two_distinct_ends() -> None:
    numbers = {item.name for item in fields(Timings) if item.type in {"float", "int"}} | {ERRAND_LOAD}
    for item in RANGES:
        assert item.name in numbers, item.name
        low, high = item.values(Timings())
        assert low < high, item.name
        if item.ceiling is not None:
            assert high <= item.ceiling


def test_a_share_does_not_pass_its_ceiling() -> None:
    share = Range("one_stop_factor", "", 0.8, 1.2, ceiling=1.0)
    low, high = share.values(Timings(one_stop_factor=0.9))
    assert (low, high) == (pytest.approx(0.72), 1.0)


def test_the_swings_come_widest_first_and_move_the_saving_the_way_the_model_says() -> None:
    chosen = [item for item in RANGES if item.name in {"handwritten_entry_seconds", "interview", "concierge"}]
    found = sensitivity(OFFICES["chuo"], replications=6, workers=1, ranges=chosen)
    spans = [swing.span for swing in found.swings]
    assert spans == sorted(spans, reverse=True)
    by_name = {swing.name: swing for swing in found.swings}
    # writing by hand is what the one-stop counter saves: a slower hand, more saved
    entry = by_name["handwritten_entry_seconds"]
    assert entry.low_result < found.base < entry.high_result
    # the interview is what it costs: a longer interview, less saved
    interview = by_name["interview"]
    assert interview.high_result < found.base < interview.low_result
    assert found.as_json()["swings"][0]["name"] == found.swings[0].name


def test_swings_drawn_around_another_base_keep_their_differences() -> None:
    chosen = [item for item in RANGES if item.name == "interview"]
    found = sensitivity(OFFICES["chuo"], replications=4, workers=1, ranges=chosen)
    moved = found.centred_on(found.base + 10.0)
    assert moved.base == pytest.approx(found.base + 10.0)
    before, after = found.swings[0], moved.swings[0]
    assert after.low_result - moved.base == pytest.approx(before.low_result - found.base)
    assert after.high_result - moved.base == pytest.approx(before.high_result - found.base)


def test_busier_departments_make_the_one_stop_counter_save_more() -> None:
    """Before the change the household waits behind the departments' own residents at each department it
    calls at; after, at fewer: the more of them, the more the one-stop counter saves."""
    chosen = [item for item in RANGES if item.name == ERRAND_LOAD]
    found = sensitivity(OFFICES["chuo"], replications=6, workers=1, ranges=chosen)
    (swing,) = found.swings
    assert (swing.low_value, swing.high_value) == (0.5, 1.5)
    assert swing.low_result < found.base < swing.high_result


def test_measured_minutes_are_data_not_an_assumption_the_catalog_scale_can_move() -> None:
    """With every procedure's minutes measured, the catalog's scale no longer decides anything: the work is
    inferred from the measured minutes again at each end of its range, and the saving does not move."""
    from madoguchi.simulator.runs import default_table

    table = default_table()
    measured = {work.code: 5.0 for kind in table.types for work in kind.works}
    chosen = [item for item in RANGES if item.name == "catalog_factor"]
    found = sensitivity(OFFICES["chuo"], replications=4, workers=1, ranges=chosen, measured=measured)
    (swing,) = found.swings
    assert swing.low_result == pytest.approx(swing.high_result, abs=1e-9)
    (plain,) = sensitivity(OFFICES["chuo"], replications=4, workers=1, ranges=chosen).swings
    assert plain.span > 1.0  # with the catalog's minutes, the scale is what the counter time rests on
