"""Inventory files built in the test, in each format a city may send."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

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
