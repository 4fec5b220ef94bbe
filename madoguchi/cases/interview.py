"""The life-event navigator as the case's interview: a case's people and facts as the navigator's form
state, and the navigator's answers back as the case's details (each fact entered once, wherever it was).

A navigator member is the case's person with the same id; a member added in the navigator becomes a person
whose name and sex the case page asks next; a member removed there is removed from the case. Names, kana,
My Numbers, addresses and the bank account are the case page's and stay as they are.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from madoguchi.cases.actions import CaseDetails, PersonDetails
from madoguchi.cases.models import Case, Person
from madoguchi.navigator.interview import (
    SEXES,
    InterviewState,
    MemberState,
    drop_settled_answers,
    facts_from_state,
)
from madoguchi.rules.facts import FACTS, HOUSEHOLD_INPUT_FACTS, MEMBER_INPUT_FACTS, MOVE_EVENTS

# navigator answers that are a person's own fields on the case, not entries of Person.facts
PERSON_FIELDS = {"health_insurance", "nationality", "relationship"}
ANSWERABLE = {f.key for f in MEMBER_INPUT_FACTS} - PERSON_FIELDS


class InterviewNotReady(Exception):
    """The interview cannot be stored as it stands (a date missing); `message` says what to enter."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _raw(value: Any) -> str:
    return {True: "yes", False: "no"}.get(value, str(value)) if value is not None else ""


def state_from_case(case: Case) -> InterviewState:
    """The case as the navigator's form: its people (named), their answers, the household's answers."""
    state = InterviewState(
        event=case.event, event_date=case.event_date.isoformat(), moved_from=case.moved_from_kind
    )
    for index, person in enumerate(case.people.all()):
        member = MemberState(
            index=index,
            id=person.member_id,
            label=f"{person.family_name} {person.given_name}".strip(),
            relationship=person.relationship,
            birth_date=person.birth_date.isoformat() if person.birth_date != date.min else "",
            sex=person.sex if person.sex in SEXES else "",
            subject=person.is_subject,
        )
        for key, value in person.facts.items():
            if key in ANSWERABLE:
                member.answers[key] = _raw(value)
        if person.health_insurance:
            member.answers["health_insurance"] = person.health_insurance
        if person.nationality and person.nationality != "JP":
            member.answers["nationality"] = person.nationality
        state.members.append(member)
    if not state.members:  # a new case: the first person to ask about, as the navigator starts
        state.members.append(MemberState(index=0, relationship="head", subject=case.event in MOVE_EVENTS))
    settle(state, case)
    household = {f.key for f in HOUSEHOLD_INPUT_FACTS}
    state.household = {key: _raw(value) for key, value in case.household_facts.items() if key in household}
    return state


def settle(state: InterviewState, case: Case) -> InterviewState:
    """Give each member that is a stored person their name (when the form has none) and sex (when the form has
    none), and drop the answers their sex and age settle (never asked)."""
    stored = {p.member_id: p for p in case.people.all()}
    for member in state.members:
        person = stored.get(member.member_id)
        if person is not None:
            member.label = member.label or f"{person.family_name} {person.given_name}".strip()
            # the sex the interview shows (a clerk may have corrected it there), else the stored one
            member.sex = member.sex or (person.sex if person.sex in SEXES else "")
    drop_settled_answers(state)
    return state


def check_interview(state: InterviewState) -> date:
    """The interview's event date, once every date it needs is there. Raises InterviewNotReady naming
    what to enter (the person by name or relationship)."""
    try:
        event_date = date.fromisoformat(state.event_date)
    except ValueError as error:
        raise InterviewNotReady(_("届出の事由が生じた日を入力してください。")) from error
    for member in state.members:
        try:
            date.fromisoformat(member.birth_date)
        except ValueError as error:
            raise InterviewNotReady(
                _("%(who)s：生年月日を入力してください。") % {"who": member.display}
            ) from error
    return event_date


def details_from_interview(case: Case, state: InterviewState) -> CaseDetails:
    """The case's details with the interview's answers in them. Raises InterviewNotReady."""
    event_date = check_interview(state)
    facts = facts_from_state(state)
    by_id = {m["id"]: m for m in facts["members"]}
    stored = {p.member_id: p for p in case.people.all()}
    people: list[PersonDetails] = []
    for member in state.members:
        answers = by_id[member.member_id]
        birth_date = date.fromisoformat(member.birth_date)
        person = stored.get(member.member_id)
        base = (
            _person_details(person)
            if person is not None
            else PersonDetails(
                member_id=member.member_id,
                relationship="",
                family_name="",
                given_name="",
                birth_date=birth_date,
                sex="",
            )
        )
        person_facts = {k: v for k, v in base.facts.items() if k not in ANSWERABLE}
        person_facts.update({k: v for k, v in answers.items() if k in ANSWERABLE})
        people.append(
            replace(
                base,
                relationship=member.relationship,
                birth_date=birth_date,
                sex=member.sex or base.sex,
                is_subject=member.subject,
                health_insurance=str(answers.get("health_insurance", base.health_insurance)),
                nationality=str(answers.get("nationality", base.nationality or "JP")),
                facts=person_facts,
            )
        )
    household = facts.get("household", {})
    return CaseDetails(
        event_date=event_date,
        address=dict(case.address),
        previous_address=dict(case.previous_address),
        moved_from_kind=state.moved_from if case.event == "tennyu" else "",
        contact_phone=case.contact_phone,
        household_facts={k: v for k, v in household.items() if f"household.{k}" in FACTS},
        people=people,
        documents_checked=list(case.documents_checked),
        payment_account=dict(case.payment_account),
        funeral_date=case.funeral_date,
        language=case.language,
    )


def _person_details(person: Person) -> PersonDetails:
    return PersonDetails(
        member_id=person.member_id,
        relationship=person.relationship,
        family_name=person.family_name,
        given_name=person.given_name,
        family_name_kana=person.family_name_kana,
        given_name_kana=person.given_name_kana,
        name_roman=person.name_roman,
        birth_date=person.birth_date,
        sex=person.sex,
        nationality=person.nationality,
        is_subject=person.is_subject,
        is_notifier=person.is_notifier,
        health_insurance=person.health_insurance,
        previous_school=person.previous_school,
        facts=dict(person.facts),
    )
