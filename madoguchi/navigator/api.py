"""POST /api/v1/plans: the plan for household facts, for the resident pages and other systems."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from madoguchi.catalog.service import current_catalog
from madoguchi.navigator.locations import locate
from madoguchi.navigator.openapi import openapi_document
from madoguchi.organization.models import Office
from madoguchi.rules.engine import make_plan
from madoguchi.rules.household import InvalidFacts

MAX_BODY = 256 * 1024


def _errors(status: int, *errors: tuple[str, str]) -> JsonResponse:
    body = {"errors": [{"path": path, "message": message} for path, message in errors]}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # a JSON API without cookies or sessions; nothing is stored
@require_POST
def plans(request: HttpRequest) -> JsonResponse:
    if request.content_type != "application/json":
        return _errors(415, ("(body)", "send the household facts as application/json"))
    if len(request.body) > MAX_BODY:
        return _errors(413, ("(body)", f"the body is larger than {MAX_BODY} bytes"))
    try:
        facts: Any = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return _errors(400, ("(body)", f"not valid JSON: {error}"))
    office = None
    office_code = request.GET.get("office")
    if office_code:
        office = Office.objects.filter(code=office_code).first()
        if office is None:
            return _errors(400, ("office", f"unknown office {office_code!r}"))
    explain = request.GET.get("explain", "").lower() in {"1", "true", "yes"}
    try:
        plan = make_plan(current_catalog(), facts, explain=explain)
    except InvalidFacts as error:
        return _errors(400, *((e.path, e.message) for e in error.errors))
    data = plan.as_json()
    if not explain:
        data.pop("not_applicable")
    if office is not None:
        locations = locate(plan, office)
        for procedure in data["procedures"]:
            location = locations[procedure["code"]]
            procedure["location"] = {
                "code": location.code,
                "label": location.label,
                "ticket_prefix": location.ticket_prefix,
            }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
