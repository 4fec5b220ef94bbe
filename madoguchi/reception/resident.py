"""The resident's wait page (from the ticket's QR code): position, estimated wait, and notices.

No sign-in and no personal data: the page is found by the ticket's unguessable status token.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.notifications.service import InvalidRecipient, clean_recipient
from madoguchi.reception.actions import TicketStateError, do_set_notification
from madoguchi.reception.models import Ticket
from madoguchi.reception.waiting import NEAR_AHEAD, estimate
from madoguchi.transactions import CompiledQuery

# Every wait page and each of its live refreshes reads the ticket first, and after a hand-over the tickets
# handed on from it: their SQL compiled once per process.
_BY_STATUS_TOKEN = CompiledQuery(
    lambda token: Ticket.objects.select_related("queue", "office", "counter").filter(status_token=token)
)
_HANDED_ON = CompiledQuery(
    lambda pk: (
        Ticket.objects.select_related("queue", "office", "counter")
        .filter(transferred_from_id=pk)
        .order_by("-issued_at")[:1]
    )
)


def _ticket(token: str) -> Ticket:
    ticket = _BY_STATUS_TOKEN.first(token=token)
    if ticket is None:
        raise Http404("no such ticket")
    return ticket


def current_turn(ticket: Ticket) -> Ticket:
    """The resident's turn now: the ticket itself, or, after hand-overs to other counters, the newest ticket
    handed on from it (the wait page from the first QR code follows the resident to the department)."""
    current = ticket
    for _hop in range(10):  # a hand-over chain is short; this bounds a corrupt one
        handed = _HANDED_ON.first(pk=current.pk)
        if handed is None:
            break
        current = handed
    return current


def _ahead_forms() -> dict[str, str]:
    """ "N people ahead" for 1 and for other numbers, with {n} for the number: the page's script words its
    own count with them (the one/other rule of Japanese and English)."""
    return {
        form: ngettext("前に %(n)s 人", "前に %(n)s 人", count) % {"n": "{n}"}
        for form, count in (("one", 1), ("other", 2))
    }


def _context(ticket: Ticket) -> dict[str, object]:
    first = ticket
    ticket = current_turn(ticket) if ticket.status == Ticket.Status.TRANSFERRED else ticket
    return {
        "ticket": ticket,
        "first": first,  # the ticket of the QR code, when the resident has been handed over since
        "estimate": estimate(ticket) if ticket.status == Ticket.Status.WAITING else None,
        "near_ahead": NEAR_AHEAD,
        "ahead_forms": _ahead_forms(),
    }


def wait_status(request: HttpRequest, token: str) -> HttpResponse:
    ticket = _ticket(token)
    template = "reception/wait.html#status" if request.GET.get("part") == "status" else "reception/wait.html"
    return render(request, template, _context(ticket))


@require_POST
def wait_notify(request: HttpRequest, token: str) -> HttpResponse:
    """Ask for an e-mail or SMS when the turn is near. Either field may be given; one is enough."""
    ticket = current_turn(_ticket(token))  # after a hand-over: for the new ticket
    email = request.POST.get("email", "").strip()
    phone = request.POST.get("phone", "").strip()
    errors: dict[str, str] = {}
    if not email and not phone:
        errors["email"] = _("メールアドレスか携帯電話番号を入力してください。")
    for field, channel, value in (("email", "email", email), ("phone", "sms", phone)):
        if value:
            try:
                cleaned = clean_recipient(channel, value)
            except InvalidRecipient as error:
                errors[field] = error.reason
            else:
                email, phone = (cleaned, phone) if field == "email" else (email, cleaned)
    if not errors:
        try:
            do_set_notification(ticket, email=email, phone=phone, language=get_language())
        except TicketStateError as error:
            errors["email"] = error.message
    if errors:
        context = _context(ticket) | {"errors": errors, "values": {"email": email, "phone": phone}}
        return render(request, "reception/wait.html", context, status=400)
    messages.success(request, _("順番が近づいたらお知らせします。"))
    return redirect("reception:wait", token=token)
