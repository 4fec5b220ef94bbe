"""Reading an operations inventory (業務棚卸表) from CSV or .xlsx into plain, immutable records.

Plain Python (no Django), shared by `madoguchi screen` and the web page. The format is
`domain/inventory-format.md`. Row numbers are file rows counted from 1 with the header as row 1, so the
first data row is row 2: the number Excel shows at the left of the sheet. (For a CSV file with a line break
inside a quoted cell, a row is one CSV record, not one physical line.)

A file that is not a table at all raises `InventoryError`; a bad row never stops the rest: it is reported
as one `RejectedRow` per bad cell and left out.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

RELEVANCE_LEVELS: dict[str, int] = {"高": 3, "中": 2, "低": 1}
_LEVEL_WORDS: dict[str, str] = {
    "高": "高",
    "high": "高",
    "h": "高",
    "中": "中",
    "medium": "中",
    "middle": "中",
    "m": "中",
    "低": "低",
    "low": "低",
    "l": "低",
}
_YES_NO: dict[str, bool] = {
    "はい": True,
    "いいえ": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "○": True,
    "×": False,
}
_LIST_SEPARATORS = re.compile(r"[,、，;；/／]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    header_ja: str
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("code", "業務コード", True),
    Column("name", "業務名", True),
    Column("department", "所管課", True, ("担当課",)),
    Column("annual_volume", "年間件数", True),
    Column("avg_minutes", "平均受付時間（分）", True, ("平均受付時間", "平均処理時間（分）")),
    Column("life_event_relevance", "ライフイベント関連度", True, ("関連度",)),
    Column("life_events", "関連ライフイベント", False),
    Column("discretionary", "判断業務", False),
    Column("expertise", "専門性", False),
    Column("online_possible", "電子申請可", False),
)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
HEADERS_JA: tuple[str, ...] = tuple(c.header_ja for c in COLUMNS)  # the standard header row, in order


def _normalized_header(text: str) -> str:
    return re.sub(r"[\s_\-]", "", unicodedata.normalize("NFKC", text)).lower()


_HEADER_KEYS: dict[str, str] = {
    _normalized_header(name): column.key
    for column in COLUMNS
    for name in (column.key, column.header_ja, *column.aliases)
}


class InventoryError(Exception):
    """The file is not a readable inventory table (wrong format or encoding, missing columns, empty)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RejectedRow:
    """One reason a row was left out; `column` is the header as written in the file ("" for the row)."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class Operation:
    """One valid row of the inventory (業務)."""

    row: int
    code: str
    name: str
    department: str
    annual_volume: int
    avg_minutes: float
    life_event_relevance: str  # 高 / 中 / 低
    life_events: tuple[str, ...] = ()
    discretionary: bool | None = None
    expertise: str | None = None  # 高 / 中 / 低, or None when the column is absent or empty
    online_possible: bool | None = None
    extra: tuple[tuple[str, str], ...] = ()  # the file's other columns, (header, value), in file order

    @property
    def counter_minutes(self) -> float:
        """Minutes of counter time a year: annual volume × average reception minutes."""
        return self.annual_volume * self.avg_minutes

    @property
    def relevance_level(self) -> int:
        return RELEVANCE_LEVELS[self.life_event_relevance]

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "code": self.code,
            "name": self.name,
            "department": self.department,
            "annual_volume": self.annual_volume,
            "avg_minutes": self.avg_minutes,
            "life_event_relevance": self.life_event_relevance,
            "life_events": list(self.life_events),
            "discretionary": self.discretionary,
            "expertise": self.expertise,
            "online_possible": self.online_possible,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Operation:
        return cls(
            row=int(data["row"]),
            code=str(data["code"]),
            name=str(data["name"]),
            department=str(data["department"]),
            annual_volume=int(data["annual_volume"]),
            avg_minutes=float(data["avg_minutes"]),
            life_event_relevance=str(data["life_event_relevance"]),
            life_events=tuple(data.get("life_events") or ()),
            discretionary=data.get("discretionary"),
            expertise=data.get("expertise"),
            online_possible=data.get("online_possible"),
            extra=tuple((str(k), str(v)) for k, v in (data.get("extra") or {}).items()),
        )


@dataclass(frozen=True)
class Inventory:
    operations: tuple[Operation, ...]
    rejected: tuple[RejectedRow, ...]
    rows_read: int  # data rows in the file, blank rows not counted
    extra_headers: tuple[str, ...] = ()
    source: str = ""

    @property
    def rejected_row_count(self) -> int:
        return len({r.row for r in self.rejected})

    @property
    def kept(self) -> int:
        return len(self.operations)


@dataclass
class _RowErrors:
    row: int
    items: list[RejectedRow] = field(default_factory=list)

    def add(self, column: str, reason: str) -> None:
        self.items.append(RejectedRow(self.row, column, reason))


# --- reading the file into rows of text


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS as Excel writes it (CP932)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InventoryError(
            "UTF-16 のファイルは読めません。CSV（UTF-8 または Shift_JIS）か .xlsx で保存してください。"
        )
    else:
        encodings = ["utf-8", "cp932"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise InventoryError(
        "文字コードを判別できません。CSV は UTF-8 または Shift_JIS（CP932）で保存してください。"
    )


def _csv_rows(text: str) -> list[list[str]]:
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise InventoryError(f"CSV として読めません（{error}）。") from error


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # imported here: CSV users do not pay for it

    # openpyxl parses through defusedxml (installed): entity declarations (billion laughs, XXE) raise
    # ValueError subclasses; malformed XML raises ParseError (a SyntaxError), read lazily from the rows.
    unreadable = (zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except unreadable as error:
        raise InventoryError(
            "Excel ファイル（.xlsx）として読めません。壊れているか、別の形式です。"
        ) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise InventoryError("Excel ファイルにシートがありません。")
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except unreadable as error:
        raise InventoryError(
            "Excel ファイル（.xlsx）として読めません。壊れているか、別の形式です。"
        ) from error
    finally:
        workbook.close()


def table_rows(data: bytes, filename: str = "") -> list[list[str]]:
    """The cells of the file as text, whatever its format."""
    if len(data) > MAX_BYTES:
        raise InventoryError("ファイルが大きすぎます（20 MB まで）。")
    lowered = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InventoryError(
            "旧形式の Excel ファイル（.xls）は読めません。.xlsx または CSV で保存し直してください。"
        )
    if lowered.endswith((".xlsx", ".xlsm")):
        raise InventoryError("Excel ファイル（.xlsx）として読めません。壊れているか、別の形式です。")
    return _csv_rows(decode_text(data))


# --- validating rows


def _value(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_level(text: str) -> str | None:
    """高/中/低 for a level as a city writes it (高, high, H, ｍｅｄｉｕｍ, …); None if it is none."""
    return _LEVEL_WORDS.get(_value(text).lower())


def _header_map(header: Sequence[str]) -> tuple[dict[str, int], list[tuple[int, str]]]:
    keys: dict[str, int] = {}
    extra: list[tuple[int, str]] = []
    for index, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff")
        key = _HEADER_KEYS.get(_normalized_header(name))
        if key is None:
            if name:
                extra.append((index, name))
            continue
        if key in keys:
            raise InventoryError(
                f"列「{COLUMN_BY_KEY[key].header_ja}」が2つあります（{keys[key] + 1}列目と{index + 1}列目）。"
            )
        keys[key] = index
    missing = [c.header_ja for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        found = "、".join(h.strip() for h in header if h.strip())[:200] or "なし"
        raise InventoryError(
            "必須の列がありません: "
            + "、".join(missing)
            + f"。1行目は見出しの行にしてください（読み取った見出し: {found}）。"
        )
    return keys, extra


def _parse_row(
    number: int,
    cells: Sequence[str],
    keys: dict[str, int],
    header: Sequence[str],
    extra: list[tuple[int, str]],
) -> tuple[Operation | None, list[RejectedRow]]:
    errors = _RowErrors(number)

    def cell(key: str) -> str:
        index = keys.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    def label(key: str) -> str:
        return header[keys[key]].strip().lstrip("\ufeff")

    text: dict[str, str] = {}
    for key in ("code", "name", "department", "annual_volume", "avg_minutes", "life_event_relevance"):
        value = _value(cell(key)) if key in ("annual_volume", "avg_minutes") else cell(key).strip()
        if not value:
            errors.add(label(key), "必須の値がありません。")
        text[key] = value

    volume = 0
    if text["annual_volume"]:
        raw = _THOUSANDS.sub("", text["annual_volume"])
        try:
            number_value = float(raw)
        except ValueError:
            number_value = math.nan
        if math.isnan(number_value) or math.isinf(number_value) or not number_value.is_integer():
            errors.add(label("annual_volume"), f"年間件数「{text['annual_volume']}」は整数ではありません。")
        elif number_value < 0:
            errors.add(label("annual_volume"), f"年間件数「{text['annual_volume']}」が負の数です。")
        else:
            volume = int(number_value)

    minutes = 0.0
    if text["avg_minutes"]:
        try:
            minutes = float(_THOUSANDS.sub("", text["avg_minutes"]))
        except ValueError:
            minutes = math.nan
        if math.isnan(minutes) or math.isinf(minutes):
            errors.add(label("avg_minutes"), f"平均受付時間「{text['avg_minutes']}」は数値ではありません。")
        elif minutes <= 0:
            errors.add(
                label("avg_minutes"),
                f"平均受付時間「{text['avg_minutes']}」は 0 より大きい数にしてください。",
            )

    relevance = ""
    if text["life_event_relevance"]:
        relevance = parse_level(text["life_event_relevance"]) or ""
        if not relevance:
            errors.add(
                label("life_event_relevance"),
                f"ライフイベント関連度「{text['life_event_relevance']}」は"
                " 高・中・低（high・medium・low）のいずれかにしてください。",
            )

    flags: dict[str, bool | None] = {}
    for key in ("discretionary", "online_possible"):
        value = _value(cell(key))
        if not value:
            flags[key] = None
        elif value.lower() in _YES_NO:
            flags[key] = _YES_NO[value.lower()]
        else:
            flags[key] = None
            errors.add(label(key), f"「{value}」は はい・いいえ（yes・no）のいずれかにしてください。")

    expertise: str | None = None
    if value := _value(cell("expertise")):
        expertise = parse_level(value)
        if expertise is None:
            errors.add(label("expertise"), f"専門性「{value}」は 高・中・低 のいずれかにしてください。")

    events = tuple(e.strip() for e in _LIST_SEPARATORS.split(cell("life_events")) if e.strip())
    if errors.items:
        return None, errors.items
    return (
        Operation(
            row=number,
            code=text["code"],
            name=text["name"],
            department=text["department"],
            annual_volume=volume,
            avg_minutes=minutes,
            life_event_relevance=relevance,
            life_events=events,
            discretionary=flags["discretionary"],
            expertise=expertise,
            online_possible=flags["online_possible"],
            extra=tuple((name, cells[i].strip() if i < len(cells) else "") for i, name in extra),
        ),
        [],
    )


def parse_rows(rows: Iterable[Sequence[str]], source: str = "") -> Inventory:
    """Validate the rows of a table whose first non-empty row is the header."""
    iterator: Iterator[Sequence[str]] = iter(rows)
    header: Sequence[str] | None = None
    header_row = 0
    for header_row, candidate in enumerate(iterator, start=1):  # noqa: B007 (the row number is used below)
        if any(c.strip() for c in candidate):
            header = candidate
            break
    if header is None:
        raise InventoryError("ファイルが空です。1行目に見出し、2行目から業務を1行ずつ入れてください。")
    keys, extra = _header_map(header)
    operations: list[Operation] = []
    rejected: list[RejectedRow] = []
    first_row_of: dict[str, int] = {}
    rows_read = 0
    code_label = header[keys["code"]].strip().lstrip("\ufeff")
    for number, cells in enumerate(iterator, start=header_row + 1):
        if not any(c.strip() for c in cells):
            continue
        rows_read += 1
        operation, errors = _parse_row(number, cells, keys, header, extra)
        code = cells[keys["code"]].strip() if keys["code"] < len(cells) else ""
        if code and code in first_row_of:
            errors = [
                *errors,
                RejectedRow(
                    number, code_label, f"業務コード「{code}」は {first_row_of[code]} 行目と重複しています。"
                ),
            ]
            operation = None
        elif code:
            first_row_of[code] = number
        if operation is None:
            rejected.extend(errors)
        else:
            operations.append(operation)
    if rows_read == 0:
        raise InventoryError("見出しの行のほかに業務の行がありません。")
    return Inventory(
        operations=tuple(operations),
        rejected=tuple(rejected),
        rows_read=rows_read,
        extra_headers=tuple(name for _i, name in extra),
        source=source,
    )


def read_inventory(data: bytes, filename: str = "") -> Inventory:
    """Read an inventory file's bytes (CSV in UTF-8/Shift_JIS, or .xlsx)."""
    if not data.strip():
        raise InventoryError("ファイルが空です。1行目に見出し、2行目から業務を1行ずつ入れてください。")
    return parse_rows(table_rows(data, filename), source=filename)
