"""`madoguchi simulate` as a manager runs it: JSON shapes and clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MADOGUCHI = str(Path(sys.executable).with_name("madoguchi"))


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MADOGUCHI_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}
    return subprocess.run(
        [MADOGUCHI, "simulate", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_savings_json_gives_before_after_and_saved_minutes_by_size(tmp_path: Path) -> None:
    result = run(tmp_path, "savings", "--json", "--replications", "8", "--sizes", "1-6", "--workers", "1")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["households"]
    assert [row["size"] for row in rows] == [1, 2, 3, 4, 5, 6]
    for row in rows:
        assert row["saved_min"] == pytest.approx(row["before_min"] - row["after_min"], abs=0.11)
        assert set(row["before"]) == {"waiting", "served", "walking", "writing"}
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_year_json_counts_events_and_wall_time(tmp_path: Path) -> None:
    result = run(tmp_path, "year", "--office", "kita", "--visits", "3000", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["office"], data["design"]) == ("kita", "after")
    assert data["events"] > data["visits"] > 2000
    assert data["wall_s"] > 0
    queue = data["queues"][0]
    assert {"queue", "tickets", "mean_wait_min", "utilisation", "by_hour"} <= set(queue)
    assert {"event", "size", "households", "minutes"} <= set(data["households"][0])


def test_bad_arguments_are_clear_errors(tmp_path: Path) -> None:
    for args in (
        ["year", "--office", "nowhere"],
        ["savings", "--event", "frobnicate"],
        ["staffing", "--share", "1.5"],
    ):
        result = run(tmp_path, *args)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr, args
        assert "error" in result.stderr.lower(), args
