"""Household facts (household-facts/v1): validation against the published schema, and derived facts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from madoguchi.rules.facts import MOVE_EVENTS
from madoguchi.rules.schemas import CompiledSchema, compile_schema, schema_errors

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SCHEMA_PATH = SCHEMAS / "household-facts-v1.json"  # the published contract, unchanged
EXTENSIONS_PATH = SCHEMAS / "household-facts-v1-madoguchi.json"  # madoguchi's own optional facts
PARENT_ROLES = frozenset({"head", "spouse"})
CHILD_ROLES = frozenset({"child", "grandchild"})
HIGH_SCHOOL_AGE_LIMIT = 17  # school_age of the last high-school year (高校生年代)


@dataclass(frozen=True)
class FactsError:
    """One problem with the input, located by a JSON path such as `members[1].birth_date`."""

    path: str
    message: str


class InvalidFacts(Exception):
    def __init__(self, errors: list[FactsError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


@cache
def household_schema() -> dict[str, Any]:
    """The published household-facts/v1 with madoguchi's own optional facts added (each marked
    `x-madoguchi-extension`): every v1 document is valid, and the rules can read the extra facts too.
    The published file stays as published (tests/test_contracts.py); the additions are kept apart."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    extensions = json.loads(EXTENSIONS_PATH.read_text(encoding="utf-8"))
    places = {
        "members": schema["properties"]["members"]["items"]["properties"],
        "household": schema["properties"]["household"]["properties"],
    }
    for part, properties in places.items():
        for name, definition in extensions.get(part, {}).items():
            if name in properties:
                raise ValueError(f"{EXTENSIONS_PATH.name}: {part}.{name} is in the published schema now")
            properties[name] = {**definition, "x-madoguchi-extension": True}
    return schema


@cache
def _household_validator() -> CompiledSchema:
    return compile_schema(household_schema())


def legal_age(birth: date, on: date) -> int:
    """Age under 年齢計算ニ関スル法律: one reaches an age at the end of the day before the birthday."""
    if on < date.max:
        day = on + timedelta(days=1)
        years, month_day = day.year - birth.year, (day.month, day.day)
    else:  # the day after 9999-12-31 is one `date` cannot hold: 1 January of the next year
        years, month_day = on.year + 1 - birth.year, (1, 1)
    if month_day < (birth.month, birth.day):
        years -= 1
    return years


SEAL_REGISTRATION_MIN_AGE = 15  # 印鑑登録: not for residents under 15 (印鑑登録事務処理要領)
DRIVING_LICENCE_MIN_AGE = 16  # 原付・二輪 from 16, the youngest licence (道路交通法第88条第1項第1号)


def settled_facts(sex: str, birth: date | None, on: date | None) -> dict[str, bool]:
    """The facts a person's sex ("male", "female", or unknown) and age settle, whatever was answered: they
    are never asked (a man is not pregnant, an infant holds no seal registration or driving licence)."""
    settled: dict[str, bool] = {}
    if sex == "male":
        settled.update(pregnant=False, has_maternal_handbook=False)
    age = legal_age(birth, on) if birth is not None and on is not None else None
    if age is not None and age < SEAL_REGISTRATION_MIN_AGE:
        settled.update(
            has_seal_registration=False,
            child_allowance_recipient=False,
            child_rearing_allowance_recipient=False,
        )
    if age is not None and age < DRIVING_LICENCE_MIN_AGE:
        settled.update(has_driving_licence=False)
    return settled


def school_year_start(on: date) -> date:
    """April 1 of the school year (and fiscal year) that `on` falls in."""
    return date(on.year if on.month >= 4 else on.year - 1, 4, 1)


@dataclass(frozen=True)
class Household:
    """Validated facts with the derived facts the conditions read."""

    event: str
    event_date: date
    event_facts: dict[str, Any]
    household: dict[str, Any]
    members: tuple[dict[str, Any], ...]
    subject_ids: tuple[str, ...]


# The dates a household can hold: from 明治6年1月1日 (the Gregorian calendar, the first day 和暦 maps day for
# day) to a far future that ages, school years and deadlines (event date + days) can still move from.
EARLIEST_DATE = date(1873, 1, 1)
LATEST_DATE = date(2200, 12, 31)
DATE_RANGE_MESSAGE = f"a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"


def _semantic_errors(data: Mapping[str, Any]) -> list[FactsError]:
    errors: list[FactsError] = []
    members = data["members"]
    ids = [m["id"] for m in members]
    for index, member_id in enumerate(ids):
        if ids.index(member_id) != index:
            errors.append(FactsError(f"members[{index}].id", f"duplicate member id {member_id!r}"))
    if sum(1 for m in members if m["relationship"] == "head") > 1:
        errors.append(FactsError("members", "a household has at most one head (relationship: head)"))
    event_date = date.fromisoformat(data["event_date"])
    if not EARLIEST_DATE <= event_date <= LATEST_DATE:
        errors.append(FactsError("event_date", DATE_RANGE_MESSAGE))
    for index, member in enumerate(members):
        birth_date = date.fromisoformat(member["birth_date"])
        if not EARLIEST_DATE <= birth_date <= LATEST_DATE:
            errors.append(FactsError(f"members[{index}].birth_date", DATE_RANGE_MESSAGE))
        elif birth_date > event_date:
            errors.append(FactsError(f"members[{index}].birth_date", "birth date is after the event date"))
    for index, subject in enumerate(data.get("subject_member_ids", [])):
        if subject not in ids:
            errors.append(FactsError(f"subject_member_ids[{index}]", f"no member with id {subject!r}"))
    if data["event"] not in MOVE_EVENTS and not data.get("subject_member_ids") and data["event"] != "shussei":
        errors.append(
            FactsError("subject_member_ids", f"say which member the event {data['event']!r} is about")
        )
    if "moved_from" in data and data["event"] != "tennyu":
        errors.append(FactsError("moved_from", "moved_from is only for tennyu"))
    return errors


def _subjects(data: Mapping[str, Any], event_date: date) -> tuple[str, ...]:
    given = data.get("subject_member_ids")
    if given:
        return tuple(given)
    members = data["members"]
    if data["event"] in MOVE_EVENTS:
        return tuple(m["id"] for m in members)
    # shussei without subjects: the newborns are the children born on the event date
    return tuple(
        m["id"]
        for m in members
        if m["relationship"] in CHILD_ROLES and m["birth_date"] == event_date.isoformat()
    )


def read_facts(data: Any) -> Household:
    """Validate against household-facts/v1 and derive the facts. Raises InvalidFacts listing every error."""
    problems = schema_errors(_household_validator(), data)
    if problems:
        raise InvalidFacts([FactsError(path, message) for path, message in problems])
    semantic = _semantic_errors(data)
    if semantic:
        raise InvalidFacts(semantic)
    event = data["event"]
    event_date = date.fromisoformat(data["event_date"])
    subjects = _subjects(data, event_date)
    subject_set = frozenset(subjects)
    april_first = school_year_start(event_date)
    members: list[dict[str, Any]] = []
    for raw in data["members"]:
        birth = date.fromisoformat(raw["birth_date"])
        member = {key: value for key, value in raw.items() if key != "birth_date"}
        member.setdefault("nationality", "JP")
        member["birth_date"] = birth
        member["age"] = legal_age(birth, event_date)
        member["school_age"] = (
            legal_age(birth, april_first - timedelta(days=1)) if birth < april_first else -1
        )
        member["is_subject"] = raw["id"] in subject_set
        member["is_head"] = raw["relationship"] == "head"
        member["foreign"] = member["nationality"] != "JP"
        members.append(member)
    household = dict(data.get("household", {}))
    household["size"] = len(members)
    household["head_is_subject"] = any(m["is_head"] and m["is_subject"] for m in members)
    household["becomes_single_parent"] = _becomes_single_parent(event, members)
    event_facts: dict[str, Any] = {"event": event}
    if "moved_from" in data:
        event_facts["moved_from.kind"] = data["moved_from"]["kind"]
    return Household(event, event_date, event_facts, household, tuple(members), subjects)


def _becomes_single_parent(event: str, members: list[dict[str, Any]]) -> bool:
    """After a death of a parent or a divorce, one parent is left with a child of high-school age or under.

    Death: the deceased is the head or the spouse and the other survives. Divorce: the household at the
    counter keeps a child (one parent leaves it, whoever the subject is).
    """
    children = [
        m
        for m in members
        if not m["is_subject"]
        and m["relationship"] in CHILD_ROLES
        and m["school_age"] <= HIGH_SCHOOL_AGE_LIMIT
    ]
    if not children:
        return False
    if event == "rikon":
        return True
    if event != "shibou":
        return False
    leaving = any(m["is_subject"] and m["relationship"] in PARENT_ROLES for m in members)
    staying = any(not m["is_subject"] and m["relationship"] in PARENT_ROLES for m in members)
    return leaving and staying
