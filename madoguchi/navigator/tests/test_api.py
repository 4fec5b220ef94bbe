from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from django.test import Client

from madoguchi.navigator.openapi import openapi_document

pytestmark = pytest.mark.django_db

FAMILY = {
    "event": "tennyu",
    "event_date": "2026-04-01",
    "moved_from": {"kind": "other_municipality", "municipality_code": "131016"},
    "members": [
        {"id": "m1", "relationship": "head", "birth_date": "1988-05-10", "health_insurance": "national"},
        {"id": "m2", "relationship": "spouse", "birth_date": "1990-02-03", "health_insurance": "national"},
        {
            "id": "m3",
            "relationship": "child",
            "birth_date": "2018-06-20",
            "health_insurance": "national",
            "school": "elementary",
        },
    ],
}


def post(data: Any, query: str = "", content_type: str = "application/json") -> Any:
    body = data if isinstance(data, str) else json.dumps(data)
    return Client().post(f"/api/v1/plans{query}", body, content_type=content_type)


def response_schema(name: str) -> dict[str, Any]:
    document = openapi_document()
    return {"$ref": f"#/components/schemas/{name}", "components": document["components"]}


def test_plan_for_a_family_moving_in(demo_city: None) -> None:
    # when
    response = post(FAMILY, "?office=chuo")
    # then
    assert response.status_code == 200
    data = response.json()
    jsonschema.validate(data, response_schema("Plan"))
    codes = [p["code"] for p in data["procedures"] if p["status"] == "required"]
    assert codes[0] == "tennyu-todoke"
    assert {"kokuho-kanyu", "jido-teate-nintei", "tennyugaku"} <= set(codes)
    kokuho = next(p for p in data["procedures"] if p["code"] == "kokuho-kanyu")
    assert kokuho["member_ids"] == ["m1", "m2", "m3"]
    assert kokuho["location"]["ticket_prefix"] == "A"
    assert "not_applicable" not in data


def test_explain_lists_what_does_not_apply(demo_city: None) -> None:
    data = post(FAMILY, "?explain=1").json()
    reasons = {n["code"]: n["reason"] for n in data["not_applicable"]}
    assert "kaigo-shikaku-shutoku" in reasons
    assert reasons["kaigo-shikaku-shutoku"]


def test_every_schema_error_is_listed(demo_city: None) -> None:
    response = post({"event": "tennyu", "event_date": "2026-02-30", "members": [{"id": "x y"}]})
    assert response.status_code == 400
    errors = response.json()["errors"]
    jsonschema.validate(response.json(), response_schema("Errors"))
    paths = {e["path"] for e in errors}
    assert {"event_date", "members[0]", "members[0].id"} <= paths


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [("{not json", "application/json", 400), ("event=tennyu", "application/x-www-form-urlencoded", 415)],
)
def test_bad_bodies_are_4xx(demo_city: None, body: str, content_type: str, status: int) -> None:
    response = post(body, content_type=content_type)
    assert response.status_code == status
    assert response.json()["errors"]


def test_unknown_office_is_a_clear_error(demo_city: None) -> None:
    response = post(FAMILY, "?office=atlantis")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "office"


def test_get_is_not_allowed_and_the_description_is_served(demo_city: None) -> None:
    assert Client().get("/api/v1/plans").status_code == 405
    document = Client().get("/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/plans" in document["paths"]
    jsonschema.Draft202012Validator.check_schema(document["components"]["schemas"]["HouseholdFacts"])
