"""`madoguchi simulate` as a manager runs it, on the city's own offices: JSON shapes and clear errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

ONE_PERSON_MOVING_IN = {
    "event": "tennyu",
    "event_date": "2026-06-02",
    "members": [
        {"id": "m1", "relationship": "head", "birth_date": "1990-04-01", "health_insurance": "national"}
    ],
    "household": {},
    "moved_from": {"kind": "other_municipality", "municipality_code": "131016"},
}


def simulate(*args: str) -> str:
    out = io.StringIO()
    err = io.StringIO()
    call_command("simulate", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""  # no progress bar when stderr is not a terminal
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        simulate(*args)
    assert raised.value.returncode == 2
    return str(raised.value)


def test_savings_json_gives_before_after_and_saved_minutes_by_size(demo_city: None) -> None:
    data = json.loads(
        simulate("savings", "--json", "--replications", "8", "--sizes", "1-6", "--workers", "1")
    )
    assert data["office"] == "chuo"  # the first ward office of the organization
    rows = data["households"]
    assert [row["size"] for row in rows] == [1, 2, 3, 4, 5, 6]
    for row in rows:
        assert row["saved_min"] == pytest.approx(row["before_min"] - row["after_min"], abs=0.11)
        assert set(row["before"]) == {"waiting", "served", "walking", "writing", "documents"}


def test_year_json_counts_events_and_wall_time(demo_city: None) -> None:
    data = json.loads(simulate("year", "--office", "kita", "--visits", "3000", "--json", "--workers", "1"))
    assert (data["office"], data["design"]) == ("kita", "after")
    assert data["events"] > data["visits"] > 2000
    assert data["wall_s"] > 0
    queue = data["queues"][0]
    assert {"queue", "tickets", "mean_wait_min", "utilisation", "by_hour"} <= set(queue)
    assert {"event", "size", "households", "minutes"} <= set(data["households"][0])


def test_bad_arguments_are_clear_errors(demo_city: None) -> None:
    assert "no ward office 'nowhere'" in fails("year", "--office", "nowhere")
    assert "chuo, kita, minami" in fails("year", "--office", "nowhere")
    assert "no household type frobnicate-1 in the catalog" in fails("savings", "--event", "frobnicate")
    assert "share" in fails("staffing", "--share", "1.5")


def test_without_an_organization_the_command_says_what_to_load(db: None) -> None:
    assert "madoguchi demo" in fails("savings")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_household_json_gives_before_after_saved_and_the_calls(demo_city: None, tmp_path: Path) -> None:
    facts = write(tmp_path, "one.json", json.dumps(ONE_PERSON_MOVING_IN))
    data = json.loads(simulate("household", facts, "--json", "--replications", "6", "--workers", "1"))
    (row,) = data["households"]
    assert (row["event"], row["size"], row["label"]) == ("tennyu", 1, "one.json")
    assert row["saved_min"] == pytest.approx(row["before_min"] - row["after_min"], abs=0.11)
    assert {"kokuho-kanyu", "tennyu-todoke"} <= set(row["procedures"])
    before_queues = [call["queue"] for call in row["before"]["calls"]]
    after_queues = [call["queue"] for call in row["after"]["calls"]]
    assert before_queues[:2] == ["shimin", "hoken_nenkin"]  # each department's own counter
    assert after_queues[:2] == ["concierge", "one_stop"]
    one_stop = row["after"]["calls"][1]
    assert {p["code"] for p in one_stop["procedures"]} >= {"tennyu-todoke", "kokuho-kanyu"}
    # what the parts add up to is what the household spent in the office
    for design in ("before", "after"):
        parts = row[design]
        total = sum(parts[key] for key in ("waiting", "served", "walking", "writing", "documents"))
        assert total == pytest.approx(row[f"{design}_min"], abs=0.11)
        calls = parts["calls"]
        assert sum(call["served"] for call in calls) == pytest.approx(parts["served"], abs=0.05)
    assert row["before"]["writing"] > 5 > row["after"]["writing"]  # by hand before, signatures after


def test_household_json_lines_one_design_and_a_month(demo_city: None, tmp_path: Path) -> None:
    two = {**ONE_PERSON_MOVING_IN, "members": [*ONE_PERSON_MOVING_IN["members"], _spouse()]}
    lines = "\n".join(json.dumps(facts) for facts in (ONE_PERSON_MOVING_IN, two)) + "\n"
    facts = write(tmp_path, "many.jsonl", lines)
    args = ("household", facts, "--json", "--design", "before", "--month", "3", "--replications", "4")
    data = json.loads(simulate(*args, "--workers", "1"))
    assert [row["label"] for row in data["households"]] == ["many.jsonl:1", "many.jsonl:2"]
    assert [row["size"] for row in data["households"]] == [1, 2]
    for row in data["households"]:
        assert {"before_min", "after_min", "saved_min"} & set(row) == {"before_min"}


def test_household_text_names_counters_and_procedures(demo_city: None, tmp_path: Path) -> None:
    facts = write(tmp_path, "one.json", json.dumps(ONE_PERSON_MOVING_IN))
    text = simulate("household", facts, "--replications", "3", "--workers", "1")
    for name in ("中央区役所", "総合窓口", "国民健康保険 加入"):
        assert name in text
    assert "1 person" in text


def test_household_bad_facts_are_clear_errors(demo_city: None, tmp_path: Path) -> None:
    assert "no such file" in fails("household", str(tmp_path / "missing.json"))
    assert "empty" in fails("household", write(tmp_path, "empty.json", "  \n"))
    assert "line 2: not JSON" in fails("household", write(tmp_path, "bad.jsonl", '{"event": 1}\n{oops\n'))
    wrong: dict[str, Any] = {**ONE_PERSON_MOVING_IN, "event_date": "2026-02-30"}
    message = fails("household", write(tmp_path, "date.json", json.dumps(wrong)))
    assert message.startswith("date.json: ")
    assert "event_date" in message
    assert "a month from 1 to 12" in _argument_error("household", "x.json", "--month", "13")


def _argument_error(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        simulate(*args)
    return str(raised.value)


def _spouse() -> dict[str, Any]:
    return {"id": "m2", "relationship": "spouse", "birth_date": "1991-05-01", "health_insurance": "national"}


def test_calibrate_json_lists_every_target_with_its_residual() -> None:
    from madoguchi.simulator.calibration import TARGETS

    # the example ward of the package: no organization is needed
    data = json.loads(simulate("calibrate", "--json", "--replications", "6"))
    assert [row["key"] for row in data["targets"]] == [target.key for target in TARGETS]
    for row in data["targets"]:
        assert row["residual"] == pytest.approx(row["simulated"] - row["published"], abs=0.002)
        assert row["within"] == (row["low"] <= row["simulated"] <= row["high"])
    assert set(data["loss"]) == {"fitted", "held out"}
    assert data["timings"]["handwritten_entry_seconds"] > 0
    text = simulate("calibrate", "--replications", "6")
    assert "chiba-move-in-3" in text
    assert "sum of squared scores, held out" in text


def test_calibrate_with_busier_departments_lengthens_the_visits_before() -> None:
    """--errand-load sets how busy each department is with its own residents: the bereavement visit
    before the change, which calls at several departments, waits longer behind them."""

    def before(load: str) -> float:
        data = json.loads(simulate("calibrate", "--json", "--replications", "6", "--errand-load", load))
        return next(
            row["simulated"] for row in data["targets"] if row["key"] == "tsuruoka-bereavement-before"
        )

    assert before("0.8") > before("0.2") + 10
    assert "--errand-load" in fails("calibrate", "--errand-load", "1.5")


def test_sensitivity_json_swings_each_assumption_over_its_range(demo_city: None) -> None:
    from madoguchi.simulator.sensitivity import RANGES

    data = json.loads(simulate("sensitivity", "--json", "--replications", "4", "--workers", "1"))
    assert data["output"] == "minutes saved, tennyu of 3"
    assert sorted(swing["name"] for swing in data["swings"]) == sorted(item.name for item in RANGES)
    entry = next(swing for swing in data["swings"] if swing["name"] == "handwritten_entry_seconds")
    assert entry["low_value"] < entry["high_value"]
    assert entry["low_result"] < data["base"] < entry["high_result"]  # a slower hand: more to save
    assert "--size: one household size" in fails("sensitivity", "--size", "3,5")


def test_household_with_the_minutes_the_office_measured(demo_city: None, tmp_path: Path) -> None:
    """--measured-from/--measured-to take each procedure's counter minutes from the office's tickets and
    signed cases; too few visits, or half a period, is refused at the option."""
    from datetime import date

    from madoguchi.demo.case_visits import CaseVisits
    from madoguchi.demo.history import HistoryRates, QueueRates, generate_history
    from madoguchi.organization.models import Office
    from madoguchi.reception.procedure_times import office_procedure_minutes
    from madoguchi.rules.calendar import business_days_between

    facts = write(tmp_path, "one.json", json.dumps(ONE_PERSON_MOVING_IN))
    args = ("household", facts, "--json", "--replications", "6", "--workers", "1", "--design", "after")
    assert "at least 30 are needed" in fails(
        *args, "--measured-from", "2026-09-01", "--measured-to", "2026-09-30"
    )
    assert "go together" in fails(*args, "--measured-from", "2026-09-01")
    assert "before --measured-from" in fails(
        *args, "--measured-from", "2026-09-30", "--measured-to", "2026-09-01"
    )

    office = Office.objects.get(code="chuo")
    moves = CaseVisits((*(("tennyu", size) for size in range(1, 5)), ("tenshutsu", 1), ("tenkyo", 2)))
    rates = HistoryRates(queues={"one-stop": QueueRates(0.6, 38.0, 0.5, cases=moves)}, transfer=0.0)
    generate_history(office, business_days_between(date(2026, 9, 1), date(2026, 9, 30)), rates, seed=4)
    recorded = office_procedure_minutes(office, date(2026, 9, 1), date(2026, 9, 30)).minutes_by_code()
    catalog = json.loads(simulate(*args))
    measured = json.loads(simulate(*args, "--measured-from", "2026-09-01", "--measured-to", "2026-09-30"))
    assert measured["measured"]["procedures"] == {
        code: round(value, 2) for code, value in sorted(recorded.items())
    }
    assert "measured" not in catalog
    (row,) = measured["households"]
    one_stop = next(call for call in row["after"]["calls"] if call["queue"] == "one_stop")
    served = {item["code"]: item["minutes"] for item in one_stop["procedures"]}
    shared = [code for code in served if code in recorded]
    assert shared  # the household signs procedures the office measured
    (plain,) = catalog["households"]
    assert plain["after"]["served"] != row["after"]["served"]


def test_savings_and_year_with_the_minutes_the_office_measured(demo_city: None) -> None:
    """The savings and year runs take the measured minutes too: the typical households' counter time
    after the change is the office's, not the catalog's; too few visits are refused at the option."""
    from datetime import date

    from madoguchi.demo.case_visits import CaseVisits
    from madoguchi.demo.history import HistoryRates, QueueRates, generate_history
    from madoguchi.organization.models import Office
    from madoguchi.rules.calendar import business_days_between

    period = ("--measured-from", "2026-09-01", "--measured-to", "2026-09-30")
    savings_args = ("savings", "--json", "--sizes", "3", "--replications", "6", "--workers", "1")
    year_args = ("year", "--json", "--visits", "20000", "--workers", "1")
    assert "at least 30 are needed" in fails(*savings_args, *period)
    assert "go together" in fails(*year_args, "--measured-to", "2026-09-30")

    moves = CaseVisits(tuple(("tennyu", size) for size in range(1, 6)))
    rates = HistoryRates(queues={"one-stop": QueueRates(0.6, 38.0, 0.5, cases=moves)}, transfer=0.0)
    office = Office.objects.get(code="chuo")
    generate_history(office, business_days_between(date(2026, 9, 1), date(2026, 9, 30)), rates, seed=6)
    plain = json.loads(simulate(*savings_args))
    measured = json.loads(simulate(*savings_args, *period))
    assert "measured" not in plain
    assert measured["measured"]["visits"] >= 30
    assert measured["households"][0]["after"]["served"] != plain["households"][0]["after"]["served"]
    assert measured["households"][0]["before"]["writing"] == plain["households"][0]["before"]["writing"]
    year = json.loads(simulate(*year_args, *period))
    assert year["measured"]["procedures"] == measured["measured"]["procedures"]
