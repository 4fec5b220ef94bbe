"""The interview form's state: what the clerk has entered, turned into household facts and back.

Nothing is stored: the state travels in the POSTed form (never in the URL, which could reach logs).
Field names: `event_date`, `moved_from`, `m-<i>-<field>` per member, `m-<i>-f-<fact>` for answers about a
member, `h-<fact>` for answers about the household.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils.translation import get_language

from madoguchi.rules.facts import (
    FACTS,
    HOUSEHOLD_INPUT_FACTS,
    MEMBER_INPUT_FACTS,
    MOVE_EVENTS,
    Kind,
    labels,
)
from madoguchi.rules.household import settled_facts
from madoguchi.ui.languages import is_english

MAX_MEMBERS = 20
BOOL_VALUES = {"yes": True, "no": False}
SEXES = ("male", "female")


@dataclass
class MemberState:
    index: int
    label: str = ""
    relationship: str = ""
    birth_date: str = ""
    sex: str = ""  # "male", "female" or "" (not asked yet): settles facts (a man is not pregnant)
    subject: bool = False
    answers: dict[str, str] = field(default_factory=dict)  # fact key → raw form value
    errors: dict[str, str] = field(default_factory=dict)  # form field → message, after validation
    id: str = ""  # the member's id in a stored case (kept across the form); new members: m<index + 1>

    @property
    def member_id(self) -> str:
        return self.id or f"m{self.index + 1}"

    @property
    def display(self) -> str:
        """How the clerk named the member, else the relationship (世帯主, 子 …) and the member's number."""
        if self.label:
            return self.label
        language = get_language()
        relationship = labels("relationship", language).get(self.relationship, "")
        if not relationship:
            return self.member_id
        return (
            f"{relationship} ({self.member_id})"
            if is_english(language)
            else f"{relationship}（{self.member_id}）"
        )


@dataclass
class InterviewState:
    event: str
    event_date: str
    moved_from: str = ""
    members: list[MemberState] = field(default_factory=list)
    household: dict[str, str] = field(default_factory=dict)

    @property
    def is_move(self) -> bool:
        return self.event in MOVE_EVENTS

    def names(self) -> dict[str, str]:
        return {m.member_id: m.display for m in self.members}


def initial_state(event: str, today: date) -> InterviewState:
    first = MemberState(index=0, relationship="head", subject=event in MOVE_EVENTS)
    return InterviewState(event=event, event_date=today.isoformat(), members=[first])


def state_from_post(event: str, data: QueryDict) -> InterviewState:
    state = InterviewState(
        event=event,
        event_date=data.get("event_date", "").strip(),
        moved_from=data.get("moved_from", "").strip(),
    )
    indexes = sorted(
        {int(key.split("-")[1]) for key in data if key.startswith("m-") and key.split("-")[1].isdigit()}
    )
    for index in indexes[:MAX_MEMBERS]:
        prefix = f"m-{index}-"
        if data.get(prefix + "remove"):
            continue
        member = MemberState(
            index=index,
            label=data.get(prefix + "label", "").strip()[:40],
            relationship=data.get(prefix + "relationship", ""),
            birth_date=data.get(prefix + "birth_date", "").strip(),
            sex=data.get(prefix + "sex", "") if data.get(prefix + "sex", "") in SEXES else "",
            subject=data.get(prefix + "subject") == "on",
            id=_member_id(data.get(prefix + "id", "")),
        )
        for fact in MEMBER_INPUT_FACTS:
            value = data.get(f"{prefix}f-{fact.key}", "").strip()
            if value:
                member.answers[fact.key] = value
        state.members.append(member)
    for fact in HOUSEHOLD_INPUT_FACTS:
        value = data.get(f"h-{fact.key}", "").strip()
        if value:
            state.household[fact.key] = value
    drop_settled_answers(state)
    if data.get("add_member") and len(state.members) < MAX_MEMBERS:
        next_index = max((m.index for m in state.members), default=-1) + 1
        state.members.append(MemberState(index=next_index, subject=state.is_move))
    return state


def settled(member: MemberState, state: InterviewState) -> dict[str, bool]:
    """The facts the member's sex and age settle on the event's date: never asked (rules.household)."""
    return settled_facts(member.sex, _date(member.birth_date), _date(state.event_date))


def drop_settled_answers(state: InterviewState) -> None:
    """An answer that the person's sex or age settles is not kept (sent before the sex or date was known)."""
    for member in state.members:
        for key in settled(member, state):
            member.answers.pop(key, None)


def _member_id(raw: str) -> str:
    """A stored member's id as the form sends it back (household-facts/v1: letters, digits, - and _)."""
    raw = raw.strip()
    return raw if raw and len(raw) <= 8 and raw.replace("-", "").replace("_", "").isalnum() else ""


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _typed(kind: Kind, raw: str) -> Any:
    if kind is Kind.BOOL:
        return BOOL_VALUES.get(raw)
    if kind is Kind.INT:
        return int(raw) if raw.lstrip("-").isdigit() else raw
    return raw


def facts_from_state(state: InterviewState) -> dict[str, Any]:
    """household-facts/v1 data; values the clerk has not given are left out (unknown)."""
    facts: dict[str, Any] = {"event": state.event, "event_date": state.event_date, "members": []}
    if state.event == "tennyu" and state.moved_from:
        facts["moved_from"] = {"kind": state.moved_from}
    for member in state.members:
        entry: dict[str, Any] = {
            "id": member.member_id,
            "relationship": member.relationship,
            "birth_date": member.birth_date,
        }
        for key, raw in member.answers.items():
            value = _typed(FACTS[f"member.{key}"].kind, raw)
            if value is not None:
                entry[key] = value
        entry.update(settled(member, state))  # what the person's sex and age settle is never asked
        facts["members"].append(entry)
    subjects = [m.member_id for m in state.members if m.subject]
    if subjects:
        facts["subject_member_ids"] = subjects
    household = {key: _typed(FACTS[f"household.{key}"].kind, raw) for key, raw in state.household.items()}
    household = {key: value for key, value in household.items() if value is not None}
    if household:
        facts["household"] = household
    return facts
