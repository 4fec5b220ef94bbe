"""Properties of the inventory reader over generated tables and bytes: an `Inventory` or its one error,
`InventoryError`, never another exception; every data row is either kept or rejected with a reason."""

from __future__ import annotations

import csv
import io

from hypothesis import example, given
from hypothesis import strategies as st

from madoguchi.screening.inventory import (
    HEADERS_JA,
    Inventory,
    InventoryError,
    parse_rows,
    read_inventory,
)

# Cells as cities write them, and anything else.
CELL_WORDS = [
    "",
    " ",
    "高",
    "中",
    "低",
    "high",
    "ｍｅｄｉｕｍ",
    "はい",
    "いいえ",
    "○",
    "×",
    "1,200",
    "１２００",
    "-3",
    "0",
    "7.5",
    "1e400",
    "nan",
    "inf",
    "1e300",
    "9" * 400,
    "転入、転出",
    "=SUM(A1)",
    "\x00",
]
cell = st.one_of(st.sampled_from(CELL_WORDS), st.text(max_size=30))
row = st.lists(cell, max_size=len(HEADERS_JA) + 2)
header = st.one_of(
    st.just(list(HEADERS_JA)),
    st.permutations(list(HEADERS_JA)).map(list),
    st.lists(st.one_of(st.sampled_from(HEADERS_JA), st.text(max_size=12)), max_size=12),
)


def read_or_refuse(read, *args) -> Inventory | None:  # type: ignore[no-untyped-def]
    try:
        inventory = read(*args)
    except InventoryError as error:
        refused = error
    else:
        assert isinstance(inventory, Inventory)
        return inventory
    assert refused.message
    return None


@given(header, st.lists(row, max_size=8))
@example(list(HEADERS_JA), [["A1", "住民票", "市民課", "1e300", "5", "高"]])
@example(list(HEADERS_JA), [["A1", "住民票", "市民課", "9" * 400, "5", "高"]])
@example(list(HEADERS_JA), [["A1", "住民票", "市民課", "10", "1e-320", "高"]])
def test_any_table_is_read_or_refused(head: list[str], rows: list[list[str]]) -> None:
    inventory = read_or_refuse(parse_rows, [head, *rows])
    if inventory is None:
        return
    rejected_rows = {r.row for r in inventory.rejected}
    kept_rows = {o.row for o in inventory.operations}
    assert not kept_rows & rejected_rows
    assert len(kept_rows) + len(rejected_rows) == inventory.rows_read
    for operation in inventory.operations:
        assert operation.annual_volume >= 0
        assert operation.avg_minutes > 0
        assert operation.life_event_relevance in {"高", "中", "低"}
        assert round_trips(operation)
    for rejected in inventory.rejected:
        assert rejected.reason


def round_trips(operation) -> bool:  # type: ignore[no-untyped-def]
    """An operation kept as a dict (the last upload per manager) reads back the same."""
    return type(operation).from_dict(operation.as_dict()) == operation


@given(st.lists(row, max_size=6), st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
def test_any_csv_file_is_read_or_refused(rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(HEADERS_JA), *rows])
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    read_or_refuse(read_inventory, data, "inventory.csv")


@given(st.binary(max_size=300), st.sampled_from(["", "x.csv", "x.xlsx", "x.tsv"]))
@example(b"PK\x03\x04garbage", "x.xlsx")
@example(b"\xd0\xcf\x11\xe0", "x.xls")
@example(b"\xff\xfe\x00a", "x.csv")
@example(b"a\x00b", "x.csv")
@example(b'"unterminated', "x.csv")
def test_any_bytes_are_read_or_refused(data: bytes, filename: str) -> None:
    read_or_refuse(read_inventory, data, filename)
