"""POST /api/v1/preparations/import in the OpenAPI document (added to /api/v1/openapi.json at start-up)."""

from __future__ import annotations

from typing import Any

ERRORS_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}

IMPORTED_CASE = {
    "type": "object",
    "required": ["case", "url", "created", "saved", "fields_to_correct"],
    "properties": {
        "case": {
            "type": "string",
            "description": "The case number (chuo-20261205-0001)",
            "examples": ["chuo-20261205-0001"],
        },
        "url": {"type": "string", "format": "uri", "description": "The case page"},
        "created": {"type": "boolean", "description": "false: this preparation had opened this case before"},
        "saved": {
            "type": "boolean",
            "description": "false: some values did not pass; the case page shows them",
        },
        "fields_to_correct": {
            "type": "array",
            "items": {"type": "string"},
            "description": "case form fields",
        },
    },
}
BODY = {
    "description": "Exactly one of: the text of a code (`code`; several symbols may be joined by line ends), "
    "the texts of every symbol of a code (`codes`), or a preparation/v1 record (`preparation`, "
    "docs/preparation-format.md), e.g. from the city's own system.",
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "properties": {
        "code": {"type": "string", "maxLength": 4000},
        "codes": {
            "type": "array",
            "minItems": 1,
            "maxItems": 16,
            "items": {"type": "string", "maxLength": 4000},
        },
        "preparation": {"type": "object"},
    },
}
PATHS: dict[str, Any] = {
    "/api/v1/preparations/import": {
        "post": {
            "operationId": "importPreparation",
            "summary": "Open a case from a prepared visit (its QR code, or a preparation record)",
            "security": [{"staffToken": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": BODY}}},
            "responses": {
                "201": {
                    "description": "The case was opened and filled in",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ImportedCase"}}
                    },
                },
                "200": {
                    "description": "The preparation had opened this case before: the same case",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ImportedCase"}}
                    },
                },
                "400": {
                    "description": "A refused code (forged, altered, expired, foreign, truncated…) or "
                    "an invalid record, each problem with its path",
                    "content": ERRORS_REF,
                },
                "401": {"description": "No valid token (Authorization: Bearer TOKEN)", "content": ERRORS_REF},
                "403": {"description": "The token's owner may not open cases", "content": ERRORS_REF},
                "409": {
                    "description": "Some symbols of the code are missing (how many are read)",
                    "content": ERRORS_REF,
                },
                "413": {"description": "The body is too large", "content": ERRORS_REF},
            },
        }
    }
}
SCHEMAS = {"ImportedCase": IMPORTED_CASE}
