"""Household facts → plan: every procedure the household needs for its life event, with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from madoguchi.rules.catalog import Catalog, Procedure, Rule
from madoguchi.rules.expressions import UNKNOWN, Context, compile_condition, conjuncts, render
from madoguchi.rules.facts import FACTS, Kind
from madoguchi.rules.household import Household, read_facts

REQUIRED = "required"
ASK = "ask"
# the reason of a procedure that waits for answers, in the catalog's three texts
ASK_REASON = (
    "確認が必要な事項があります",
    "Some questions need an answer first",
    "まだ わからない ことが あります。",
)


@dataclass(frozen=True)
class Question:
    """A fact the clerk should ask about, because its answer decides a procedure."""

    fact: str
    member_id: str | None
    text_ja: str
    text_en: str
    kind: str  # bool | enum | int | str
    choices: tuple[tuple[str, str], ...] = ()  # (value, Japanese label) for enums
    decides: tuple[str, ...] = ()  # procedure codes


@dataclass(frozen=True)
class PlannedProcedure:
    code: str
    name_ja: str
    name_en: str
    status: str  # required | ask
    member_ids: tuple[str, ...]
    reason: str
    department: str
    counter: str
    documents: tuple[str, ...]
    fee: int | None
    deadline: date | None
    deadline_note: str
    minutes: int
    order: int
    online: bool
    contractor_ok: bool
    reference_title: str
    reference_url: str
    questions: tuple[Question, ...] = ()
    ask_member_ids: tuple[str, ...] = ()  # members still undecided while others already need it
    # English of the catalog texts above ("" where the catalog has no translation yet)
    reason_en: str = ""
    documents_en: tuple[str, ...] = ()
    deadline_note_en: str = ""
    # やさしい日本語 (easy Japanese) of the same texts ("" where the catalog has none yet)
    name_easy: str = ""
    reason_easy: str = ""
    documents_easy: tuple[str, ...] = ()
    deadline_note_easy: str = ""
    # the legal basis in English and in やさしい日本語 ("" where the catalog has none)
    reference_title_en: str = ""
    reference_title_easy: str = ""


@dataclass(frozen=True)
class NotApplicable:
    code: str
    name_ja: str
    reason: str


@dataclass(frozen=True)
class Plan:
    event: str
    event_date: date
    catalog_version: str
    procedures: tuple[PlannedProcedure, ...]
    questions: tuple[Question, ...]
    not_applicable: tuple[NotApplicable, ...] = field(default_factory=tuple)

    @property
    def total_minutes(self) -> int:
        return sum(p.minutes for p in self.procedures if p.status == REQUIRED)

    def codes(self, status: str | None = None) -> list[str]:
        return [p.code for p in self.procedures if status is None or p.status == status]

    def as_json(self) -> dict[str, Any]:
        """The plan as JSON-ready data (the output of `madoguchi plan` and POST /api/v1/plans)."""
        data = _json_ready(self)
        data["total_minutes"] = self.total_minutes
        return data


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


# Values that are JSON as they are, by exact type: most of a plan's values, taken without a call each.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _json_ready(value: Any) -> Any:
    """Plain JSON data of a plan's parts: field by field, without `asdict`'s deep copy of every value.

    The plan is immutable and built of str, int, bool, None, dates, tuples and the dataclasses above, so
    nothing needs copying; dates become ISO strings, tuples lists, a question's choices value/label objects.
    """
    if type(value) in _PLAIN or isinstance(value, str | int | float):  # (and str or int subclasses)
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [v if type(v) in _PLAIN else _json_ready(v) for v in value]
    if isinstance(value, Question):
        data = {name: _json_ready(getattr(value, name)) for name in _field_names(Question)}
        data["choices"] = [{"value": v, "label": label} for v, label in value.choices]
        return data
    if is_dataclass(value) and not isinstance(value, type):
        return {
            name: v if type(v := getattr(value, name)) in _PLAIN else _json_ready(v)
            for name in _field_names(type(value))
        }
    if isinstance(value, dict):
        return {k: v if type(v) in _PLAIN else _json_ready(v) for k, v in value.items()}
    raise TypeError(f"a plan holds no {type(value).__name__}")


def _question(fact_name: str, member_id: str | None) -> Question:
    fact = FACTS[fact_name]
    who = member_id or ""
    return Question(
        fact=fact_name,
        member_id=member_id,
        text_ja=(fact.question_ja or f"{fact.label_ja}を確認してください").format(member=who),
        text_en=(fact.question_en or f"Please confirm: {fact.label_en}").format(member=who),
        kind=fact.kind.value,
        choices=tuple(fact.values.items()) if fact.kind is Kind.ENUM else (),
    )


def _why_not(rules: tuple[Rule, ...], ctx: Context) -> str:
    """Name the first condition that failed in the first rule, in plain words."""
    for part in conjuncts(rules[0].node):
        if compile_condition(part)(ctx) is False:
            return f"「{render(part)}」に当てはまらないため"
    return "条件に当てはまらないため"


def first_rule(procedure: Procedure, ctx: Context) -> tuple[Any, Rule | None]:
    """The first rule that holds, else UNKNOWN if one might, else False."""
    unknown = False
    for rule in procedure.rules:
        value = rule.evaluate(ctx)
        if value is True:
            return True, rule
        if value is UNKNOWN:
            unknown = True
    return (UNKNOWN if unknown else False), None


def make_plan(catalog: Catalog, facts: Household | Any, *, explain: bool = False) -> Plan:
    """Compute the plan. `facts` is a validated Household or raw household-facts/v1 data."""
    household = facts if isinstance(facts, Household) else read_facts(facts)
    ctx = Context(household.event_facts, household.household, household.members)
    planned: list[PlannedProcedure] = []
    not_applicable: list[NotApplicable] = []
    all_questions: dict[tuple[str, str | None], Question] = {}
    decided_by: dict[tuple[str, str | None], list[str]] = {}

    for procedure in catalog.by_event.get(household.event, ()):
        if not procedure.in_effect(household.event_date):
            continue
        ctx.missing = set()
        required_ids: list[str] = []
        ask_ids: list[str] = []
        deciding: Rule | None = None  # the rule that gives the reason
        if procedure.concerns == "member":
            for member in household.members:
                ctx.member = member
                value, rule = first_rule(procedure, ctx)
                if value is True and rule is not None:
                    required_ids.append(member["id"])
                    deciding = deciding or rule
                elif value is UNKNOWN:
                    ask_ids.append(member["id"])
            ctx.member = None
            decided = bool(required_ids)
            undecided = bool(ask_ids)
        else:
            value, rule = first_rule(procedure, ctx)
            decided = value is True
            undecided = value is UNKNOWN
            deciding = rule
            required_ids = list(household.subject_ids) if decided else []
        if not decided and not undecided:
            if explain:
                ctx.missing = set()
                if procedure.concerns == "member" and household.members:
                    ctx.member = household.members[0]
                not_applicable.append(
                    NotApplicable(procedure.code, procedure.name_ja, _why_not(procedure.rules, ctx))
                )
                ctx.member = None
            continue
        questions: list[Question] = []
        if undecided:
            for key in sorted(ctx.missing, key=lambda k: (k[1] or "", k[0])):
                question = all_questions.setdefault(key, _question(key[0], key[1]))
                decided_by.setdefault(key, []).append(procedure.code)
                questions.append(question)
        status = REQUIRED if decided else ASK
        member_ids = tuple(required_ids) if decided else tuple(ask_ids)
        count = len(member_ids) or 1
        planned.append(
            PlannedProcedure(
                code=procedure.code,
                name_ja=procedure.name_ja,
                name_en=procedure.name_en,
                status=status,
                member_ids=member_ids,
                reason=deciding.reason if decided and deciding else ASK_REASON[0],
                department=procedure.department,
                counter=procedure.counter,
                documents=procedure.documents,
                fee=procedure.fee,
                deadline=(
                    household.event_date + timedelta(days=procedure.deadline_days)
                    if procedure.deadline_days is not None
                    else None
                ),
                deadline_note=procedure.deadline_note,
                minutes=procedure.minutes_base + procedure.minutes_per_member * count,
                order=procedure.order,
                online=procedure.online,
                contractor_ok=procedure.contractor_ok,
                reference_title=procedure.reference.title,
                reference_url=procedure.reference.url,
                questions=tuple(questions),
                ask_member_ids=tuple(ask_ids) if decided else (),
                reason_en=deciding.reason_en if decided and deciding else ASK_REASON[1],
                documents_en=procedure.documents_en,
                deadline_note_en=procedure.deadline_note_en,
                name_easy=procedure.name_easy,
                reason_easy=deciding.reason_easy if decided and deciding else ASK_REASON[2],
                documents_easy=procedure.documents_easy,
                deadline_note_easy=procedure.deadline_note_easy,
                reference_title_en=procedure.reference.title_en,
                reference_title_easy=procedure.reference.title_easy,
            )
        )
    plan_questions = tuple(replace(q, decides=tuple(decided_by[key])) for key, q in all_questions.items())
    return Plan(
        event=household.event,
        event_date=household.event_date,
        catalog_version=catalog.version,
        procedures=tuple(planned),
        questions=plan_questions,
        not_applicable=tuple(not_applicable),
    )
