"""A preparation as the case page's form: every value of the record put where the clerk would have typed it,
and read back through the same validators (cases/entry.py), so a prepared case holds exactly what a typed one
would. Each form field also knows the door its value came through, for the clerk's confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from madoguchi.cases.actions import CaseDetails
from madoguchi.cases.entry import (
    ACCOUNT_PARTS,
    ADDRESS_PARTS,
    PERSON_FACTS,
    PERSON_FIELDS,
    Entry,
    read_entry,
    values_from_case_file,
)
from madoguchi.cases.models import Case
from madoguchi.preparation.record import new_record, pointer, source_of


def field_pointers(record: Mapping[str, Any]) -> dict[str, str]:
    """Case form field name → JSON Pointer of the record's value it shows (only values the record has)."""
    fields: dict[str, str] = {"event_date": "/event_date"}
    if "moved_from" in record:
        fields["moved_from"] = "/moved_from/kind"
    if "phone" in record.get("contact", {}):
        fields["contact_phone"] = "/contact/phone"
    if "funeral_date" in record:
        fields["funeral_date"] = "/funeral_date"
    for part in ACCOUNT_PARTS:
        if part in record.get("bank_account", {}):
            fields[f"bank-{part}"] = pointer("bank_account", part)
    for prefix, key in (("addr", "address"), ("prev", "previous_address")):
        address = record.get(key, {})
        for part in ADDRESS_PARTS:
            if part in address:
                fields[f"{prefix}-{part}"] = pointer(key, part)
        if "municipality_code" in address:
            fields[f"{prefix}-municipality"] = pointer(key, "municipality_code")
    for key in record.get("household", {}):
        fields[f"h-{key}"] = pointer("household", key)
    facts = {f.key for f in PERSON_FACTS}
    for index, member in enumerate(record["members"]):
        for name in PERSON_FIELDS:
            if name in member:
                fields[f"p-{index}-{name}"] = pointer("members", index, name)
        for key in member:
            if key in facts:
                fields[f"p-{index}-f-{key}"] = pointer("members", index, key)
    return fields


def field_sources(record: Mapping[str, Any]) -> dict[str, str]:
    """Case form field name → the door its value came through (resident, mynaportal_…, clerk)."""
    return {name: source_of(record, path) for name, path in field_pointers(record).items()}


def entry_from_record(case: Case, record: Mapping[str, Any]) -> Entry:
    """The record read as if the clerk had typed it on `case`'s page: `entry.details` when every value
    passes, else `entry.errors` naming each field to correct with the resident."""
    return read_entry(case, values_from_case_file(record))


OPTIONAL_PERSON_FIELDS = (
    "family_name_kana",
    "given_name_kana",
    "name_roman",
    "health_insurance",
    "previous_school",
)


def record_from_details(
    details: CaseDetails, *, event: str, draft_id: str, language: str, visit: Mapping[str, str]
) -> dict[str, Any]:
    """What the case page's validators accepted, as a preparation/v1 record from the resident's phone."""
    data = new_record(event, details.event_date.isoformat(), source="resident", language=language)
    data["id"] = draft_id
    if visit:
        data["visit"] = dict(visit)
    if details.address:
        data["address"] = dict(details.address)
    if details.previous_address:
        data["previous_address"] = dict(details.previous_address)
    if details.moved_from_kind:
        moved: dict[str, str] = {"kind": details.moved_from_kind}
        if details.previous_address.get("municipality_code"):
            moved["municipality_code"] = details.previous_address["municipality_code"]
        data["moved_from"] = moved
    if details.contact_phone:
        data["contact"] = {"phone": details.contact_phone}
    if details.household_facts:
        data["household"] = dict(details.household_facts)
    if details.payment_account:
        data["bank_account"] = dict(details.payment_account)
    if details.funeral_date:
        data["funeral_date"] = details.funeral_date.isoformat()
    for person in details.people:
        member: dict[str, Any] = {
            "id": person.member_id,
            "relationship": person.relationship,
            "family_name": person.family_name,
            "given_name": person.given_name,
            "sex": person.sex,
            "birth_date": person.birth_date.isoformat(),
            "nationality": person.nationality,
        }
        for name in (
            "family_name_kana",
            "given_name_kana",
            "name_roman",
            "health_insurance",
            "previous_school",
        ):
            if getattr(person, name):
                member[name] = getattr(person, name)
        member.update(person.facts)
        data["members"].append(member)
    data["subject_member_ids"] = [p.member_id for p in details.people if p.is_subject]
    notifier = next((p.member_id for p in details.people if p.is_notifier), None)
    if notifier:
        data["notifier_member_id"] = notifier
    return data
