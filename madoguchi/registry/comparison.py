"""What the city's records say about a person named at the counter: the same comparison for a case and a
prepared visit, through the adapter (never the simulated rows directly)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from madoguchi.registry.adapter import ResidentRecord, registry


@dataclass(frozen=True)
class Comparison:
    """One person as entered, and the record found by katakana name and date of birth (or none)."""

    name: str
    record: ResidentRecord | None
    candidates: int  # records with that kana and birth date (more than one: ask which)
    differences: tuple[str, ...] = field(default_factory=tuple)  # field codes: name, status, support_measure


def compare(
    family_kana: str, given_kana: str, birth_date: date, family_name: str, given_name: str
) -> Comparison:
    if not (family_kana and given_kana):
        return Comparison(f"{family_name}\u3000{given_name}", None, 0)
    found = registry().find(family_kana=family_kana, given_kana=given_kana, birth_date=birth_date)
    record = found[0] if len(found) == 1 else None
    differences: list[str] = []
    if record is not None:
        if (record.family_name, record.given_name) != (family_name, given_name):
            differences.append("name")
        if record.status != "resident":
            differences.append("status")
        if record.support_measure:
            differences.append("support_measure")
    return Comparison(f"{family_name}\u3000{given_name}", record, len(found), tuple(differences))
