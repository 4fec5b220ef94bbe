"""`madoguchi forms` as a plain function: the same code the management command runs, without Django."""

from __future__ import annotations

import io
import json
from pathlib import Path

from madoguchi.printing.casefile import read_case
from madoguchi.printing.command import FormsRequest, run_forms
from madoguchi.printing.examples import EXAMPLES
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog


def default_catalog() -> Catalog:
    return load_catalog(DEFAULT_CATALOG_DIR)


def run(**kwargs: object) -> tuple[int, str, str]:
    stdin = io.StringIO(str(kwargs.pop("stdin", "")))
    stdout, stderr = io.StringIO(), io.StringIO()
    request = FormsRequest(streams=(stdin, stdout, stderr), **kwargs)  # type: ignore[arg-type]
    status = run_forms(request, default_catalog)
    return status, stdout.getvalue(), stderr.getvalue()


def test_the_example_printed_is_a_valid_case_file() -> None:
    # when
    status, out, _ = run(example="5-person-tennyu")
    # then
    assert status == 0
    assert json.loads(out) == EXAMPLES["5-person-tennyu"]
    read_case(json.loads(out))


def test_an_unknown_example_is_a_usage_error() -> None:
    status, _, err = run(example="nope")
    assert status == 2
    assert "5-person-tennyu" in err


def test_a_case_file_renders_and_prints_the_summary(tmp_path: Path) -> None:
    # given
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(EXAMPLES["5-person-tennyu"], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "bundle.pdf"
    # when
    status, stdout, stderr = run(case_file=str(case_file), out=out)
    # then
    assert status == 0, stderr
    summary = json.loads(stdout)
    assert set(summary) == {"pages", "forms", "handwritten_entries_before", "handwritten_entries_now"}
    assert summary["pages"] == 10
    assert summary["forms"][0] == "tennyu-todoke"
    assert summary["handwritten_entries_before"] == 206
    assert summary["handwritten_entries_now"] == 6  # the signature and 5 entries printed blank
    assert out.read_bytes().startswith(b"%PDF-")


def test_standard_input_and_a_catalog_directory(tmp_path: Path) -> None:
    status, stdout, _ = run(
        case_file="-",
        stdin=json.dumps(EXAMPLES["tenkyo-single"]),
        out=tmp_path / "b.pdf",
        catalog_dir=DEFAULT_CATALOG_DIR,
    )
    assert status == 0
    assert json.loads(stdout)["forms"] == ["tenkyo-todoke"]


def test_an_invalid_case_file_lists_every_error_and_exits_2(tmp_path: Path) -> None:
    # given
    data = json.loads(json.dumps(EXAMPLES["5-person-tennyu"]))
    data["members"][1]["birth_date"] = "yesterday"
    data["members"][2]["relationship"] = "cousin"
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(data), encoding="utf-8")
    # when
    status, stdout, stderr = run(case_file=str(case_file), out=tmp_path / "b.pdf")
    # then
    assert status == 2
    assert stdout == ""
    lines = stderr.splitlines()
    assert any(line.startswith("members[1].birth_date: ") for line in lines)
    assert any(line.startswith("members[2].relationship: ") for line in lines)
    assert "Traceback" not in stderr
    assert not (tmp_path / "b.pdf").exists()


def test_an_unreadable_or_broken_file_exits_2(tmp_path: Path) -> None:
    status, _, stderr = run(case_file=str(tmp_path / "missing.json"), out=tmp_path / "b.pdf")
    assert status == 2
    assert "cannot read" in stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    status, _, stderr = run(case_file=str(broken), out=tmp_path / "b.pdf")
    assert status == 2
    assert "not JSON" in stderr


def test_a_missing_output_is_a_usage_error(tmp_path: Path) -> None:
    status, _, stderr = run(case_file=str(tmp_path / "case.json"))
    assert status == 2
    assert "usage" in stderr
