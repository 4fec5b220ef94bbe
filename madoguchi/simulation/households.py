"""Households described by their facts (household-facts/v1), followed through an office before and after.

Read from a file of one JSON object or of JSON lines (one household a line); each household's plan comes
from the navigator's rules, as at the counter. Used by `madoguchi simulate household` and the simulation
page."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from madoguchi.printing.forms import load_forms
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from madoguchi.rules.household import InvalidFacts
from madoguchi.simulator import OfficeConfig, default_table
from madoguchi.simulator.households import (
    HouseholdTable,
    HouseholdType,
    household_from_facts,
    with_measured_minutes,
    with_measured_table,
)
from madoguchi.simulator.reports import FollowReport
from madoguchi.simulator.runs import REFERENCE_DAY, Progress, business_days, follow

MAX_HOUSEHOLDS = 50
DESIGN_NAMES = {"before": "導入前", "after": "導入後"}


class FactsFileError(ValueError):
    """A facts file that cannot be simulated: where and why, in one line."""


@cache
def _catalog() -> Catalog:
    return load_catalog(DEFAULT_CATALOG_DIR)


def read_facts_file(path: str) -> list[HouseholdType]:
    """The households of a file: one JSON object, or JSON lines; `-` reads standard input."""
    if path == "-":
        text, name = sys.stdin.read(), "stdin"
    else:
        name = Path(path).name
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise FactsFileError(f"{path}: no such file") from error
        except (OSError, UnicodeDecodeError) as error:
            raise FactsFileError(f"{path}: cannot be read as UTF-8 text ({error})") from error
    return households_from_text(text, name)


def households_from_text(text: str, name: str = "facts") -> list[HouseholdType]:
    documents: list[tuple[str, Any]] = []
    stripped = text.strip()
    if not stripped:
        raise FactsFileError(f"{name}: empty: give one household (a JSON object) or JSON lines")
    try:
        documents.append((name, json.loads(stripped)))
    except json.JSONDecodeError:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                documents.append((f"{name}:{number}", json.loads(line)))
            except json.JSONDecodeError as error:
                raise FactsFileError(f"{name} line {number}: not JSON ({error.msg})") from error
    if len(documents) > MAX_HOUSEHOLDS:
        raise FactsFileError(f"{name}: {len(documents)} households; at most {MAX_HOUSEHOLDS} at a time")
    forms = load_forms()
    households = []
    for label, facts in documents:
        if not isinstance(facts, dict):
            raise FactsFileError(f"{label}: a household is a JSON object (household-facts/v1)")
        try:
            households.append(household_from_facts(_catalog(), forms, facts, label))
        except InvalidFacts as error:
            raise FactsFileError(f"{label}: {error}") from error
    return households


@dataclass(frozen=True)
class Measured:
    """Each procedure's counter minutes as an office recorded them over a period
    (`reception.procedure_times`)."""

    office: str
    start: date
    end: date
    visits: int
    minutes: dict[str, float]  # by procedure code: those with a figure

    def as_json(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "visits": self.visits,
            "procedures": {code: round(value, 2) for code, value in sorted(self.minutes.items())},
        }


def measured_minutes(office: str, start: date, end: date) -> Measured:
    """The office's counter minutes per procedure from its visits with a case from `start` to `end`;
    FactsFileError when there are too few visits to fit (fewer than 30)."""
    from madoguchi.organization.models import Office
    from madoguchi.reception.procedure_times import MIN_FIT_VISITS, office_procedure_minutes

    fit = office_procedure_minutes(Office.objects.get(code=office), start, end)
    if not fit.fitted:
        raise FactsFileError(
            f"--measured-from/--measured-to: {fit.visits} visits with a signed case at {office} from {start} "
            f"to {end}; at least {MIN_FIT_VISITS} are needed to measure the procedures' minutes"
        )
    return Measured(office, start, end, fit.visits, fit.minutes_by_code())


def measure(
    households: Sequence[HouseholdType], measured: Measured, config: OfficeConfig
) -> list[HouseholdType]:
    """The households with the office's measured counter minutes in place of the catalog's."""
    return [with_measured_minutes(kind, measured.minutes, config.timings) for kind in households]


def measured_table(measured: Measured, config: OfficeConfig) -> HouseholdTable:
    """The simulator's household types (the typical households, the certificate visit) with the office's
    measured counter minutes in place of the catalog's: for the savings and year runs."""
    return with_measured_table(default_table(), measured.minutes, config.timings)


def days_of(month: int | None) -> list[date]:
    """The business days simulated: every business day of `month` in the reference year, or the ordinary
    reference day."""
    if month is None:
        return [REFERENCE_DAY]
    return [day for day in business_days(REFERENCE_DAY.year) if day.month == month]


def follow_households(
    config: OfficeConfig,
    households: Sequence[HouseholdType],
    *,
    designs: Sequence[str],
    month: int | None = None,
    replications: int = 100,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
) -> FollowReport:
    """Each household followed through `replications` days of the office (every day carries its usual
    visitors; the households arrive at random times and do not meet each other)."""
    table, kinds = default_table().with_types(households)
    return follow(
        config,
        kinds,
        replications,
        seed,
        designs=designs,
        days=days_of(month),
        table=table,
        workers=workers,
        progress=progress,
        key="household",
    )


def procedure_name(code: str) -> str:
    try:
        return _catalog().procedure(code).name_ja
    except KeyError:
        return code


def queue_name(config: OfficeConfig, queue: str, *, english: bool = False) -> str:
    """A queue's name: the office's sign, else its department's name in the catalog, else its code; in
    English where the sign or the catalog has an English name."""
    if english and config.queue_names_en.get(queue):
        return config.queue_names_en[queue]
    try:
        department = _catalog().department(queue)
    except KeyError:
        department = None
    if english and department is not None and department.name_en:
        return department.name_en
    if queue in config.queue_names:
        return config.queue_names[queue]
    return department.name_ja if department is not None else queue


def describe(report: FollowReport, config: OfficeConfig) -> list[str]:
    """The report as lines of text: per household, the minutes per design and each call's breakdown."""
    lines = [f"{config.name or config.code}: {report.replications} simulated days, seed {report.seed}"]
    for row in report.rows:
        totals = ", ".join(f"{design} {row.minutes[design].total:.1f} min" for design in report.designs)
        saved = f", saved {row.saved:.1f} min" if row.saved is not None else ""
        lines.append("")
        people = "1 person" if row.size == 1 else f"{row.size} people"
        lines.append(f"{row.label}: {row.event}, {people}: {totals}{saved}")
        if row.undecided:
            names = "、".join(procedure_name(code) for code in row.undecided)
            lines.append(f"  not simulated (the facts leave them open): {names}")
        for design in report.designs:
            split = row.minutes[design]
            lines.append(
                f"  {design}: waiting {split.waiting:.1f}, served {split.served:.1f}, walking "
                f"{split.walking:.1f}, writing {split.writing:.1f}, documents {split.documents:.1f} (min)"
            )
            for call in row.calls[design]:
                queue = queue_name(config, call.queue)
                lines.append(
                    f"    {queue}: walk {call.walking:.1f}, write {call.writing:.1f}, "
                    f"wait {call.waiting:.1f}, served {call.served:.1f}"
                )
                for code, minutes in call.procedures:
                    lines.append(f"      {procedure_name(code)} {minutes:.1f}")
    return lines
