"""Household types (life event × size) and the work each one brings to the counters.

A household type's procedures come from the navigator's rules (`make_plan`) applied to a typical household of
that size; the counter minutes come from the catalog and the handwritten entries from the form definitions.
The table is computed once per catalog, so the simulation's hot loop never calls the rules engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from madoguchi.printing.forms import Check, Field, FormDefinition, FormLibrary
from madoguchi.rules.catalog import Catalog, CatalogError
from madoguchi.rules.engine import REQUIRED, make_plan
from madoguchi.rules.household import InvalidFacts
from madoguchi.simulator.parameters import Timings

CERTIFICATE = "certificate"  # a visit for one certificate (住民票の写し等) at the certificate counter
CERTIFICATE_QUEUE = "shomei"
CERTIFICATE_PROCEDURE = "juminhyo-utsushi"  # the certificate a certificate visit asks for
ONE_STOP = "one_stop"
DEPARTMENT = "department"
REFERENCE_DATE = date(2026, 6, 2)  # event date of the typical households: an ordinary month
MAX_SIZE = 6

# A generic paper application when the catalog has no form definition for a procedure (assumption):
# the applicant block (address, name, furigana, phone, date, signature) and name, furigana and birth date
# of each member concerned.
GENERIC_FORM_ENTRIES = 6
GENERIC_FORM_ENTRIES_PER_MEMBER = 3


@dataclass(frozen=True)
class Member:
    """One member of a typical household, added in a fixed order as the household grows."""

    relationship: str
    age: int
    health_insurance: str
    school: str = "none"


# The typical household of size n is the first n of these: a couple, two children, a grandparent, a child.
# Size 3 is the Chiba report's 平均的な世帯 (夫婦と子供1人).
TYPICAL_MEMBERS = (
    Member("head", 41, "national"),
    Member("spouse", 39, "national"),
    Member("child", 9, "national", "elementary"),
    Member("child", 13, "national", "junior_high"),
    Member("parent", 76, "late_elderly"),
    Member("child", 5, "national", "kindergarten"),
)


@dataclass(frozen=True)
class Work:
    """One required procedure of a household type, as the counters see it."""

    code: str
    department: str
    counter: str  # one_stop | department (external procedures happen elsewhere)
    minutes: float  # catalog counter minutes for the members concerned
    entries: int  # handwritten entries on its paper form
    index: int  # position in the household's draws of service-time variability
    names: int = 0  # of those entries, the names written (a name's furigana is not counted again)


@dataclass(frozen=True)
class HouseholdType:
    event: str
    size: int
    works: tuple[Work, ...]
    label: str = ""  # a household described by its facts: where it came from (a file and line)
    undecided: tuple[str, ...] = ()  # procedures its facts leave open (a question unanswered): not simulated

    @property
    def key(self) -> str:
        return f"{self.event}-{self.size}"

    @property
    def catalog_minutes(self) -> float:
        return sum(work.minutes for work in self.works)

    @property
    def handwritten_entries(self) -> int:
        return sum(work.entries for work in self.works)

    @property
    def handwritten_names(self) -> int:
        return sum(work.names for work in self.works)


@dataclass(frozen=True)
class HouseholdTable:
    """Every household type the simulation can draw, with its work precomputed."""

    catalog_version: str
    types: tuple[HouseholdType, ...]

    def find(self, event: str, size: int) -> HouseholdType:
        for kind in self.types:
            if kind.event == event and kind.size == size:
                return kind
        raise KeyError(f"{event}-{size}")

    def index(self, event: str, size: int) -> int:
        return self.types.index(self.find(event, size))

    def with_types(self, extra: Iterable[HouseholdType]) -> tuple[HouseholdTable, tuple[int, ...]]:
        """This table with `extra` types appended (households given by their facts), and their indexes."""
        added = tuple(extra)
        first = len(self.types)
        return (
            HouseholdTable(self.catalog_version, self.types + added),
            tuple(range(first, first + len(added))),
        )


def typical_facts(event: str, size: int, on: date = REFERENCE_DATE) -> dict[str, Any]:
    """household-facts/v1 of the typical household of `size` for `event`, every fact answered."""
    chosen = list(TYPICAL_MEMBERS[:size])
    members: list[dict[str, Any]] = []
    for number, member in enumerate(chosen, start=1):
        members.append(
            {
                "id": f"m{number}",
                "relationship": member.relationship,
                "birth_date": (on - timedelta(days=member.age * 365 + 100)).isoformat(),
                "health_insurance": member.health_insurance,
                "school": member.school,
                "nationality": "JP",
                "has_my_number_card": True,
                "has_seal_registration": False,
                "has_driving_licence": False,
                "care_certified": False,
                "disability_certificate": False,
                "pregnant": False,
                "has_maternal_handbook": False,
                "receives_public_pension": member.age >= 65,
                "owns_real_estate": False,
                "child_allowance_recipient": False,
                "child_rearing_allowance_recipient": False,
                "was_employee_dependent": False,
            }
        )
    facts: dict[str, Any] = {
        "event": event,
        "event_date": on.isoformat(),
        "members": members,
        "household": {
            "single_parent": False,
            "dog": False,
            "light_motorbike": False,
            "car": False,
            "receives_public_assistance": False,
        },
    }
    if event == "tennyu":
        facts["moved_from"] = {"kind": "other_municipality", "municipality_code": "131016"}
    subjects = _subjects(event, members, on)
    if subjects:
        facts["subject_member_ids"] = subjects
    return facts


def _subjects(event: str, members: list[dict[str, Any]], on: date) -> list[str]:
    ids = [member["id"] for member in members]
    if event == "shussei":
        newborn = members[-1]
        newborn["birth_date"] = on.isoformat()
        newborn["school"] = "none"
        if newborn["relationship"] != "head":
            newborn["relationship"] = "child"
        return [newborn["id"]]
    if event == "shibou":
        return [min(members, key=lambda member: str(member["birth_date"]))["id"]]  # the eldest
    if event == "ninshin":
        pregnant = members[1] if len(members) > 1 else members[0]
        pregnant["pregnant"] = True
        return [pregnant["id"]]
    if event in {"konin", "rikon"}:
        return ids[1:2] or ids[:1]
    if event in {"shaho_kanyu", "shaho_soshitsu"}:
        return ids[:1]
    return []


def handwritten_entries(form: FormDefinition | None, members: int) -> int:
    """Entries a resident writes by hand on the paper form for `members` people, signature included."""
    if form is None:
        return GENERIC_FORM_ENTRIES + GENERIC_FORM_ENTRIES_PER_MEMBER * members
    entries = 1 if form.signed else 0
    for section in form.sections:
        for item in section.items:
            if item.handwritten:
                entries += 1 if isinstance(item, Check) else 1 + (item.furigana is not None)
        if section.table is not None:
            per_row = sum(
                1 + (column.furigana is not None) for column in section.table.columns if column.handwritten
            )
            entries += per_row * members
    return entries


def handwritten_names(form: FormDefinition | None, members: int) -> int:
    """Names a resident writes by hand on the paper form for `members` people: every handwritten field
    whose value is a person's name (the notifier, the head of household, each member of a table)."""
    if form is None:
        return 1 + members  # the applicant, and each member concerned
    names = sum(
        1
        for section in form.sections
        for item in section.items
        if isinstance(item, Field) and item.handwritten and _is_name(item.label, item.path)
    )
    for section in form.sections:
        if section.table is not None:
            per_row = sum(
                1 for column in section.table.columns if column.handwritten and _is_name(column.label)
            )
            names += per_row * members
    return names


def _is_name(label: str, path: str = "") -> bool:
    return "氏名" in label or path.rsplit(".", 1)[-1] == "name"


def household_type(catalog: Catalog, forms: FormLibrary, event: str, size: int) -> HouseholdType:
    """The required procedures of the typical household, with counter minutes and handwritten entries."""
    return household_from_facts(catalog, forms, typical_facts(event, size))


def household_from_facts(
    catalog: Catalog, forms: FormLibrary, facts: Mapping[str, Any], label: str = ""
) -> HouseholdType:
    """Any household described in household-facts/v1: the procedures the rules require of it, as the
    counters see them. Procedures the facts leave open are listed in `undecided`, not simulated; external
    procedures (police, vehicle registration) happen elsewhere and are left out.

    Raises InvalidFacts (naming each field) when the facts do not validate."""
    plan = make_plan(catalog, dict(facts))
    works: list[Work] = []
    undecided: list[str] = []
    for planned in plan.procedures:
        if planned.counter not in {ONE_STOP, DEPARTMENT}:
            continue
        if planned.status != REQUIRED:
            undecided.append(planned.code)
            continue
        members = len(planned.member_ids) or 1
        works.append(
            Work(
                code=planned.code,
                department=planned.department,
                counter=planned.counter,
                minutes=float(planned.minutes),
                entries=handwritten_entries(forms.for_procedure(planned.code), members),
                index=len(works),
                names=handwritten_names(forms.for_procedure(planned.code), members),
            )
        )
    size = len(facts.get("members") or ())
    return HouseholdType(str(facts.get("event")), size, tuple(works), label, tuple(undecided))


def with_measured_minutes(
    kind: HouseholdType, measured: Mapping[str, float], timings: Timings
) -> HouseholdType:
    """The household with the counter minutes its office measured (`measured`: each procedure's minutes at
    the one-stop counter, from the recorded tickets and signed plans) in place of the catalog's.

    The model's minutes of a procedure after the change are its work minutes × the catalog scale × the
    one-stop share, plus the explanation of its printed form, at the one-stop counter; × the catalog scale
    × the pre-filled share at a department. Each measured procedure's work minutes are set so that the model
    gives the measured minutes after the change; before the change, the same work is done at its
    department without the shares. Procedures without a measured figure keep the catalog's minutes."""
    works = []
    for work in kind.works:
        found = measured.get(work.code)
        if found is None:
            works.append(work)
            continue
        if work.counter == ONE_STOP:
            minutes = max(0.0, found - timings.form_review) / (
                timings.catalog_factor * timings.one_stop_factor
            )
        else:
            minutes = found / (timings.catalog_factor * timings.prefilled_factor)
        works.append(replace(work, minutes=minutes))
    return replace(kind, works=tuple(works))


def with_measured_table(
    table: HouseholdTable, measured: Mapping[str, float], timings: Timings
) -> HouseholdTable:
    """Every household type of `table` with the office's measured minutes (`with_measured_minutes`)."""
    types = tuple(with_measured_minutes(kind, measured, timings) for kind in table.types)
    return HouseholdTable(table.catalog_version, types)


def certificate_type(
    catalog: Catalog, forms: FormLibrary, code: str = CERTIFICATE_PROCEDURE
) -> HouseholdType:
    """A visit for one certificate: one procedure at the certificate counter, the same in both designs."""
    procedure = catalog.procedure(code)
    work = Work(
        code=code,
        department=CERTIFICATE_QUEUE,
        counter=DEPARTMENT,
        minutes=float(procedure.minutes_base),
        entries=handwritten_entries(forms.for_procedure(code), 1),
        index=0,
        names=handwritten_names(forms.for_procedure(code), 1),
    )
    return HouseholdType(CERTIFICATE, 1, (work,))


def build_table(
    catalog: Catalog, forms: FormLibrary, events: Iterable[str], sizes: Iterable[int] = range(1, MAX_SIZE + 1)
) -> HouseholdTable:
    """Every (event, size) the rules accept, plus the certificate visit."""
    types = [certificate_type(catalog, forms)]
    for event in events:
        for size in sizes:
            try:
                kind = household_type(catalog, forms, event, size)
            except (InvalidFacts, CatalogError, ValueError):
                continue  # e.g. a birth needs a parent and the newborn
            if kind.works:
                types.append(kind)
    return HouseholdTable(catalog.version, tuple(types))


def shares_by_key(
    table: HouseholdTable, event_shares: Mapping[str, float], size_shares: Mapping[int, float]
) -> dict[str, float]:
    """Share of visits of each household type; the sizes an event does not allow are left out."""
    shares: dict[str, float] = {}
    for event, event_share in event_shares.items():
        kinds = [kind for kind in table.types if kind.event == event]
        total = sum(size_shares.get(kind.size, 0.0) for kind in kinds)
        for kind in kinds:
            if total > 0:
                shares[kind.key] = event_share * size_shares.get(kind.size, 0.0) / total
    return shares
