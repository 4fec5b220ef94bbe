"""The office's kiosk reads a preparation's code: the resident checks in and gets their ticket, the case is
opened for the clerk who will call it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.preparation import actions, codes
from madoguchi.reception.actions import do_remember_kiosk_ticket, kiosk_session_for
from madoguchi.reception.kiosk import COOKIE
from madoguchi.reservations.states import ReservationStateError

MAX_TEXT = 4000 * 16


@require_POST
def check_in(request: HttpRequest) -> HttpResponse:
    session = kiosk_session_for(request.COOKIES.get(COOKIE, ""))
    if session is None:
        return render(request, "reception/kiosk_setup.html", {}, status=401)
    texts = [t for t in request.POST.get("code", "")[:MAX_TEXT].splitlines() if t.strip()]
    try:
        if not texts:
            raise codes.CodeRefused("unreadable", "nothing was read")
        arrival = actions.arrive_at_kiosk(session.kiosk, actions.read_codes(texts))
    except actions.Incomplete as incomplete:
        messages.error(
            request,
            _("QRコードは%(total)s個あります。すべてを続けて読み取らせてください。")
            % {"total": incomplete.total},
        )
        return redirect("reception:kiosk")
    except codes.CodeRefused as refused:
        messages.error(
            request,
            _("このQRコードでは受付できません。総合案内へお越しください。（%(why)s）")
            % {"why": refused.message},
        )
        return redirect("reception:kiosk")
    except ReservationStateError as error:
        messages.error(request, str(error))
        return redirect("reception:kiosk")
    do_remember_kiosk_ticket(session, arrival.ticket)
    return redirect("reception:kiosk-ticket", ticket_id=arrival.ticket.pk)
