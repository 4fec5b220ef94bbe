"""Inventory files built in the test, in each format a city may send."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Sequence

from openpyxl import Workbook

HEADER = ["業務コード", "業務名", "所管課", "年間件数", "平均受付時間（分）", "ライフイベント関連度"]


def csv_bytes(
    rows: Sequence[Sequence[object]], encoding: str = "utf-8", header: Sequence[str] = HEADER
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.create_sheet("メモ").append(["この シート は 読まない"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# A small table whose screening is computed by hand in test_select.py.
SMALL = [
    ["juminhyo-utsushi", "住民票の写しの交付", "市民課", 1000, 5, "高"],
    ["tennyu-todoke", "転入届", "市民課", 500, 20, "高"],
    ["inu-toroku-henko", "犬の登録事項変更", "生活衛生課", 100, 9.5, "中"],
    ["shisetsu-001", "体育館 利用申込", "市民活動課", 2000, 3, "低"],
    ["kokuho-henko", "国民健康保険 記載事項変更", "保険年金課", 300, 10, "高"],
]


def xlsx_rewritten(data: bytes, member: str, rewrite: Callable[[bytes], bytes]) -> bytes:
    """The .xlsx `data` with one part's bytes replaced by `rewrite(old bytes)` (crafted, hostile files)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, rewrite(content) if info.filename == member else content)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def huge_dimension_xlsx(last_cell: bool = True) -> bytes:
    """A small .xlsx whose first sheet declares every cell of Excel (and has a cell in its last row)."""

    def rewrite(xml: bytes) -> bytes:
        xml, count = re.subn(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        assert count == 1
        last = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", last + b"</sheetData>") if last_cell else xml

    return xlsx_rewritten(xlsx_bytes(SMALL), SHEET, rewrite)


def expanding_xlsx(size: int) -> bytes:
    """A small .xlsx whose sheet expands to `size` bytes of blanks (a zip bomb)."""
    return xlsx_rewritten(
        xlsx_bytes(SMALL), SHEET, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * size)
    )


def dtd_xlsx(member: str = SHEET) -> bytes:
    """A small .xlsx with a DTD declaring an entity in one of its XML parts."""

    def rewrite(xml: bytes) -> bytes:
        doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        if xml.startswith(b"<?xml"):
            declaration, rest = xml.split(b"?>", 1)
            return declaration + b"?>" + doctype + rest
        return doctype + xml

    return xlsx_rewritten(xlsx_bytes(SMALL), member, rewrite)
