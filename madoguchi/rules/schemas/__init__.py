"""The published JSON Schemas, and validation that lists every error by a readable path.

A document is checked twice over only when it is wrong: jsonschema-rs (compiled, in Rust) answers whether it
is valid in microseconds, which is every plan the API makes from a correct household; only a document it
refuses goes through `jsonschema`, which lists every error with the messages that the API, the CLI and the
tests show. A household through the Python validator alone cost about 0.3 ms, a quarter of the plans API's
work (benchmarks/bench_engine.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs


@dataclass(frozen=True)
class CompiledSchema:
    fast: Any  # a jsonschema_rs validator: "is it valid?"
    checker: jsonschema.protocols.Validator  # every error, with its message and path

    def errors(self, data: Any) -> list[tuple[str, str]]:
        if self.fast.is_valid(data):
            return []
        errors = sorted(self.checker.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
        return [(json_path(error.absolute_path), _without_the_value(error)) for error in errors]


def _without_the_value(error: jsonschema.ValidationError) -> str:
    """The error's message without the value that was wrong: jsonschema writes it in ("[{...}, ...] is too
    long"), and a household's value may be a My Number, a list of members with theirs, or an address, which
    must not reach a log, a terminal or an API answer. The path already says where it is."""
    shown = repr(error.instance)
    return error.message.replace(shown, "the value") if shown in error.message else error.message


@cache
def validator(path: Path) -> CompiledSchema:
    return compile_schema(json.loads(path.read_text(encoding="utf-8")))


def compile_schema(schema: dict[str, Any]) -> CompiledSchema:
    cls = jsonschema.validators.validator_for(schema)
    return CompiledSchema(
        # formats checked as the Python validator checks them ("date": a real calendar date); a
        # reference is never fetched: the schemas are whole (a closed network)
        fast=jsonschema_rs.validator_for(schema, validate_formats=True, offline=True),
        checker=cls(schema, format_checker=cls.FORMAT_CHECKER),
    )


def json_path(parts: Any) -> str:
    """`members[1].birth_date` for the parts ("members", 1, "birth_date"); `(top)` for the document."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top)"


def schema_errors(schema: Path | CompiledSchema, data: Any) -> list[tuple[str, str]]:
    """Every error of `data` against the schema (at a path, or compiled), in document order."""
    return (validator(schema) if isinstance(schema, Path) else schema).errors(data)
