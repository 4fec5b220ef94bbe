"""Reading inventory files: formats, encodings, headers, and the row-by-row report of bad rows."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from madoguchi.screening import inventory
from madoguchi.screening.inventory import (
    XLSX_MAX_EXPANDED_BYTES,
    XLSX_MAX_SHEETS,
    InventoryError,
    Limits,
    read_inventory,
)
from madoguchi.screening.tests.factories import (
    HEADER,
    SMALL,
    csv_bytes,
    dtd_xlsx,
    expanding_xlsx,
    huge_dimension_xlsx,
    xlsx_bytes,
)


def test_utf8_csv_reads_every_row_with_file_row_numbers() -> None:
    inventory = read_inventory(csv_bytes(SMALL), "inventory.csv")
    assert inventory.rows_read == 5
    assert [o.code for o in inventory.operations] == [r[0] for r in SMALL]
    assert [o.row for o in inventory.operations] == [2, 3, 4, 5, 6]  # the header is row 1
    assert inventory.operations[2].avg_minutes == 9.5
    assert inventory.operations[2].life_event_relevance == "中"
    assert inventory.rejected == ()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932", "shift_jis"])
def test_bom_and_shift_jis_csv_read_the_same(encoding: str) -> None:
    inventory = read_inventory(csv_bytes(SMALL, encoding=encoding))
    assert [o.name for o in inventory.operations] == [r[1] for r in SMALL]


def test_xlsx_first_sheet_with_numbers_as_cells() -> None:
    inventory = read_inventory(xlsx_bytes(SMALL), "棚卸.xlsx")
    assert inventory.rows_read == 5
    assert inventory.operations[0].annual_volume == 1000
    assert inventory.operations[2].avg_minutes == 9.5


def test_english_aliases_any_order_extra_columns_kept_optional_columns_read() -> None:
    header = [
        "note",
        "avg_minutes",
        "Code",
        "name",
        "life_event_relevance",
        "department",
        "annual_volume",
        "discretionary",
        "expertise",
        "online_possible",
        "life_events",
    ]
    rows = [
        ["要予約", "12", "a-1", "粗大ごみ", "High", "環境局", "1,200", "no", "low", "yes", "tennyu、tenkyo"]
    ]
    inventory = read_inventory(csv_bytes(rows, header=header))
    operation = inventory.operations[0]
    assert (operation.code, operation.annual_volume, operation.avg_minutes) == ("a-1", 1200, 12.0)
    assert operation.life_event_relevance == "高"
    assert (operation.discretionary, operation.expertise, operation.online_possible) == (False, "低", True)
    assert operation.life_events == ("tennyu", "tenkyo")
    assert operation.extra == (("note", "要予約"),)
    assert inventory.extra_headers == ("note",)


def test_bad_values_are_reported_per_row_and_column_and_the_rest_is_kept() -> None:
    rows = [
        ["a", "良い行", "市民課", "10", "5", "高"],
        ["b", "関連度が不明", "市民課", "10", "5", "とても高い"],
        ["c", "件数が負", "市民課", "-3", "5", "高"],
        ["a", "コードが重複", "市民課", "10", "5", "高"],
        ["d", "時間が数値でない", "市民課", "10", "約5分", "低"],
        ["", "", "", "", "", ""],  # a blank row is skipped, not reported
        ["e", "", "市民課", "10", "0", "中"],
        ["f", "最後の良い行", "市民課", "20", "3", "low"],
    ]
    inventory = read_inventory(csv_bytes(rows))
    assert [o.code for o in inventory.operations] == ["a", "f"]
    assert inventory.rows_read == 7
    assert inventory.rejected_row_count == 5
    report = [(r.row, r.column) for r in inventory.rejected]
    assert report == [
        (3, "ライフイベント関連度"),
        (4, "年間件数"),
        (5, "業務コード"),
        (6, "平均受付時間（分）"),
        (8, "業務名"),
        (8, "平均受付時間（分）"),
    ]
    reasons = {r.row: r.reason for r in inventory.rejected}
    assert "とても高い" in reasons[3]
    assert "負の数" in reasons[4]
    assert "2 行目と重複" in reasons[5]
    assert "数値ではありません" in reasons[6]
    assert inventory.operations[1].row == 9


def test_missing_columns_are_named() -> None:
    data = csv_bytes([["a", "x", "1"]], header=["業務コード", "業務名", "年間件数"])
    with pytest.raises(InventoryError) as raised:
        read_inventory(data)
    message = raised.value.message
    for column in ("所管課", "平均受付時間（分）", "ライフイベント関連度"):
        assert column in message
    assert "業務名" not in message.split("見出し:")[0].split("ありません:")[1]


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "empty.csv", "空です"),
        ("\n".join(HEADER).encode("utf-16"), "utf16.csv", "UTF-16"),
        (b"\x81\xff\xfe\x80garbage\x00\x00", "binary.csv", "文字コード"),
        (b"not a zip at all", "inventory.xlsx", ".xlsx"),
        (b"PK\x03\x04broken zip", "inventory.xlsx", ".xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", ".xls"),
        (",".join(HEADER).encode(), "header-only.csv", "業務の行がありません"),
    ],
)
def test_a_file_that_is_not_a_table_is_a_clear_error(data: bytes, filename: str, expected: str) -> None:
    with pytest.raises(InventoryError, match=expected.replace(".", r"\.")):
        read_inventory(data, filename)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("euc_jp", "文字コードを判別できません"),  # invalid as UTF-8 and as CP932
        ("iso2022_jp", "必須の列がありません: 業務コード、業務名"),  # decodes, but to garbage headers
    ],
)
def test_a_wrong_encoding_is_refused_with_a_reason(encoding: str, expected: str) -> None:
    with pytest.raises(InventoryError, match=expected):
        read_inventory(csv_bytes(SMALL, encoding=encoding), "wrong.csv")


# --- limits: no file makes the reader run for long or hold much memory


def test_a_csv_past_the_row_limit_is_refused_naming_the_limit() -> None:
    rows = [[f"c{i}", "業務", "市民課", 1, 5, "高"] for i in range(11)]
    assert read_inventory(csv_bytes(rows[:10]), limits=Limits(max_rows=10)).rows_read == 10
    with pytest.raises(InventoryError, match="行数が上限（10行）を超えています"):
        read_inventory(csv_bytes(rows), limits=Limits(max_rows=10))


def test_the_default_row_limit_stops_a_million_row_csv() -> None:
    data = csv_bytes([["x", "業務", "市民課", 1, 5, "高"]] * 1_000) + b"a\r\n" * 1_000_000
    with pytest.raises(InventoryError, match="行数が上限（20,000行）"):
        read_inventory(data, "million.csv")


def test_an_xlsx_past_the_row_limit_is_refused() -> None:
    rows = [[f"c{i}", "業務", "市民課", 1, 5, "高"] for i in range(11)]
    with pytest.raises(InventoryError, match="行数が上限（10行）"):
        read_inventory(xlsx_bytes(rows), "big.xlsx", limits=Limits(max_rows=10))


def test_too_many_filled_columns_are_refused_but_trailing_blanks_are_not() -> None:
    wide = HEADER + [f"列{i}" for i in range(200)]
    with pytest.raises(InventoryError, match="列数が上限（100列）を超えています（1行目）"):
        read_inventory(csv_bytes(SMALL, header=wide))
    assert read_inventory(csv_bytes([[*SMALL[0], *[""] * 300]])).kept == 1


def test_an_xlsx_declaring_every_cell_of_excel_is_refused_without_reading_them() -> None:
    # openpyxl pads every row to the declared dimension: 1,048,576 rows of 16,384 cells
    with pytest.raises(InventoryError, match="行数が上限"):
        read_inventory(huge_dimension_xlsx(), "dimension.xlsx")


def test_an_xlsx_declaring_more_cells_than_it_has_is_read_as_written() -> None:
    inventory = read_inventory(huge_dimension_xlsx(last_cell=False), "dimension.xlsx")
    assert (inventory.rows_read, inventory.kept) == (5, 5)


def test_an_xlsx_with_too_many_sheets_is_refused() -> None:
    workbook = Workbook()
    for number in range(XLSX_MAX_SHEETS):
        workbook.create_sheet(f"s{number}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(InventoryError, match="シートが多すぎます"):
        read_inventory(buffer.getvalue(), "sheets.xlsx")


def test_an_xlsx_expanding_past_the_limit_is_refused_before_parsing() -> None:
    data = expanding_xlsx(XLSX_MAX_EXPANDED_BYTES + 1)
    assert len(data) < 2**20  # the file itself is small
    with pytest.raises(InventoryError, match="展開すると大きすぎます"):
        read_inventory(data, "bomb.xlsx")


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_an_xlsx_with_a_dtd_is_refused(member: str) -> None:
    with pytest.raises(InventoryError, match="文書型定義（DTD）"):
        read_inventory(dtd_xlsx(member), "dtd.xlsx")


def test_a_dtd_that_slips_past_the_scan_is_still_refused_by_defusedxml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inventory, "check_xlsx", lambda data: None)
    with pytest.raises(InventoryError, match="文書型定義（DTD）"):
        read_inventory(dtd_xlsx(), "dtd.xlsx")


def test_a_file_over_the_byte_limit_is_refused() -> None:
    with pytest.raises(InventoryError, match="ファイルが大きすぎます（1,000 バイト まで）"):
        read_inventory(csv_bytes(SMALL * 20), limits=Limits(max_bytes=1000))


def test_progress_is_reported_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inventory, "PROGRESS_EVERY_ROWS", 2)
    seen: list[tuple[int, float]] = []
    read_inventory(csv_bytes(SMALL), progress=lambda rows, fraction: seen.append((rows, fraction)))
    assert [rows for rows, _fraction in seen] == [2, 4, 6]
    assert 0 < seen[0][1] < seen[1][1] < seen[2][1] <= 1
