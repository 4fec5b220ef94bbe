"""A realistic submitted case (a move-in: a family of two on national health insurance, with a child),
made through the same actions as the counter: for the tests of every context, the benchmarks, and the
browser tests (through `madoguchi shell`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from madoguchi.cases.actions import (
    CaseDetails,
    PersonDetails,
    do_create_case,
    do_mark_ready_for_signature,
    do_save_case_details,
    do_submit_case,
)
from madoguchi.cases.casefile import household_facts
from madoguchi.cases.models import Case
from madoguchi.cases.signing import prepare, reception_date
from madoguchi.catalog.service import current_catalog
from madoguchi.rules.engine import make_plan


def person(
    member_id: str, relationship: str, given: str, born: date, sex: str, family: str = "港"
) -> PersonDetails:
    return PersonDetails(
        member_id=member_id,
        relationship=relationship,
        family_name=family,
        given_name=given,
        family_name_kana="ミナト",
        given_name_kana="ハナコ" if sex == "female" else "タロウ",
        birth_date=born,
        sex=sex,
        health_insurance="national",
    )


def make_submitted_case(clerk: Any, phone: str = "090-1234-5678", head_family_name: str = "港") -> Case:
    """A move-in filled in, every question answered "no", printed, signed and submitted by `clerk`."""
    case = do_create_case(clerk, office=clerk.office, event="tennyu", event_date=date(2026, 11, 20))
    people = [
        person("m1", "head", "花子", date(1990, 1, 1), "female", head_family_name),
        person("m2", "child", "太郎", date(2020, 5, 5), "male"),
    ]
    details = CaseDetails(
        event_date=date(2026, 11, 20),
        address={
            "postal_code": "2600013",
            "prefecture": "千葉県",
            "city": "みなと市中央区",
            "town": "港町",
        },
        previous_address={"prefecture": "東京都", "city": "千代田区", "town": "千代田1-1"},
        moved_from_kind="other_municipality",
        contact_phone=phone,
        household_facts={},
        people=people,
    )
    case = do_save_case_details(clerk, case, details)
    plan = make_plan(current_catalog(), household_facts(case))
    for _round in range(5):  # answer every open question "no" (a household with nothing special)
        if not plan.questions:
            break
        for question in plan.questions:
            value: Any = (
                False if question.kind == "bool" else (question.choices[0][0] if question.choices else 0)
            )
            name = question.fact.split(".", 1)[1]  # "household.car" → "car"
            if question.member_id is None:
                details.household_facts[name] = value
            else:
                next(p for p in people if p.member_id == question.member_id).facts[name] = value
        case = do_save_case_details(clerk, case, details)
        plan = make_plan(current_catalog(), household_facts(case))
    asked = {p.code: p for p in plan.procedures if p.status == "ask"}
    if asked:
        raise ValueError(f"the demo household still has open questions: {sorted(asked)}")
    return sign_and_submit(clerk, case)


def sign_and_submit(clerk: Any, case: Case, note: str = "") -> Case:
    """Print for signature, then submit what was printed (as the case page does), and return the case."""
    case = do_mark_ready_for_signature(clerk, case, prepare(case, received_on=reception_date(case)))
    do_submit_case(clerk, case, prepare(case, received_on=reception_date(case)), note=note)
    case.refresh_from_db()
    return case


def details_of(case: Case) -> CaseDetails:
    """The case's stored details, to change one thing and save them again (as the case page does)."""
    return CaseDetails(
        event_date=case.event_date,
        address=dict(case.address),
        previous_address=dict(case.previous_address),
        moved_from_kind=case.moved_from_kind,
        contact_phone=case.contact_phone,
        household_facts=dict(case.household_facts),
        people=[
            PersonDetails(
                member_id=p.member_id,
                relationship=p.relationship,
                family_name=p.family_name,
                given_name=p.given_name,
                family_name_kana=p.family_name_kana,
                given_name_kana=p.given_name_kana,
                birth_date=p.birth_date,
                sex=p.sex,
                is_subject=p.is_subject,
                is_notifier=p.is_notifier,
                health_insurance=p.health_insurance,
                facts=dict(p.facts),
            )
            for p in case.people.all()
        ],
        documents_checked=list(case.documents_checked),
    )
