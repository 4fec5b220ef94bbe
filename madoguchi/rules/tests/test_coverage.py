"""The coverage matrix finds each rule's cells and the scenarios that prove them."""

from __future__ import annotations

from pathlib import Path

from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog
from madoguchi.rules.coverage import Scenario, load_scenarios, measure, render_markdown


def test_a_scenario_proves_the_rule_that_fires_and_nothing_else() -> None:
    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    facts = {
        "event": "shussei",
        "event_date": "2026-05-18",
        "subject_member_ids": ["m3"],
        "members": [
            {"id": "m1", "relationship": "head", "birth_date": "1994-07-30", "health_insurance": "national"},
            {"id": "m3", "relationship": "child", "birth_date": "2026-05-18", "health_insurance": "national"},
        ],
    }
    coverage = measure(catalog, [Scenario("t", "birth", {"facts": facts, "required": ["kokuho-kanyu"]})])
    proved = {(c.procedure.code, c.event, c.index) for c in coverage.cells if c.scenarios}
    assert proved == {("kokuho-kanyu", "shussei", 2)}
    # a rule naming another event has no cell for this one
    assert not any(
        c.procedure.code == "kokuho-kanyu" and c.event == "shussei" and c.index == 0 for c in coverage.cells
    )


def test_the_published_matrix_is_up_to_date() -> None:
    coverage = measure(load_catalog(DEFAULT_CATALOG_DIR), load_scenarios())
    published = Path(__file__).resolve().parents[3] / "docs" / "rules-coverage.md"
    assert published.read_text(encoding="utf-8") == render_markdown(coverage), (
        "run: python -m madoguchi.rules.coverage --write docs/rules-coverage.md"
    )


def test_every_cell_of_the_default_catalog_has_a_scenario() -> None:
    """Each condition of each procedure, for each life event it can fire for, is proved by a household
    written from the law (a new rule without its scenario fails here, naming the cell)."""
    coverage = measure(load_catalog(DEFAULT_CATALOG_DIR), load_scenarios())
    unproved = [
        f"{c.procedure.code} × {c.event} × rule {c.index + 1}: {c.rule.source}"
        for c in coverage.cells
        if not c.scenarios
    ]
    assert unproved == []
