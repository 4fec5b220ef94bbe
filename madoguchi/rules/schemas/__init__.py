"""The published JSON Schemas, and validation that lists every error by a readable path."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema


@cache
def validator(path: Path) -> jsonschema.protocols.Validator:
    return compile_schema(json.loads(path.read_text(encoding="utf-8")))


def compile_schema(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def json_path(parts: Any) -> str:
    """`members[1].birth_date` for the parts ("members", 1, "birth_date"); `(top)` for the document."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top)"


def schema_errors(schema: Path | jsonschema.protocols.Validator, data: Any) -> list[tuple[str, str]]:
    """Every error of `data` against the schema (at a path, or compiled), in document order."""
    checker = validator(schema) if isinstance(schema, Path) else schema
    errors = sorted(checker.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [(json_path(error.absolute_path), error.message) for error in errors]
