"""The OpenAPI document of /api/v1: the plan API with the published household-facts/v1 schema inside,
and what other contexts add with `extend()` (the ticket and counter APIs of reception) at start-up."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from madoguchi import __version__
from madoguchi.rules.household import household_schema

QUESTION = {
    "type": "object",
    "required": ["fact", "member_id", "text_ja", "text_en", "kind", "choices", "decides"],
    "properties": {
        "fact": {"type": "string", "examples": ["member.health_insurance"]},
        "member_id": {"type": ["string", "null"]},
        "text_ja": {"type": "string"},
        "text_en": {"type": "string"},
        "kind": {"enum": ["bool", "enum", "int", "str"]},
        "choices": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"value": {"type": "string"}, "label": {"type": "string"}},
            },
        },
        "decides": {"type": "array", "items": {"type": "string"}},
    },
}

PROCEDURE = {
    "type": "object",
    "required": [
        "code",
        "name_ja",
        "name_en",
        "status",
        "member_ids",
        "reason",
        "department",
        "counter",
        "minutes",
    ],
    "properties": {
        "code": {"type": "string", "examples": ["kokuho-kanyu"]},
        "name_ja": {"type": "string"},
        "name_en": {"type": "string"},
        "name_easy": {
            "type": "string",
            "description": "The name in やさしい日本語 (easy Japanese); empty when not written.",
        },
        "status": {"enum": ["required", "ask"]},
        "member_ids": {"type": "array", "items": {"type": "string"}},
        "ask_member_ids": {"type": "array", "items": {"type": "string"}},
        "reason": {"type": "string"},
        "reason_en": {"type": "string", "description": "The reason in English; empty when not translated."},
        "reason_easy": {
            "type": "string",
            "description": "The reason in やさしい日本語 (easy Japanese); empty when not written.",
        },
        "department": {"type": "string"},
        "counter": {"enum": ["one_stop", "department", "external"]},
        "location": {
            "type": "object",
            "description": "Only with ?office=CODE: the queue at that office.",
            "properties": {
                "code": {"type": "string"},
                "label": {"type": "string"},
                "ticket_prefix": {"type": "string"},
            },
        },
        "documents": {"type": "array", "items": {"type": "string"}},
        "documents_en": {
            "type": "array",
            "items": {"type": "string"},
            "description": "One per document, in English; empty strings where not translated.",
        },
        "documents_easy": {
            "type": "array",
            "items": {"type": "string"},
            "description": "One per document, in やさしい日本語; empty strings where not written.",
        },
        "fee": {"type": ["integer", "null"]},
        "deadline": {"type": ["string", "null"], "format": "date"},
        "deadline_note": {"type": "string"},
        "deadline_note_en": {"type": "string"},
        "deadline_note_easy": {"type": "string"},
        "minutes": {"type": "integer"},
        "order": {"type": "integer"},
        "online": {"type": "boolean"},
        "contractor_ok": {"type": "boolean"},
        "reference_title": {"type": "string", "description": "The legal or official basis, in Japanese."},
        "reference_title_en": {
            "type": "string",
            "description": "The legal or official basis in English; empty when not translated.",
        },
        "reference_title_easy": {
            "type": "string",
            "description": "The legal or official basis in やさしい日本語; empty when not written.",
        },
        "reference_url": {"type": "string"},
        "questions": {"type": "array", "items": {"$ref": "#/components/schemas/Question"}},
    },
}

PLAN = {
    "type": "object",
    "required": ["event", "event_date", "catalog_version", "procedures", "questions", "total_minutes"],
    "properties": {
        "event": {"type": "string"},
        "event_date": {"type": "string", "format": "date"},
        "catalog_version": {"type": "string"},
        "procedures": {"type": "array", "items": {"$ref": "#/components/schemas/PlannedProcedure"}},
        "questions": {"type": "array", "items": {"$ref": "#/components/schemas/Question"}},
        "total_minutes": {"type": "integer"},
        "not_applicable": {
            "type": "array",
            "description": "Only with ?explain=1: what was considered and why it does not apply.",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "name_ja": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}

ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "message"],
                "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
            },
        }
    },
}


_EXTENSIONS: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []


def extend(paths: dict[str, Any], schemas: dict[str, Any], security_schemes: dict[str, Any]) -> None:
    """Add another context's paths to the document (called from its AppConfig.ready)."""
    _EXTENSIONS.append((paths, schemas, security_schemes))
    openapi_document.cache_clear()


@cache
def openapi_document() -> dict[str, Any]:
    document = _plan_document()
    for paths, schemas, security_schemes in _EXTENSIONS:
        document["paths"].update(paths)
        document["components"]["schemas"].update(schemas)
        document["components"].setdefault("securitySchemes", {}).update(security_schemes)
    return document


def _plan_document() -> dict[str, Any]:
    household = copy.deepcopy(household_schema())
    household.pop("$schema", None)
    household.pop("$id", None)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "madoguchi API",
            "version": __version__,
            "description": "Household facts for one life event → every procedure it needs, with reasons; "
            "tickets from kiosks; the counter API for other vendors' counter displays.",
        },
        "paths": {
            "/api/v1/plans": {
                "post": {
                    "operationId": "createPlan",
                    "summary": "Compute the plan for household facts",
                    "parameters": [
                        {"name": "explain", "in": "query", "schema": {"type": "boolean"}},
                        {
                            "name": "office",
                            "in": "query",
                            "schema": {"type": "string"},
                            "examples": {"chuo": {"value": "chuo"}},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/HouseholdFacts"}}
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The plan",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Plan"}}
                            },
                        },
                        "400": {
                            "description": "Invalid facts, every error listed",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}
                            },
                        },
                        "413": {
                            "description": "The body is larger than 256 KiB",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}
                            },
                        },
                        "415": {
                            "description": "Not JSON",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}
                            },
                        },
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "HouseholdFacts": household,
                "Plan": PLAN,
                "PlannedProcedure": PROCEDURE,
                "Question": QUESTION,
                "Errors": ERRORS,
            }
        },
    }
