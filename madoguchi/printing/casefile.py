"""The case file (case-file/v1): validation with every error listed, and the household facts it implies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from madoguchi.identity import mynumber
from madoguchi.identity.errors import InvalidInput
from madoguchi.rules.household import InvalidFacts, read_facts
from madoguchi.rules.schemas import schema_errors

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "cases" / "schemas" / "case-file-v1.json"

# The member keys household-facts/v1 knows; the others (names, sex, 個人番号) are identity data.
FACT_MEMBER_KEYS = (
    "id",
    "relationship",
    "birth_date",
    "nationality",
    "health_insurance",
    "has_my_number_card",
    "has_seal_registration",
    "has_driving_licence",
    "care_certified",
    "disability_certificate",
    "pregnant",
    "has_maternal_handbook",
    "school",
    "receives_public_pension",
    "owns_real_estate",
    "child_allowance_recipient",
    "child_rearing_allowance_recipient",
    "was_employee_dependent",
)
JAPAN_ADDRESS_KEYS = ("postal_code", "prefecture", "city")
ADDRESS_KEYS = ("address", "previous_address", "next_address")


class CaseError(NamedTuple):
    """One problem with a case file, located by a path such as `members[1].birth_date`."""

    path: str
    message: str


class InvalidCase(Exception):
    def __init__(self, errors: list[CaseError]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))
        self.errors = errors


@dataclass(frozen=True)
class Address:
    town: str
    postal_code: str = ""
    prefecture: str = ""
    city: str = ""
    block: str = ""
    building: str = ""
    municipality_code: str = ""
    country: str = ""  # ISO 3166-1 alpha-2 for an address abroad; empty in Japan

    @property
    def abroad(self) -> bool:
        return self.country not in ("", "JP")

    @property
    def full(self) -> str:
        """As written on a form: 「千葉県みなと市中央区中央一丁目2番3号　山﨑ハイツ305」."""
        if self.abroad:
            return self.town
        line = f"{self.prefecture}{self.city}{self.town}{self.block}"
        return f"{line}　{self.building}" if self.building else line


@dataclass(frozen=True)
class Member:
    id: str
    relationship: str
    family_name: str
    given_name: str
    birth_date: date
    sex: str
    family_name_kana: str = ""
    given_name_kana: str = ""
    name_roman: str = ""
    nationality: str = "JP"
    my_number: str = ""
    previous_school: str = ""  # 前の学校名, for a child who changes schools
    facts: Mapping[str, Any] = field(default_factory=dict)  # the other household-facts keys as given

    @property
    def foreign(self) -> bool:
        return self.nationality != "JP"


ACCOUNT_KINDS = {"ordinary": "普通", "current": "当座"}


@dataclass(frozen=True)
class BankAccount:
    """振込先口座: where an allowance is paid (the claimant's own account)."""

    bank: str
    branch: str
    kind: str  # ordinary | current
    number: str
    holder_kana: str

    @property
    def bank_branch(self) -> str:
        return f"{self.bank}　{self.branch}"

    @property
    def kind_and_number(self) -> str:
        return f"{ACCOUNT_KINDS[self.kind]}　{self.number}"


@dataclass(frozen=True)
class Case:
    """A validated case file. `data` is the file as given (JSON-ready)."""

    data: Mapping[str, Any] = field(repr=False)
    event: str
    event_date: date
    received_on: date | None
    address: Address
    members: tuple[Member, ...]
    notifier_id: str
    subject_ids: tuple[str, ...]
    previous_address: Address | None = None
    next_address: Address | None = None
    case_id: str = ""
    office: str = ""
    phone: str = ""
    email: str = ""
    procedures: tuple[str, ...] | None = None
    bank_account: BankAccount | None = None
    funeral_date: date | None = None  # 葬儀を行った日

    def member(self, member_id: str) -> Member:
        for member in self.members:
            if member.id == member_id:
                return member
        raise KeyError(member_id)

    @property
    def notifier(self) -> Member:
        return self.member(self.notifier_id)

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.relationship == "head"), None)


def semantic_errors(data: Mapping[str, Any]) -> list[CaseError]:
    errors: list[CaseError] = []
    members = data["members"]
    ids = [m["id"] for m in members]
    for index, member_id in enumerate(ids):
        if ids.index(member_id) != index:
            errors.append(CaseError(f"members[{index}].id", f"duplicate member id {member_id!r}"))
    notifier = data.get("notifier_member_id")
    if notifier is not None and notifier not in ids:
        errors.append(CaseError("notifier_member_id", f"no member with id {notifier!r}"))
    for index, subject in enumerate(data.get("subject_member_ids", [])):
        if subject not in ids:
            errors.append(CaseError(f"subject_member_ids[{index}]", f"no member with id {subject!r}"))
    for key in ADDRESS_KEYS:
        address = data.get(key)
        if address is None or address.get("country", "JP") != "JP":
            continue
        # The household's address in the city is complete; a previous or next address may lack the postal
        # code (residents often do not know it), but never the prefecture and municipality.
        needed = (
            JAPAN_ADDRESS_KEYS
            if key == "address"
            else tuple(p for p in JAPAN_ADDRESS_KEYS if p != "postal_code")
        )
        errors.extend(
            CaseError(f"{key}.{part}", f"a Japanese address needs {part} (or give `country` for one abroad)")
            for part in needed
            if not address.get(part)
        )
    for index, member in enumerate(members):
        if "my_number" in member:
            try:
                mynumber.validate(member["my_number"])
            except InvalidInput as error:
                errors.append(CaseError(f"members[{index}].my_number", error.message))
    return errors


def household_facts(case: Case | Mapping[str, Any]) -> dict[str, Any]:
    """The case as household-facts/v1: the facts the navigator plans from, without identity data."""
    data = case.data if isinstance(case, Case) else case
    facts: dict[str, Any] = {
        "schema": "household-facts/v1",
        "event": data["event"],
        "event_date": data["event_date"],
        "members": [{k: m[k] for k in FACT_MEMBER_KEYS if k in m} for m in data["members"]],
    }
    for key in ("moved_from", "subject_member_ids", "household"):
        if key in data:
            facts[key] = json.loads(json.dumps(data[key]))
    return facts


def _address(data: Mapping[str, Any]) -> Address:
    return Address(**{key: str(value) for key, value in data.items()})


def read_case(data: Any) -> Case:
    """Validate against case-file/v1 and its semantic rules. Raises InvalidCase listing every error."""
    problems = schema_errors(SCHEMA_PATH, data)
    if problems:
        raise InvalidCase([CaseError(path, message) for path, message in problems])
    errors = semantic_errors(data)
    facts = household_facts(data)
    try:
        household = read_facts(facts)
    except InvalidFacts as error:
        seen = {path for path, _ in errors}
        errors += [CaseError(e.path, e.message) for e in error.errors if e.path not in seen]
        raise InvalidCase(errors) from error
    if errors:
        raise InvalidCase(errors)
    members = tuple(
        Member(
            id=m["id"],
            relationship=m["relationship"],
            family_name=m["family_name"],
            given_name=m["given_name"],
            birth_date=date.fromisoformat(m["birth_date"]),
            sex=m["sex"],
            family_name_kana=m.get("family_name_kana", ""),
            given_name_kana=m.get("given_name_kana", ""),
            name_roman=m.get("name_roman", ""),
            nationality=m.get("nationality", "JP"),
            my_number=m.get("my_number", ""),
            previous_school=m.get("previous_school", ""),
            facts={k: v for k, v in m.items() if k in FACT_MEMBER_KEYS},
        )
        for m in data["members"]
    )
    head = next((m.id for m in members if m.relationship == "head"), members[0].id)
    contact = data.get("contact", {})
    return Case(
        data=data,
        event=data["event"],
        event_date=date.fromisoformat(data["event_date"]),
        received_on=date.fromisoformat(data["received_on"]) if "received_on" in data else None,
        address=_address(data["address"]),
        members=members,
        notifier_id=data.get("notifier_member_id", head),
        subject_ids=household.subject_ids,
        previous_address=_address(data["previous_address"]) if "previous_address" in data else None,
        next_address=_address(data["next_address"]) if "next_address" in data else None,
        case_id=data.get("case_id", ""),
        office=data.get("office", ""),
        phone=contact.get("phone", ""),
        email=contact.get("email", ""),
        procedures=tuple(data["procedures"]) if "procedures" in data else None,
        bank_account=BankAccount(**data["bank_account"]) if "bank_account" in data else None,
        funeral_date=date.fromisoformat(data["funeral_date"]) if "funeral_date" in data else None,
    )
