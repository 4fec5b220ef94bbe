"""The default catalog of みなと市: complete, referenced, and right for the scenarios a clerk can read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from madoguchi.rules.coverage import load_scenarios as read_scenarios
from madoguchi.rules.engine import ASK, REQUIRED, make_plan
from madoguchi.rules.facts import EVENTS

CORE = Path(__file__).resolve().parents[2] / "rules" / "schemas" / "core-procedures.yaml"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(DEFAULT_CATALOG_DIR)


def core_procedures() -> dict[str, Any]:
    return dict(yaml.safe_load(CORE.read_text(encoding="utf-8"))["procedures"])


def test_every_core_code_is_in_the_catalog_as_published(catalog: Catalog) -> None:
    for code, core in core_procedures().items():
        procedure = catalog.procedure(code)
        assert (procedure.department, procedure.counter) == (core["department"], core["counter"]), code


def test_catalog_size_departments_and_events(catalog: Catalog) -> None:
    assert len(catalog.procedures) >= 60
    assert len({p.department for p in catalog.procedures}) >= 12
    covered = {event for p in catalog.procedures for event in p.events}
    assert covered == set(EVENTS)
    assert {e.code for e in catalog.life_events} == set(EVENTS)


def test_every_procedure_has_a_reference_and_reasons(catalog: Catalog) -> None:
    for procedure in catalog.procedures:
        assert procedure.reference.title, procedure.code
        assert procedure.name_en, procedure.code
        assert all(rule.reason for rule in procedure.rules), procedure.code


def load_scenarios() -> list[Any]:
    return [
        pytest.param(scenario.data, id=f"{scenario.file}: {scenario.name}")
        for scenario in read_scenarios(SCENARIOS)
    ]


def test_there_are_enough_scenarios_for_every_event() -> None:
    scenarios = [p.values[0] for p in load_scenarios()]
    assert len(scenarios) >= 40
    assert {s["facts"]["event"] for s in scenarios} == set(EVENTS)


@pytest.mark.parametrize("scenario", load_scenarios())
def test_scenario(catalog: Catalog, scenario: dict[str, Any]) -> None:
    plan = make_plan(catalog, scenario["facts"])
    by_code = {p.code: p for p in plan.procedures}
    required = {code for code, p in by_code.items() if p.status == REQUIRED}
    missing = sorted(set(scenario.get("required", [])) - required)
    assert not missing, f"should be required: {missing}; plan: {sorted(by_code)}"
    unexpected = sorted(set(scenario.get("absent", [])) & set(by_code))
    assert not unexpected, f"should not appear: {unexpected}"
    for code in scenario.get("ask", []):
        assert code in by_code, f"{code} should be asked about"
        assert by_code[code].status == ASK, f"{code} should be 'ask', is {by_code[code].status}"
    for code, members in scenario.get("required_members", {}).items():
        assert sorted(by_code[code].member_ids) == sorted(members), code
    # the reason a resident reads comes from the rule that decides: a scenario may name words it must say
    for code, words in scenario.get("reason_contains", {}).items():
        reason = by_code[code].reason
        assert words in reason, f"{code}: the reason should say {words!r}: {reason}"


def test_every_text_a_resident_reads_has_its_english(catalog: Catalog) -> None:
    """English pages and printouts show the catalog's English: a reason, document or deadline note added in
    Japanese only would show in Japanese there (and fail the English-pages test on that page only)."""
    untranslated = [
        f"{p.code}: {text}"
        for p in catalog.procedures
        for text, english in [
            (p.name_ja, p.name_en),
            *((r.reason, r.reason_en) for r in p.rules),
            *zip(p.documents, p.documents_en, strict=True),
            (p.deadline_note, p.deadline_note_en if p.deadline_note else "-"),
        ]
        if not english
    ]
    assert untranslated == []


def test_every_text_a_resident_reads_has_its_easy_japanese(catalog: Catalog) -> None:
    """やさしい日本語 pages show the catalog's easy text: a name, reason, document or deadline note added
    without one would show in standard administrative Japanese there."""
    unwritten = [
        f"{p.code}: {text}"
        for p in catalog.procedures
        for text, easy in [
            (p.name_ja, p.name_easy),
            *((r.reason, r.reason_easy) for r in p.rules),
            *zip(p.documents, p.documents_easy, strict=True),
            (p.deadline_note, p.deadline_note_easy if p.deadline_note else "-"),
        ]
        if not easy
    ]
    unwritten += [f"life event {e.code}: {e.name_ja}" for e in catalog.life_events if not e.name_easy]
    assert unwritten == []


def test_a_driving_licence_is_asked_only_of_members_old_enough_to_hold_one(catalog: Catalog) -> None:
    # given: a couple moving in with a 15-year-old and a baby; nobody has said yet who holds a licence
    facts = {
        "event": "tennyu",
        "event_date": "2026-04-01",
        "moved_from": {"kind": "other_municipality"},
        "members": [
            {"id": "m1", "relationship": "head", "birth_date": "1990-04-04"},
            {"id": "m2", "relationship": "spouse", "birth_date": "1992-09-09"},
            {"id": "m3", "relationship": "child", "birth_date": "2010-04-03"},  # reaches 16 on 2026-04-02
            {"id": "m4", "relationship": "child", "birth_date": "2026-01-10"},
        ],
    }
    # when
    plan = make_plan(catalog, facts)
    # then: the two adults are asked, the children never (no licence before 16: 道路交通法第88条)
    asked = {q.member_id for q in plan.questions if q.fact == "member.has_driving_licence"}
    assert asked == {"m1", "m2"}
    assert "unten-menkyo-jusho" in plan.codes(ASK)


def test_every_legal_basis_has_its_english_title(catalog: Catalog) -> None:
    """English pages show the legal basis of each procedure in English (the law's English name and the
    article), so that a resident reading English sees what the procedure rests on."""
    untranslated = [f"{p.code}: {p.reference.title}" for p in catalog.procedures if not p.reference.title_en]
    assert untranslated == []
    # and the plan carries it, beside the Japanese
    plan = make_plan(
        catalog,
        {
            "event": "tennyu",
            "event_date": "2026-04-01",
            "moved_from": {"kind": "other_municipality"},
            "members": [{"id": "m1", "relationship": "head", "birth_date": "1990-04-04"}],
        },
    )
    notification = next(p for p in plan.procedures if p.code == "tennyu-todoke")
    assert notification.reference_title == "住民基本台帳法第22条（転入届）"
    english = "Basic Resident Registration Act, Article 22 (moving-in notification)"
    assert notification.reference_title_en == english
    assert plan.as_json()["procedures"][0]["reference_title_en"]
