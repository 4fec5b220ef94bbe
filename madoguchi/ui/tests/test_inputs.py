"""The input layer's checks, one by one (the edges that use them are in test_bad_inputs.py)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from madoguchi.ui.inputs import BadInput, clean_text, parse_date, parse_int, parse_json, parse_uuid


def test_json_within_its_bounds_is_read() -> None:
    assert parse_json(b'{"a": [1, 2.5, "x\\ty"], "b": {"c": null}}') == {
        "a": [1, 2.5, "x\ty"],
        "b": {"c": None},
    }


@pytest.mark.parametrize(
    ("raw", "field", "status"),
    [
        ("[" * 33 + "]" * 33, "(body)", 400),
        ('{"a": "' + "[" * 100 + '"}', None, None),  # brackets inside a string are text, not depth
        ("9" * 21, "(body)", 400),
        (str(2**53 + 1), "(body)", 400),
        ('{"n": -1e999}', "(body)", 400),
        ('{"n": Infinity}', "(body)", 400),
        ('{"a": {"b": "x\\u0000"}}', "a.b", 400),
        ('{"a": ["ok", "\\u001b[31m"]}', "a[1]", 400),
        (b'"\xff"', "(body)", 400),
        ("x" * 300_000, "(body)", 413),
    ],
)
def test_json_beyond_its_bounds_is_refused_naming_where(
    raw: str | bytes, field: str | None, status: int
) -> None:
    if field is None:
        assert parse_json(raw)
        return
    with pytest.raises(BadInput) as refused:
        parse_json(raw)
    assert (refused.value.field, refused.value.status) == (field, status)


def test_text_refuses_control_characters_and_overlength() -> None:
    assert clean_text("  港町\t1-2\n ", "town", max_length=10) == "港町\t1-2"
    for bad in ("a\x00b", "a\x07b", "a\x7fb"):
        with pytest.raises(BadInput, match="制御文字"):
            clean_text(bad, "town")
    with pytest.raises(BadInput, match="5文字以内"):
        clean_text("123456", "town", max_length=5)


def test_dates_ids_and_numbers() -> None:
    assert parse_date("1873-01-01", "day") == date(1873, 1, 1)
    assert parse_date("2200-12-31", "day") == date(2200, 12, 31)
    for bad in ("1872-12-31", "2201-01-01", "9999-12-31", "0001-01-01", "abc", "2026-04-01\x00"):
        with pytest.raises(BadInput):
            parse_date(bad, "day")
    assert parse_int("42", "counter") == 42
    for bad_number in ("abc", "9" * 5000, "-1", "1.5", str(2**31)):
        with pytest.raises(BadInput):
            parse_int(bad_number, "counter")
    assert parse_uuid("12345678-1234-5678-1234-567812345678", "ticket") == UUID(
        "12345678-1234-5678-1234-567812345678"
    )
    with pytest.raises(BadInput):
        parse_uuid("not-a-uuid", "ticket")
