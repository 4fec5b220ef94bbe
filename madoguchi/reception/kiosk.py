"""The self-service kiosk (発券機): a touch page signed in with the office's kiosk token.

IT opens `/kiosk/?token=TOKEN` once on the kiosk; the token then lives in a signed, HTTP-only cookie and the
address bar no longer shows it. Revoking the token in the admin stops the kiosk at its next tap.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.catalog.service import current_catalog
from madoguchi.reception.actions import do_issue_ticket, kiosk_for
from madoguchi.reception.concierge import chosen_purpose, purposes
from madoguchi.reception.models import KioskToken, Ticket
from madoguchi.reception.views import slip_context

COOKIE = "madoguchi_kiosk"
COOKIE_SALT = "madoguchi.kiosk"
COOKIE_AGE = 400 * 24 * 3600


def _kiosk(request: HttpRequest) -> KioskToken | None:
    token = request.get_signed_cookie(COOKIE, default="", salt=COOKIE_SALT)
    return kiosk_for(token) if token else None


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
        response.set_signed_cookie(
            COOKIE,
            token,
            salt=COOKIE_SALT,
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Strict",
            secure=request.is_secure(),
        )
        return response
    kiosk = _kiosk(request)
    if kiosk is None:
        return render(request, "reception/kiosk_setup.html", {}, status=401)
    return render(
        request,
        "reception/kiosk.html",
        {"kiosk": kiosk, "office": kiosk.office, "purposes": purposes(kiosk.office, current_catalog())},
    )


@require_POST
def kiosk_issue(request: HttpRequest) -> HttpResponse:
    kiosk = _kiosk(request)
    if kiosk is None:
        return render(request, "reception/kiosk_setup.html", {}, status=401)
    queue, event = chosen_purpose(kiosk.office, request.POST.get("purpose", ""))
    if queue is None:
        messages.error(request, _("ご用件を選んでください。"))
        return redirect("reception:kiosk")
    ticket = do_issue_ticket(kiosk, queue=queue, channel=Ticket.Channel.KIOSK, purpose=event)
    return redirect("reception:kiosk-ticket", ticket_id=ticket.pk)


def kiosk_ticket(request: HttpRequest, ticket_id: str) -> HttpResponse:
    kiosk = _kiosk(request)
    if kiosk is None:
        return render(request, "reception/kiosk_setup.html", {}, status=401)
    ticket = get_object_or_404(
        Ticket.objects.select_related("queue", "office"), pk=ticket_id, office=kiosk.office
    )
    return render(request, "reception/kiosk_ticket.html", slip_context(request, ticket) | {"kiosk": kiosk})
