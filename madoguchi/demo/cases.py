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
    return fill_and_submit(clerk, case, people, phone=phone)


def bereavement_people() -> list[PersonDetails]:
    """A husband who received a public pension has died; his wife notifies (未支給年金 at 保険年金課)."""
    deceased = person("m1", "head", "一郎", date(1950, 3, 3), "male")
    deceased.health_insurance = "late_elderly"
    deceased.facts = {"receives_public_pension": True}
    wife = person("m2", "spouse", "花子", date(1953, 6, 6), "female")
    wife.health_insurance = "late_elderly"
    wife.is_subject = False
    wife.is_notifier = True
    return [deceased, wife]


def fill_and_submit(
    clerk: Any,
    case: Case,
    people: list[PersonDetails],
    phone: str = "090-1234-5678",
    payment_account: dict[str, str] | None = None,
) -> Case:
    """Fill `case` with `people` at the demo address, answer every open question "no" (facts already set
    on a person stay), print, sign and submit it."""
    details = CaseDetails(
        event_date=case.event_date,
        address={
            "postal_code": "2600013",
            "prefecture": "千葉県",
            "city": "みなと市中央区",
            "town": "港町",
        },
        previous_address=(
            {"prefecture": "東京都", "city": "千代田区", "town": "千代田1-1"}
            if case.event == "tennyu"
            else {}
        ),
        moved_from_kind="other_municipality" if case.event == "tennyu" else "",
        contact_phone=phone,
        household_facts={},
        people=people,
        payment_account=dict(payment_account or {}),
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
                previous_school=p.previous_school,
                facts=dict(p.facts),
            )
            for p in case.people.all()
        ],
        documents_checked=list(case.documents_checked),
        payment_account=dict(case.payment_account),
        funeral_date=case.funeral_date,
        language=case.language,
    )


def bereavement_handed_over(clerk: Any, to_queue: str = "hoken-nenkin") -> tuple[Case, Any]:
    """A visit at the bereavement counter (おくやみ窓口), through the counter's own actions: a ticket is
    issued and called, its case is filled in, signed and submitted, and the resident is handed over to
    `to_queue` with the case. Returns the case and the department's new ticket. The clerk's counter is
    closed again at the end."""
    from madoguchi.organization.models import Counter, Queue
    from madoguchi.reception.actions import (
        do_call_next,
        do_close_counter,
        do_issue_ticket,
        do_mark_no_show,
        do_open_case,
        do_open_counter,
        do_start_service,
        do_transfer,
    )
    from madoguchi.reception.models import Ticket

    queue = Queue.objects.get(office=clerk.office, code="okuyami")
    counter = Counter.objects.filter(queue=queue).order_by("pk").first()
    if counter is None:
        raise ValueError(f"{queue} has no counter")
    do_open_counter(clerk, counter=counter)
    ticket = do_issue_ticket(clerk, queue=queue, channel=Ticket.Channel.COUNTER, purpose="shibou")
    called = do_call_next(clerk, counter=counter)
    while called is not None and called.pk != ticket.pk:  # residents who came earlier and left
        do_mark_no_show(clerk, called, counter=counter)
        called = do_call_next(clerk, counter=counter)
    do_start_service(clerk, ticket, counter=counter)
    case = do_open_case(clerk, ticket, event="shibou", event_date=date(2026, 11, 20))
    case = fill_and_submit(clerk, case, bereavement_people())
    handed = do_transfer(
        clerk,
        ticket,
        counter=counter,
        to_queue=Queue.objects.get(office=clerk.office, code=to_queue),
        note="未支給年金の請求",
    )
    do_close_counter(clerk)
    return case, handed
