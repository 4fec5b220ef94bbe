"""The input layer: every edge (the JSON APIs, the forms, query strings, the CLI) bounds what it reads here.

Size, depth, numbers, control characters, date ranges, column lengths and ids are checked once, and a
refusal is one `BadInput` naming the field, with a message in the user's language. Views answer it with 400
(413 for a body that is too large), management commands with exit code 2 (`madoguchi.cli`).

It lives in `ui` because it speaks to people (translated messages) and is shared by every context's edge;
the identity validators (kana, 和暦, My Number) stay plain Python in `identity` and are called from here
or beside it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from itertools import accumulate
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from madoguchi.identity.errors import InvalidInput
from madoguchi.rules.household import EARLIEST_DATE, LATEST_DATE

JSON_MAX_BYTES = 256 * 1024
JSON_MAX_DEPTH = 32
# Integers a JSON reader in any language holds exactly (IEEE 754 doubles), and never a long digit run
INT_LIMIT = 2**53
INT_MAX_DIGITS = 20
# Dates that 和暦 can name (from 明治6年, the Gregorian calendar) and that deadline arithmetic
# (event date + days, business days, ages) can move without leaving datetime's range
DATE_MIN = EARLIEST_DATE
DATE_MAX = LATEST_DATE
# C0 controls other than tab, line feed and carriage return, and DEL: PostgreSQL refuses NUL in text, and
# the others only hide text on screens and in the printed forms
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")


class BadInput(InvalidInput):
    """Input refused at an edge: `field` names where it came from, `message` says why (translated)."""

    def __init__(self, field: str, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def clean_text(value: str, field: str, *, max_length: int | None = None, strip: bool = True) -> str:
    """Text without control characters (tab and line breaks allowed) and at most `max_length` characters."""
    if not isinstance(value, str):
        raise BadInput(field, _("文字で入力してください。"))
    if _CONTROL.search(value):
        raise BadInput(field, _("使えない制御文字が含まれています。"))
    text = value.strip() if strip else value
    if max_length is not None and len(text) > max_length:
        raise BadInput(field, _("%(n)s文字以内で入力してください。") % {"n": max_length})
    return text


def check_date(value: date, field: str) -> date:
    """A date inside the range that 和暦 and the deadline arithmetic hold (1873-01-01 to 2200-12-31)."""
    if not DATE_MIN <= value <= DATE_MAX:
        raise BadInput(
            field,
            _("%(min)sから%(max)sまでの日付を入力してください。")
            % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )
    return value


def date_in_range(value: date) -> None:
    """`check_date` as a Django form field validator (forms.DateField(validators=[date_in_range]))."""
    try:
        check_date(value, "")
    except BadInput as error:
        raise ValidationError(error.message, code="date_range") from None


def parse_date(value: str, field: str) -> date:
    """An ISO date (2026-04-01) inside the range of `check_date`."""
    text = clean_text(value, field, max_length=10)
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise BadInput(field, _("日付は「2026-04-01」のように入力してください。")) from None
    return check_date(parsed, field)


def parse_int(value: str | int, field: str, *, minimum: int = 0, maximum: int = 2**31 - 1) -> int:
    """A whole number within [minimum, maximum]; never a long digit run (int() of 5,000 digits is slow)."""
    if isinstance(value, bool):
        raise BadInput(field, _("数字で入力してください。"))
    if isinstance(value, str):
        text = value.strip()
        if len(text) > INT_MAX_DIGITS or not re.fullmatch(r"[+-]?[0-9]+", text):
            raise BadInput(field, _("数字で入力してください。"))
        value = int(text)
    if not minimum <= value <= maximum:
        raise BadInput(
            field, _("%(min)sから%(max)sまでの数字で入力してください。") % {"min": minimum, "max": maximum}
        )
    return value


def parse_uuid(value: str, field: str) -> UUID:
    try:
        return UUID(clean_text(value, field, max_length=36))
    except ValueError:
        raise BadInput(field, _("番号の形式が正しくありません。")) from None


def parse_json(
    raw: bytes | str,
    *,
    field: str = "(body)",
    max_bytes: int = JSON_MAX_BYTES,
    max_depth: int = JSON_MAX_DEPTH,
) -> Any:
    """A JSON document of at most `max_bytes` bytes and `max_depth` levels, with integers that fit in
    ±2**53, no NaN or Infinity, and no control characters in its strings (the field names the key)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(data) > max_bytes:
        raise BadInput(field, _("データが大きすぎます（上限%(n)sバイト）。") % {"n": max_bytes}, status=413)
    # the depth before parsing: json's C parser recurses once per level (100,000 levels: RecursionError)
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", data))
    if brackets and max(accumulate(1 if b in b"[{" else -1 for b in brackets)) > max_depth:
        raise BadInput(field, _("JSONの入れ子が深すぎます（上限%(n)s段）。") % {"n": max_depth})
    try:
        text = data.decode("utf-8")
        document = json.loads(
            text,
            parse_int=_json_int(field),
            parse_constant=_json_constant(field),
            parse_float=_json_float(field),
        )
    except UnicodeDecodeError:
        raise BadInput(field, _("UTF-8のJSONを送ってください。")) from None
    except json.JSONDecodeError as error:
        raise BadInput(
            field,
            _("JSONとして読めません（%(line)s行%(column)s列）。")
            % {"line": error.lineno, "column": error.colno},
        ) from None
    _check_strings(document, field)
    return document


def _json_int(field: str) -> Any:
    def parse(text: str) -> int:
        if len(text.lstrip("-")) > INT_MAX_DIGITS or abs(value := int(text)) > INT_LIMIT:
            raise BadInput(field, _("数値が大きすぎます（±2^53まで）。"))
        return value

    return parse


def _json_float(field: str) -> Any:
    def parse(text: str) -> float:
        value = float(text)
        if abs(value) == float("inf") or len(text) > 40:
            raise BadInput(field, _("数値が大きすぎます（±2^53まで）。"))
        return value

    return parse


def _json_constant(field: str) -> Any:
    def parse(text: str) -> None:
        raise BadInput(field, _("NaN や Infinity は数値として使えません。"))

    return parse


def _check_strings(document: Any, field: str) -> None:
    """No control character in a key or a string value (the depth is already bounded)."""
    stack: list[tuple[str, Any]] = [(field, document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            clean_text(value, where, strip=False)
        elif isinstance(value, dict):
            for key, item in value.items():
                clean_text(key, where, strip=False)
                stack.append((f"{where}.{key}" if where != "(body)" else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
