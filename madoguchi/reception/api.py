"""POST /api/v1/tickets: the kiosk API (Authorization: Bearer <kiosk token>)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from madoguchi.organization.models import Queue
from madoguchi.reception.actions import do_issue_ticket, kiosk_for
from madoguchi.reception.models import Ticket


def _error(status: int, path: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": [{"path": path, "message": message}]}, status=status)


@csrf_exempt  # authenticated by the kiosk's bearer token, not by a session cookie
@require_POST
def tickets(request: HttpRequest) -> JsonResponse:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    kiosk = kiosk_for(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if kiosk is None:
        response = _error(
            401, "Authorization", "a valid kiosk token is required (Authorization: Bearer TOKEN)"
        )
        response["WWW-Authenticate"] = 'Bearer realm="madoguchi-kiosk"'
        return response
    try:
        body: Any = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error(400, "(body)", 'send {"office": CODE, "queue": CODE} as JSON')
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("office"), str)
        or not isinstance(body.get("queue"), str)
    ):
        return _error(400, "(body)", 'send {"office": CODE, "queue": CODE} as JSON')
    if body["office"] != kiosk.office.code:
        return _error(403, "office", f"this kiosk belongs to office {kiosk.office.code!r}")
    queue = Queue.objects.filter(office=kiosk.office, code=body["queue"]).first()
    if queue is None:
        return _error(400, "queue", f"unknown queue {body['queue']!r} at office {kiosk.office.code!r}")
    priority = body.get("priority", False)
    if not isinstance(priority, bool):
        return _error(400, "priority", "priority is true or false")
    try:
        ticket = do_issue_ticket(kiosk, queue=queue, channel=Ticket.Channel.KIOSK, priority=priority)
    except PermissionDenied as error:
        return _error(403, "office", str(error))
    status_url = request.build_absolute_uri(reverse("reception:wait", args=[ticket.status_token]))
    return JsonResponse(
        {"number": ticket.number, "display": ticket.display, "status_url": status_url}, status=201
    )
