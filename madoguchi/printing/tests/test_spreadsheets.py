from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from madoguchi.printing.spreadsheets import csv_text, safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+81 90", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_text_a_spreadsheet_would_read_as_a_formula_gets_a_leading_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["山田 花子", "a=b", "", 42, -7, 1.5, None, True, date(2026, 4, 1)])
def test_everything_else_is_written_as_it_is(value: object) -> None:
    assert safe_cell(value) is value


def test_csv_text_quotes_where_needed_and_keeps_each_row_whole() -> None:
    text = csv_text([["氏名", "結果"], ['=HYPERLINK("x","y")', "一行目\n二行目"], ["港", -1]])
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [
        ["氏名", "結果"],
        ['\'=HYPERLINK("x","y")', "一行目\n二行目"],
        ["港", "-1"],
    ]
