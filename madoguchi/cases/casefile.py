"""A stored case as a case file (case-file/v1): the one format the forms renderer and the CLI read."""

from __future__ import annotations

from typing import Any

from madoguchi.cases import crypto
from madoguchi.cases.models import Case


def case_file(case: Case, *, with_my_numbers: bool) -> dict[str, Any]:
    people = list(case.people.all())
    data: dict[str, Any] = {
        "schema": "case-file/v1",
        "case_id": case.number,
        "office": case.office.code,
        "event": case.event,
        "event_date": case.event_date.isoformat(),
        "address": case.address,
        "members": [],
    }
    if case.previous_address:
        data["previous_address"] = case.previous_address
    if case.event == "tennyu" and case.moved_from_kind:
        moved_from: dict[str, str] = {"kind": case.moved_from_kind}
        if case.previous_address.get("municipality_code"):
            moved_from["municipality_code"] = case.previous_address["municipality_code"]
        data["moved_from"] = moved_from
    if case.contact_phone:
        data["contact"] = {"phone": case.contact_phone}
    if case.household_facts:
        data["household"] = case.household_facts
    if case.payment_account:
        data["bank_account"] = dict(case.payment_account)
    if case.funeral_date is not None:
        data["funeral_date"] = case.funeral_date.isoformat()
    subjects = [p.member_id for p in people if p.is_subject]
    if subjects:
        data["subject_member_ids"] = subjects
    notifier = next((p for p in people if p.is_notifier), None)
    if notifier is not None:
        data["notifier_member_id"] = notifier.member_id
    for person in people:
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
        if with_my_numbers and person.has_my_number:
            member["my_number"] = crypto.decrypt(person.my_number_encrypted)
        data["members"].append(member)
    return data


def household_facts(case: Case) -> dict[str, Any]:
    """The case's facts in household-facts/v1, for the navigator."""
    people = list(case.people.all())
    facts: dict[str, Any] = {
        "event": case.event,
        "event_date": case.event_date.isoformat(),
        "members": [person.member_facts(on=case.event_date) for person in people],
    }
    if case.event == "tennyu" and case.moved_from_kind:
        facts["moved_from"] = {"kind": case.moved_from_kind}
    subjects = [p.member_id for p in people if p.is_subject]
    if subjects:
        facts["subject_member_ids"] = subjects
    if case.household_facts:
        facts["household"] = case.household_facts
    return facts
