"""The preparation record (preparation/v1): validation, and where each value came from.

A record is plain JSON (a dict), documented in docs/preparation-format.md and checked against
schemas/preparation-v1.json plus the case file's semantic rules (member ids, addresses, household facts).
Each value remembers its door: `source` names the door of the whole record, `sources` maps JSON Pointers
(RFC 6901) to the door of single values or of objects holding them; the longest matching pointer wins.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from madoguchi.printing.casefile import CaseError, InvalidCase, household_facts, semantic_errors
from madoguchi.rules.household import InvalidFacts, read_facts
from madoguchi.rules.schemas import schema_errors

SCHEMA = "preparation/v1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "preparation-v1.json"
SOURCES = ("resident", "mynaportal_hikkoshi", "mynaportal_pittari", "clerk")
MAX_MEMBERS = 10
# keys of a preparation that a case file does not have
_OWN_KEYS = ("schema", "id", "municipality_code", "language", "prepared_at", "visit", "source", "sources")
# what makes a record this record rather than its content: never taken from another door in a merge
_IDENTITY_KEYS = ("schema", "id", "municipality_code", "prepared_at", "source", "sources")


class InvalidPreparation(InvalidCase):
    """The record is not a valid preparation/v1; `errors` lists every problem with its path."""


def city_code() -> str:
    return str(settings.MADOGUCHI_CITY_CODE)


def new_record(event: str, event_date: str, *, source: str, language: str = "ja") -> dict[str, Any]:
    """An empty preparation for one event, with a fresh id, for this city."""
    return {
        "schema": SCHEMA,
        "id": str(uuid.uuid4()),
        "municipality_code": city_code(),
        "language": language,
        "event": event,
        "event_date": event_date,
        "members": [],
        "source": source,
    }


def as_case_file(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's facts and people as case-file/v1 (no case number, no plan, no My Numbers). A preparation
    may lack the address (a resident may not know it yet); the case file then lacks it too."""
    data = {k: copy.deepcopy(v) for k, v in record.items() if k not in _OWN_KEYS}
    data["schema"] = "case-file/v1"
    return data


def validate(record: Any) -> dict[str, Any]:
    """The record if it is a valid preparation/v1; raises InvalidPreparation listing every error."""
    problems = schema_errors(SCHEMA_PATH, record)
    if problems:
        raise InvalidPreparation([CaseError(path, message) for path, message in problems])
    errors: list[CaseError] = []
    for pointer in record.get("sources", {}):
        if pointer and resolve(record, pointer) is _MISSING:
            errors.append(CaseError(f"sources[{pointer!r}]", "names no value of this preparation"))
    errors += semantic_errors(record)
    try:
        read_facts(household_facts(record))
    except InvalidFacts as error:
        seen = {path for path, _ in errors}
        errors += [CaseError(e.path, e.message) for e in error.errors if e.path not in seen]
    if errors:
        raise InvalidPreparation(errors)
    return dict(record)


_MISSING = object()


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*parts: str | int) -> str:
    return "".join(f"/{_escape(str(part))}" for part in parts)


def resolve(record: Any, path: str) -> Any:
    """The value at a JSON Pointer, or _MISSING."""
    node = record
    for token in [_unescape(t) for t in path.split("/")[1:]] if path else []:
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


def source_of(record: Mapping[str, Any], path: str) -> str:
    """The door the value at `path` came through: the longest pointer in `sources` that holds it."""
    sources: Mapping[str, str] = record.get("sources", {})
    best = ""
    for candidate in sources:
        if (path == candidate or path.startswith(candidate + "/")) and len(candidate) >= len(best):
            best = candidate
    if best or "" in sources:
        return sources[best]
    return str(record.get("source", "resident"))


def set_source(record: dict[str, Any], path: str, source: str) -> None:
    """Say that the value at `path` came through `source` (pointers inside it are covered and dropped)."""
    if source not in SOURCES:
        raise ValueError(f"unknown door {source!r}")
    sources: dict[str, str] = {
        key: door
        for key, door in record.get("sources", {}).items()
        if key != path and not key.startswith(path + "/")
    }
    if source_of({**record, "sources": sources}, path) != source:
        sources[path] = source
    if sources:
        record["sources"] = sources
    else:
        record.pop("sources", None)


def merge(record: dict[str, Any], other: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """`record` with every value `other` gives put in (objects value by value, members matched by id), each
    value that changed or was added marked with `source`; the values `other` repeats keep their door.

    Used when a second door adds to a draft: an import after the resident began, the clerk's corrections.
    """
    merged = copy.deepcopy(record)

    def put(target: dict[str, Any], values: Mapping[str, Any], base: str) -> None:
        for key, value in values.items():
            path = f"{base}{pointer(key)}"
            if key == "members" and not base:
                members = target.setdefault("members", [])
                for member in value:
                    index = next((i for i, m in enumerate(members) if m["id"] == member["id"]), None)
                    if index is None:
                        members.append(copy.deepcopy(member))
                        set_source(merged, f"{path}/{len(members) - 1}", source)
                    else:
                        put(members[index], member, f"{path}/{index}")
            elif isinstance(value, Mapping) and isinstance(target.get(key), dict):
                put(target[key], value, path)
            elif target.get(key) != value:
                target[key] = copy.deepcopy(value)
                set_source(merged, path, source)

    put(merged, {k: v for k, v in other.items() if k not in _IDENTITY_KEYS}, "")
    return merged


def stamp(record: dict[str, Any], when: datetime | None = None) -> dict[str, Any]:
    """Mark the record finished now (prepared_at, with the office's offset)."""
    record["prepared_at"] = timezone.localtime(when or timezone.now()).isoformat(timespec="seconds")
    return record
