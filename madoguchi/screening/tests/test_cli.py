"""`madoguchi screen FILE` as an operator runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from madoguchi.screening.demo_inventory import DEMO_INVENTORY
from madoguchi.screening.tests.factories import SMALL, csv_bytes, xlsx_bytes

MADOGUCHI = str(Path(sys.executable).with_name("madoguchi"))


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MADOGUCHI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "MADOGUCHI_LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [MADOGUCHI, "screen", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_json_output_shape(tmp_path: Path) -> None:
    # given a table with one bad row
    path = tmp_path / "inventory.csv"
    path.write_bytes(csv_bytes([*SMALL, ["bad", "負の件数", "市民課", -1, 5, "高"]], encoding="cp932"))
    # when
    result = run(tmp_path, str(path), "--relevance", "medium", "--json")
    # then
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"selected", "rejected_rows", "summary"}
    assert [s["code"] for s in report["selected"]] == ["juminhyo-utsushi", "inu-toroku-henko"]
    first = report["selected"][0]
    assert {
        k: first[k]
        for k in ("code", "name", "department", "annual_volume", "avg_minutes", "life_event_relevance")
    } == {
        "code": "juminhyo-utsushi",
        "name": "住民票の写しの交付",
        "department": "市民課",
        "annual_volume": 1000,
        "avg_minutes": 5.0,
        "life_event_relevance": "高",
    }
    assert report["rejected_rows"] == [
        {"row": 7, "column": "年間件数", "reason": "年間件数「-1」が負の数です。"}
    ]
    assert report["summary"] == {
        "rows_read": 6,
        "selected": 2,
        "counter_minutes_share": round(5950 / 24950, 6),
    }


def test_max_minutes_and_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "inventory.xlsx"
    path.write_bytes(xlsx_bytes(SMALL))
    result = run(tmp_path, str(path), "--max-minutes", "10.5", "--relevance", "高", "--json")
    assert result.returncode == 0, result.stderr
    assert sorted(s["code"] for s in json.loads(result.stdout)["selected"]) == [
        "juminhyo-utsushi",
        "kokuho-henko",
    ]


def test_readable_table_and_summary_for_the_demo_inventory(tmp_path: Path) -> None:
    result = run(tmp_path, str(DEMO_INVENTORY))
    assert result.returncode == 0, result.stderr
    assert "業務コード" in result.stdout.splitlines()[0]
    assert "juminhyo-utsushi" in result.stdout
    assert "読込 762 行（有効 762・不備 0） → 選定 148 業務" in result.stdout


def test_a_bad_file_exits_2_with_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_bytes(csv_bytes([["a", "b"]], header=["業務コード", "業務名"]))
    result = run(tmp_path, str(path))
    assert result.returncode == 2
    assert "必須の列がありません: 所管課、年間件数、平均受付時間（分）、ライフイベント関連度" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_and_a_bad_option_exit_2(tmp_path: Path) -> None:
    assert run(tmp_path, str(tmp_path / "nothing.csv")).returncode == 2
    path = tmp_path / "inventory.csv"
    path.write_bytes(csv_bytes(SMALL))
    result = run(tmp_path, str(path), "--relevance", "very")
    assert result.returncode == 2
    assert "high/medium/low" in result.stderr
