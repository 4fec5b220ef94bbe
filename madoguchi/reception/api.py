"""The ticket APIs: POST /api/v1/tickets for kiosks (Authorization: Bearer <kiosk token>), and the counter
API for other vendors' counter displays (Authorization: Bearer <staff API token>)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from madoguchi.organization.models import Counter, Queue
from madoguchi.reception.actions import (
    NotAtACounter,
    do_call_next,
    do_issue_ticket,
    do_step_at_its_counter,
    kiosk_for,
)
from madoguchi.reception.models import Ticket
from madoguchi.reception.states import TicketStateError
from madoguchi.staff.actions import staff_for_api_token
from madoguchi.staff.models import Staff
from madoguchi.transactions import CompiledQuery
from madoguchi.ui.inputs import BadInput, parse_json

# Every kiosk ticket and counter call reads these; their SQL is compiled once per process.
_QUEUE = CompiledQuery(
    lambda office_id, code: Queue.objects.filter(office_id=office_id, code=code).order_by()[:1]
)
_COUNTER = CompiledQuery(
    lambda pk: Counter.objects.select_related("office", "queue").filter(pk=pk).order_by()[:1]
)


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
        body: Any = parse_json(request.body or b"{}", max_bytes=4096)
    except BadInput as error:
        return _error(error.status, error.field, error.message)
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("office"), str)
        or not isinstance(body.get("queue"), str)
    ):
        return _error(400, "(body)", 'send {"office": CODE, "queue": CODE} as JSON')
    if body["office"] != kiosk.office.code:
        return _error(403, "office", f"this kiosk belongs to office {kiosk.office.code!r}")
    queue = _QUEUE.first(office_id=kiosk.office_id, code=body["queue"])
    if queue is None:
        return _error(400, "queue", f"unknown queue {body['queue']!r} at office {kiosk.office.code!r}")
    queue.office = kiosk.office  # the same row, already read with the kiosk
    priority = body.get("priority", False)
    if not isinstance(priority, bool):
        return _error(400, "priority", "priority is true or false")
    if priority and not kiosk.may_issue_priority:
        return _error(
            403, "priority", gettext("優先（priority）：この発券機は優先の整理券を発行できません。")
        )
    try:
        ticket = do_issue_ticket(kiosk, queue=queue, channel=Ticket.Channel.KIOSK, priority=priority)
    except PermissionDenied as error:
        return _error(403, "office", str(error))
    status_url = request.build_absolute_uri(reverse("reception:wait", args=[ticket.status_token]))
    return JsonResponse(
        {"number": ticket.number, "display": ticket.display, "status_url": status_url}, status=201
    )


# --- The counter API: other vendors' counter displays and ticket machines (Authorization: Bearer <staff
# API token>). Each call is the same action the counter page uses, as the token's staff member.


def _staff_or_401(request: HttpRequest) -> Staff | JsonResponse:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    staff = staff_for_api_token(token.strip()) if scheme.lower() == "bearer" else None
    if staff is None:
        response = _error(
            401, "Authorization", "a valid staff API token is required (Authorization: Bearer TOKEN)"
        )
        response["WWW-Authenticate"] = 'Bearer realm="madoguchi-staff"'
        return response
    return staff


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": str(ticket.pk),
        "number": ticket.number,
        "display": ticket.display,
        "status": ticket.status,
        "queue": ticket.queue.code,
        "office": ticket.office.code,
        "counter": ticket.counter_id,
    }


def _counter_call(request: HttpRequest, counter_id: int) -> HttpResponse:
    staff = _staff_or_401(request)
    if isinstance(staff, JsonResponse):
        return staff
    counter = _COUNTER.first(pk=counter_id)
    if counter is None:
        return _error(404, "counter", f"no counter {counter_id}")
    try:
        ticket = do_call_next(staff, counter=counter)
    except PermissionDenied as error:
        return _error(403, "counter", str(error))
    if ticket is None:
        return HttpResponse(status=204)  # nobody waits
    return JsonResponse(ticket_json(ticket))


def _ticket_step(request: HttpRequest, ticket_id: UUID, step: str) -> HttpResponse:
    staff = _staff_or_401(request)
    if isinstance(staff, JsonResponse):
        return staff
    to_queue, note = "", ""
    if step == "transfer":
        try:
            body = _json_object(request)
        except BadInput as error:
            return _error(error.status, error.field, error.message)
        if body is None or not isinstance(body.get("queue"), str):
            return _error(400, "queue", 'send {"queue": "<queue code>", "note": "..."} as JSON')
        to_queue, note = body["queue"], body.get("note", "")
        if not isinstance(note, str) or len(note) > 200:
            return _error(400, "note", "note is text of at most 200 characters")
    try:
        ticket, handed = do_step_at_its_counter(
            staff, ticket_id, step.replace("-", "_"), to_queue=to_queue, note=note
        )
    except Ticket.DoesNotExist:
        return _error(404, "ticket", f"no ticket {ticket_id}")
    except NotAtACounter as error:
        return _error(409, "ticket", str(error))
    except Queue.DoesNotExist:
        return _error(400, "queue", f"unknown queue {to_queue!r} at the ticket's office")
    except PermissionDenied as error:
        return _error(403, "ticket", str(error))
    except TicketStateError as error:
        return _error(409, "ticket", error.message)
    if handed is not None:
        return JsonResponse(ticket_json(ticket) | {"transferred_to": ticket_json(handed)})
    return JsonResponse(ticket_json(ticket))


def _json_object(request: HttpRequest) -> dict[str, Any] | None:
    body = parse_json(request.body or b"{}", max_bytes=4096)
    return body if isinstance(body, dict) else None


@csrf_exempt  # authenticated by the staff member's bearer token, not by a session cookie
@require_POST
def counter_call(request: HttpRequest, counter_id: int) -> HttpResponse:
    """POST /api/v1/counters/{id}/call: the next waiting ticket of the counter's queue, or 204."""
    return _counter_call(request, counter_id)


@csrf_exempt
@require_POST
def ticket_step(request: HttpRequest, ticket_id: UUID, step: str) -> HttpResponse:
    """POST /api/v1/tickets/{id}/serve, /finish, /no-show, /transfer."""
    if step not in {"serve", "finish", "no-show", "transfer"}:
        return _error(404, "step", f"no step {step!r}: serve, finish, no-show or transfer")
    return _ticket_step(request, ticket_id, step)
