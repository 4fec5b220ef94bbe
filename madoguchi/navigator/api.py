"""POST /api/v1/plans: the plan for household facts, for the resident pages and other systems."""

from __future__ import annotations

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
from madoguchi.ui.inputs import BadInput, clean_text, parse_json

MAX_BODY = 256 * 1024


def _errors(status: int, *errors: tuple[str, str]) -> JsonResponse:
    body = {"errors": [{"path": path, "message": message} for path, message in errors]}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # a JSON API without cookies or sessions; nothing is stored
@require_POST
def plans(request: HttpRequest) -> JsonResponse:
    if request.content_type != "application/json":
        return _errors(415, ("(body)", "send the household facts as application/json"))
    try:
        facts: Any = parse_json(request.body, max_bytes=MAX_BODY)
        office_code = clean_text(request.GET.get("office", ""), "office", max_length=20)
    except BadInput as error:
        return _errors(error.status, (error.field, error.message))
    office = None
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
