"""The self-service kiosk (発券機): a touch page signed in with the office's kiosk token.

IT opens `/kiosk/?token=TOKEN` once on the kiosk: that starts a kiosk session (models.KioskSession) and the
HTTP-only cookie holds only the session's random key, never the token; the address bar no longer shows it.
Revoking the token (the admin or `madoguchi kiosk-token --revoke ID`) ends its sessions at their next tap.
A session shows again only the slips it issued itself.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.catalog.service import current_catalog
from madoguchi.reception.actions import (
    do_issue_ticket,
    do_remember_kiosk_ticket,
    do_start_kiosk_session,
    kiosk_for,
    kiosk_session_for,
)
from madoguchi.reception.concierge import chosen_purpose, purposes
from madoguchi.reception.models import KioskSession, Ticket
from madoguchi.reception.views import slip_context

COOKIE = "madoguchi_kiosk_session"
COOKIE_AGE = 400 * 24 * 3600


def _session(request: HttpRequest) -> KioskSession | None:
    return kiosk_session_for(request.COOKIES.get(COOKIE, ""))


def kiosk_home(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("token", "").strip() or request.POST.get("token", "").strip()
    if token:
        kiosk = kiosk_for(token)
        if kiosk is None:
            return render(
                request,
                "reception/kiosk_setup.html",
                {"error": _("この発券機トークンは使えません（無効か取り消し済み）。")},
                status=403,
            )
        response = redirect("reception:kiosk")
        response.set_cookie(
            COOKIE,
            do_start_kiosk_session(kiosk),
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Strict",
            secure=request.is_secure(),
        )
        return response
    session = _session(request)
    if session is None:
        return render(request, "reception/kiosk_setup.html", {}, status=401)
    kiosk = session.kiosk
    return render(
        request,
        "reception/kiosk.html",
        {"kiosk": kiosk, "office": kiosk.office, "purposes": purposes(kiosk.office, current_catalog())},
    )


@require_POST
def kiosk_issue(request: HttpRequest) -> HttpResponse:
    session = _session(request)
    if session is None:
        return render(request, "reception/kiosk_setup.html", {}, status=401)
    kiosk = session.kiosk
    queue, event = chosen_purpose(kiosk.office, request.POST.get("purpose", ""))
    if queue is None:
        messages.error(request, _("ご用件を選んでください。"))
        return redirect("reception:kiosk")
    ticket = do_issue_ticket(kiosk, queue=queue, channel=Ticket.Channel.KIOSK, purpose=event)
    do_remember_kiosk_ticket(session, ticket)
    return redirect("reception:kiosk-ticket", ticket_id=ticket.pk)


def kiosk_ticket(request: HttpRequest, ticket_id: UUID) -> HttpResponse:
    """The slip of a ticket this kiosk session has just issued; any other ticket is "not found" (its slip
    carries the wait page's link)."""
    session = _session(request)
    if session is None:
        return render(request, "reception/kiosk_setup.html", {}, status=401)
    kiosk = session.kiosk
    if str(ticket_id) not in session.recent_tickets:
        raise Http404
    ticket = get_object_or_404(
        Ticket.objects.select_related("queue", "office"), pk=ticket_id, office=kiosk.office
    )
    return render(request, "reception/kiosk_ticket.html", slip_context(request, ticket) | {"kiosk": kiosk})
