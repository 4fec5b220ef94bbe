"""The ticket and counter APIs in the OpenAPI document (added to /api/v1/openapi.json at start-up)."""

from __future__ import annotations

from typing import Any

ERRORS_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
BUSY_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Busy"}}}
TICKET_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/CounterTicket"}}}


def _errors(*codes: str) -> dict[str, Any]:
    described = {
        "400": "Bad JSON or an unknown queue, naming the field",
        "401": "No valid token (Authorization: Bearer TOKEN)",
        "403": "The token's owner may not do this here (role or office)",
        "404": "No such counter or ticket",
        "409": "The ticket is not in a state that allows the step",
        "503": "Busy: try again (Retry-After)",
    }
    return {
        code: {"description": described[code], "content": BUSY_REF if code == "503" else ERRORS_REF}
        for code in codes
    }


COUNTER_TICKET = {
    "type": "object",
    "required": ["id", "number", "display", "status", "queue", "office"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "number": {"type": "integer"},
        "display": {"type": "string", "examples": ["A-012"]},
        "status": {"enum": ["waiting", "called", "serving", "transferred", "done", "no_show"]},
        "queue": {"type": "string"},
        "office": {"type": "string"},
        "counter": {"type": ["integer", "null"]},
        "transferred_to": {"$ref": "#/components/schemas/CounterTicket"},
    },
}
STAFF: list[dict[str, list[str]]] = [{"staffToken": []}]
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


def _step(operation: str, summary: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    post: dict[str, Any] = {
        "operationId": operation,
        "summary": summary,
        "security": STAFF,
        "parameters": [ID],
        "responses": {"200": {"description": "The ticket after the step", "content": TICKET_REF}}
        | _errors("400", "401", "403", "404", "409", "503"),
    }
    if body is not None:
        post["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return {"post": post}


PATHS: dict[str, Any] = {
    "/api/v1/tickets": {
        "post": {
            "operationId": "issueTicket",
            "summary": "Issue a ticket from a kiosk (Authorization: Bearer <kiosk token>)",
            "security": [{"kioskToken": []}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["office", "queue"],
                            "properties": {
                                "office": {"type": "string"},
                                "queue": {"type": "string"},
                                "priority": {"type": "boolean"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": {
                    "description": "The new ticket",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "number": {"type": "integer"},
                                    "display": {"type": "string"},
                                    "status_url": {"type": "string", "format": "uri"},
                                },
                            }
                        }
                    },
                }
            }
            | _errors("400", "401", "403", "503"),
        }
    },
    "/api/v1/counters/{id}/call": {
        "post": {
            "operationId": "callNext",
            "summary": "Call the next waiting resident to this counter (priority first, then by number)",
            "security": STAFF,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {
                "200": {"description": "The called ticket", "content": TICKET_REF},
                "204": {"description": "Nobody waits"},
            }
            | _errors("401", "403", "404", "503"),
        }
    },
    "/api/v1/tickets/{id}/serve": _step("startService", "Start serving the called resident"),
    "/api/v1/tickets/{id}/finish": _step("finishService", "Finish serving"),
    "/api/v1/tickets/{id}/no-show": _step("markNoShow", "The called resident did not come"),
    "/api/v1/tickets/{id}/transfer": _step(
        "transfer",
        "Hand the resident over to another queue of the office (a new ticket, priority)",
        {
            "type": "object",
            "required": ["queue"],
            "properties": {"queue": {"type": "string"}, "note": {"type": "string", "maxLength": 200}},
        },
    ),
}
# What BusyMiddleware answers under /api/ when the database stayed busy (ui.views.busy): nothing was saved.
BUSY = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}
SCHEMAS = {"CounterTicket": COUNTER_TICKET, "Busy": BUSY}
SECURITY_SCHEMES = {
    "staffToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A staff API token from `madoguchi staff-token LOGIN`: it acts with that person's "
        "permissions, at their office.",
    },
    "kioskToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "`madoguchi kiosk-token --office CODE`",
    },
}
