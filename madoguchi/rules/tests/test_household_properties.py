"""Household facts as any JSON a caller may send: the engine answers a plan or `InvalidFacts` naming the
paths, never another exception (this is what POST /api/v1/plans hands to it after json.loads)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog
from madoguchi.rules.engine import make_plan
from madoguchi.rules.household import InvalidFacts

CATALOG = load_catalog(DEFAULT_CATALOG_DIR)

FAMILY: dict[str, Any] = {
    "event": "tennyu",
    "event_date": "2026-04-01",
    "moved_from": {"kind": "other_municipality", "municipality_code": "131016"},
    "members": [
        {"id": "m1", "relationship": "head", "birth_date": "1988-05-10", "health_insurance": "national"},
        {"id": "m3", "relationship": "child", "birth_date": "2018-06-20", "school": "elementary"},
    ],
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["2026-04-01", "0001-01-01", "9999-12-31", "tennyu", "m1", "head", "national"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def plans_or_refuses(facts: Any) -> None:
    try:
        plan = make_plan(CATALOG, facts)
    except InvalidFacts as error:
        errors = error.errors
    else:
        json.dumps(plan.as_json())
        return
    assert errors
    assert all(e.path and e.message for e in errors)
    json.dumps([(e.path, e.message) for e in errors])  # what the API answers must serialise


@given(json_values)
def test_any_json_is_a_plan_or_invalid_facts(facts: Any) -> None:
    plans_or_refuses(facts)


@given(
    st.sampled_from(["event", "event_date", "moved_from", "members", "household"]),
    st.sampled_from([None, 0]),
    json_values,
)
@example("event_date", None, "9999-12-31")
@example("event_date", None, "0001-01-01")
@example("event_date", None, 2**70)
@example("members", 0, {"id": "m1", "birth_date": "0001-01-01", "relationship": "head"})
@example("members", 0, {"id": "m1", "birth_date": "9999-12-31", "relationship": "head"})
def test_a_family_with_one_part_replaced_is_a_plan_or_invalid_facts(
    key: str, member: int | None, value: Any
) -> None:
    facts = copy.deepcopy(FAMILY)
    if key == "members" and member is not None:
        facts["members"][member] = value
    else:
        facts[key] = value
    plans_or_refuses(facts)


@given(
    st.sampled_from(["id", "relationship", "birth_date", "health_insurance", "school", "sex", "nationality"]),
    json_values,
)
def test_a_member_with_one_fact_replaced_is_a_plan_or_invalid_facts(name: str, value: Any) -> None:
    facts = copy.deepcopy(FAMILY)
    facts["members"][1][name] = value
    plans_or_refuses(facts)
