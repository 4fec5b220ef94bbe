"""The rules coverage matrix: procedure × life event × condition × legal reference, each cell with scenarios.

A *cell* is one rule of one procedure for one life event the rule can fire for (a rule that names no event
covers every event of its procedure). A scenario *proves* a cell when the rule is the one that makes the
procedure required in the scenario's plan and the scenario says the procedure is required; it *bounds* a
procedure for an event when it says the procedure must not appear. `docs/rules-coverage.md` is this matrix
for the default catalog and its scenarios, regenerated with

    python -m madoguchi.rules.coverage --write docs/rules-coverage.md

and compared by the catalog's tests, which fail on a cell without a scenario.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, Catalog, Procedure, Rule, load_catalog
from madoguchi.rules.engine import first_rule
from madoguchi.rules.expressions import Context
from madoguchi.rules.household import read_facts

DEFAULT_SCENARIO_DIR = Path(__file__).resolve().parent.parent / "catalog" / "tests" / "scenarios"


@dataclass(frozen=True)
class Scenario:
    file: str  # the file's stem, e.g. shussei
    name: str
    data: Mapping[str, Any]

    @property
    def event(self) -> str:
        return str(self.data["facts"]["event"])

    @property
    def required(self) -> frozenset[str]:
        return frozenset(self.data.get("required", ()))

    @property
    def absent(self) -> frozenset[str]:
        return frozenset(self.data.get("absent", ()))


@dataclass(frozen=True)
class Cell:
    procedure: Procedure
    event: str
    index: int  # the rule's position in the procedure
    rule: Rule
    scenarios: tuple[str, ...]  # names of the scenarios that prove it


@dataclass(frozen=True)
class Coverage:
    catalog: Catalog
    cells: tuple[Cell, ...]
    bounded: Mapping[tuple[str, str], tuple[str, ...]]  # (procedure, event) → scenarios where it is absent
    scenario_count: int

    @property
    def uncovered(self) -> tuple[Cell, ...]:
        return tuple(cell for cell in self.cells if not cell.scenarios)


def load_scenarios(directory: Path | str = DEFAULT_SCENARIO_DIR) -> list[Scenario]:
    scenarios = []
    for path in sorted(Path(directory).glob("*.yaml")):
        for data in yaml.safe_load(path.read_text(encoding="utf-8")) or ():
            scenarios.append(Scenario(path.stem, str(data["name"]), data))
    return scenarios


def _can_fire(rule: Rule, event: str) -> bool:
    """False when the rule is false for this event whatever the household: it names another event."""
    probe = {"id": "probe"}
    ctx = Context({"event": event}, {}, [probe])
    ctx.member = probe
    return rule.evaluate(ctx) is not False


def firing_rules(catalog: Catalog, facts: Any) -> dict[str, set[int]]:
    """For each procedure the plan requires: the index of the rule that decides it, for any member."""
    household = read_facts(facts)
    ctx = Context(household.event_facts, household.household, household.members)
    fired: dict[str, set[int]] = {}
    for procedure in catalog.by_event.get(household.event, ()):
        if not procedure.in_effect(household.event_date):
            continue
        people: Sequence[dict[str, Any] | None] = (
            household.members if procedure.concerns == "member" else [None]
        )
        for member in people:
            ctx.member = member
            value, rule = first_rule(procedure, ctx)
            if value is True and rule is not None:
                fired.setdefault(procedure.code, set()).add(procedure.rules.index(rule))
        ctx.member = None
    return fired


def measure(catalog: Catalog, scenarios: Iterable[Scenario]) -> Coverage:
    proofs: dict[tuple[str, str, int], list[str]] = {}
    bounded: dict[tuple[str, str], list[str]] = {}
    count = 0
    for scenario in scenarios:
        count += 1
        for code, indexes in firing_rules(catalog, scenario.data["facts"]).items():
            if code in scenario.required:
                for index in indexes:
                    proofs.setdefault((code, scenario.event, index), []).append(scenario.name)
        for code in scenario.absent:
            bounded.setdefault((code, scenario.event), []).append(scenario.name)
    cells = []
    for event in catalog.by_event:
        for procedure in catalog.by_event[event]:
            for index, rule in enumerate(procedure.rules):
                if _can_fire(rule, event):
                    names = tuple(proofs.get((procedure.code, event, index), ()))
                    cells.append(Cell(procedure, event, index, rule, names))
    return Coverage(catalog, tuple(cells), {key: tuple(names) for key, names in bounded.items()}, count)


def _cell_text(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(coverage: Coverage) -> str:
    catalog = coverage.catalog
    events = {e.code: e for e in catalog.life_events}
    proved = sum(1 for cell in coverage.cells if cell.scenarios)
    lines = [
        "# Rules coverage",
        "",
        "Generated by `python -m madoguchi.rules.coverage --write docs/rules-coverage.md` from the default",
        f"catalog (version {catalog.version}) and the scenarios in `madoguchi/catalog/tests/scenarios/`; the",
        "catalog's tests fail when this file is out of date or when a cell has no scenario.",
        "",
        "Each row is a *cell*: a procedure, a life event, one condition (`when`) of its rules and the legal",
        "basis the procedure cites. **Scenarios** are the households written from the law and from published",
        "city checklists in which that very condition makes the procedure required (each scenario is a test:",
        "`madoguchi/catalog/tests/test_default_catalog.py::test_scenario`). **Not needed in** lists the",
        "scenarios of the same event that check the procedure does *not* appear for their household.",
        "",
        f"{len(coverage.cells)} cells, {proved} proved by a scenario; {coverage.scenario_count} scenarios.",
        "",
    ]
    for code, event in events.items():
        cells = [cell for cell in coverage.cells if cell.event == code]
        if not cells:
            continue
        lines += [
            f"## {event.name_ja} ({event.name_en}, `{code}`)",
            "",
            "| Procedure | Condition | Legal basis | Scenarios | Not needed in |",
            "|---|---|---|---|---|",
        ]
        for cell in cells:
            procedure = cell.procedure
            reference = procedure.reference
            basis = (
                f"[{_cell_text(reference.title)}]({reference.url})"
                if reference.url
                else _cell_text(reference.title)
            )
            proofs = "<br>".join(_cell_text(name) for name in cell.scenarios) or "**none**"
            bounds = "<br>".join(
                _cell_text(name) for name in coverage.bounded.get((procedure.code, code), ())
            )
            lines.append(
                f"| `{procedure.code}` {procedure.name_ja} | `{_cell_text(cell.rule.source)}` | "
                f"{basis} | {proofs} | {bounds} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m madoguchi.rules.coverage", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG_DIR)
    parser.add_argument("--scenarios", type=Path, default=DEFAULT_SCENARIO_DIR)
    parser.add_argument("--write", type=Path, help="write the Markdown matrix to this file")
    args = parser.parse_args(argv)
    coverage = measure(load_catalog(args.catalog), load_scenarios(args.scenarios))
    if args.write:
        args.write.write_text(render_markdown(coverage), encoding="utf-8")
    for cell in coverage.uncovered:
        print(  # noqa: T201
            f"no scenario: {cell.procedure.code} × {cell.event} × rule {cell.index + 1}: {cell.rule.source}",
            file=sys.stderr,
        )
    print(  # noqa: T201
        f"{len(coverage.cells)} cells, {len(coverage.cells) - len(coverage.uncovered)} proved by a scenario"
    )
    return 1 if coverage.uncovered else 0


if __name__ == "__main__":
    sys.exit(main())
