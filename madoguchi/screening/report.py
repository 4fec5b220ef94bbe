"""The screening result as JSON, CSV (UTF-8 with BOM, for Excel) and .xlsx (plain Python, no Django)."""

from __future__ import annotations

import io
from typing import Any

from madoguchi.printing.spreadsheets import csv_text, safe_row
from madoguchi.screening.inventory import HEADERS_JA, Inventory
from madoguchi.screening.select import Screened, Screening

EXPORT_HEADERS = (*HEADERS_JA, "年間窓口時間（分）", "スコア")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("はい" if value else "いいえ")


def selected_as_dict(item: Screened) -> dict[str, Any]:
    operation = item.operation
    return {
        **operation.as_dict(),
        "counter_minutes": operation.counter_minutes,
        "score": round(item.score, 2),
    }


def as_json(inventory: Inventory, screening: Screening) -> dict[str, Any]:
    """The shape `madoguchi screen --json` prints."""
    return {
        "selected": [selected_as_dict(item) for item in screening.selected],
        "rejected_rows": [r.as_dict() for r in inventory.rejected],
        "summary": {
            "rows_read": inventory.rows_read,
            "selected": screening.selected_count,
            "counter_minutes_share": round(screening.counter_minutes_share, 6),
        },
    }


def _export_rows(screening: Screening, extra_headers: tuple[str, ...]) -> list[list[Any]]:
    rows: list[list[Any]] = [[*EXPORT_HEADERS, *extra_headers]]
    for item in screening.selected:
        operation = item.operation
        extra = dict(operation.extra)
        rows.append(
            [
                operation.code,
                operation.name,
                operation.department,
                operation.annual_volume,
                operation.avg_minutes,
                operation.life_event_relevance,
                "、".join(operation.life_events),
                _yes_no(operation.discretionary),
                operation.expertise or "",
                _yes_no(operation.online_possible),
                round(operation.counter_minutes, 1),
                round(item.score, 1),
                *(extra.get(h, "") for h in extra_headers),
            ]
        )
    return rows


def selection_csv(screening: Screening, extra_headers: tuple[str, ...] = ()) -> bytes:
    return csv_text(_export_rows(screening, extra_headers)).encode("utf-8-sig")


def selection_xlsx(screening: Screening, extra_headers: tuple[str, ...] = ()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "選定結果"
    for row in _export_rows(screening, extra_headers):
        sheet.append(safe_row(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", (22, 40, 24, 10, 12, 12, 24, 10, 8, 10, 14, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
