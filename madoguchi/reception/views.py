"""Concierge screen, printable tickets and the resident's wait status page (from the QR code)."""

from __future__ import annotations

from uuid import UUID

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.catalog.service import current_catalog
from madoguchi.organization.models import Counter, Queue
from madoguchi.reception.actions import (
    TicketStateError,
    do_call_next,
    do_finish_service,
    do_issue_ticket,
    do_mark_no_show,
    do_start_service,
    do_transfer,
)
from madoguchi.reception.concierge import purposes
from madoguchi.reception.models import Ticket
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import ISSUE_TICKET, SERVE_COUNTER


def wait_status(request: HttpRequest, token: str) -> HttpResponse:
    """Position in the queue: priority tickets first, then by number. No personal data on this page."""
    ticket = get_object_or_404(Ticket.objects.select_related("queue", "office"), status_token=token)
    ahead = 0
    if ticket.status == Ticket.Status.WAITING:
        waiting = Ticket.objects.filter(
            queue=ticket.queue, business_day=ticket.business_day, status=Ticket.Status.WAITING
        )
        before = (
            Q(priority=True, number__lt=ticket.number)
            if ticket.priority
            else (Q(priority=True) | Q(number__lt=ticket.number))
        )
        ahead = waiting.filter(before).count()
    return render(request, "reception/wait.html", {"ticket": ticket, "ahead": ahead})


@login_required
def concierge(request: HttpRequest) -> HttpResponse:
    staff = _issuer(request)
    if staff.office is None:
        raise PermissionDenied
    return render(
        request,
        "reception/concierge.html",
        {"purposes": purposes(staff.office, current_catalog()), "office": staff.office},
    )


@login_required
@require_POST
def issue(request: HttpRequest) -> HttpResponse:
    staff = _issuer(request)
    queue = Queue.objects.filter(office=staff.office, pk=request.POST.get("queue") or 0).first()
    if queue is None:
        messages.error(request, _("受付区分を選んでください。"))
        return redirect("reception:concierge")
    ticket = do_issue_ticket(
        staff, queue=queue, channel=Ticket.Channel.CONCIERGE, priority=request.POST.get("priority") == "on"
    )
    return redirect("reception:ticket", ticket_id=ticket.pk)


@login_required
def ticket_slip(request: HttpRequest, ticket_id: UUID) -> HttpResponse:
    """The printable ticket (58/80 mm receipt printers and A6) with the QR code to the wait page."""
    staff = _issuer(request)
    ticket = get_object_or_404(
        Ticket.objects.select_related("queue", "office"), pk=ticket_id, office=staff.office
    )
    status_url = request.build_absolute_uri(reverse("reception:wait", args=[ticket.status_token]))
    # segno writes the SVG from our own URL; nothing a user typed goes into it
    qr = mark_safe(segno.make(status_url, error="m").svg_inline(scale=4, dark="#000000"))  # noqa: S308
    return render(request, "reception/ticket.html", {"ticket": ticket, "qr": qr, "status_url": status_url})


def _issuer(request: HttpRequest) -> Staff:
    user = request.user
    if not isinstance(user, Staff):
        raise PermissionDenied
    require(user, ISSUE_TICKET)
    return user


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _server(request: HttpRequest) -> Staff:
    user = request.user
    if not isinstance(user, Staff):
        raise PermissionDenied
    require(user, SERVE_COUNTER)
    return user


def _counter_context(staff: Staff, counter: Counter) -> dict[str, object]:
    today = timezone.localdate()
    current = (
        Ticket.objects.filter(
            counter=counter, business_day=today, status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING]
        )
        .select_related("queue", "transferred_from")
        .first()
    )
    waiting = Ticket.objects.filter(
        queue=counter.queue, business_day=today, status=Ticket.Status.WAITING
    ).count()
    return {
        "counter": counter,
        "current": current,
        "waiting": waiting,
        "counters": Counter.objects.filter(office=staff.office).select_related("queue"),
        "transfer_queues": Queue.objects.filter(office=staff.office).exclude(pk=counter.queue_id),
    }


@login_required
def counter_screen(request: HttpRequest) -> HttpResponse:
    """A clerk's counter: call the next resident, serve, finish, mark no-show or hand over."""
    staff = _server(request)
    counters = Counter.objects.filter(office=staff.office).select_related("queue")
    counter = counters.filter(pk=request.session.get("counter_id") or 0).first()
    if request.method == "POST" and request.POST.get("counter"):
        counter = counters.filter(pk=request.POST["counter"]).first()
        if counter is None:
            messages.error(request, _("窓口を選んでください。"))
        else:
            request.session["counter_id"] = counter.pk
        return redirect("reception:counter")
    if counter is None:
        return render(request, "reception/counter_choose.html", {"counters": counters})
    return render(request, "reception/counter.html", _counter_context(staff, counter))


@login_required
@require_POST
def counter_action(request: HttpRequest, action: str) -> HttpResponse:
    staff = _server(request)
    counter = get_object_or_404(Counter, pk=request.session.get("counter_id") or 0, office=staff.office)
    ticket_id = _uuid(request.POST.get("ticket", ""))
    ticket = Ticket.objects.filter(pk=ticket_id, office=staff.office).first() if ticket_id else None
    try:
        if action == "call":
            if do_call_next(staff, counter=counter) is None:
                messages.info(request, _("お待ちの方はいません。"))
        elif ticket is None:
            messages.error(request, _("整理券を選んでください。"))
        elif action == "serve":
            do_start_service(staff, ticket, counter=counter)
        elif action == "finish":
            do_finish_service(staff, ticket, counter=counter)
        elif action == "no-show":
            do_mark_no_show(staff, ticket, counter=counter)
        elif action == "transfer":
            to_queue = get_object_or_404(Queue, pk=request.POST.get("queue") or 0, office=staff.office)
            handed = do_transfer(
                staff, ticket, counter=counter, to_queue=to_queue, note=request.POST.get("note", "")
            )
            messages.success(request, _("%(ticket)s として引き継ぎました。") % {"ticket": handed.display})
        else:
            return HttpResponse(status=404)
    except TicketStateError as error:
        messages.error(request, error.message)
    return redirect("reception:counter")
