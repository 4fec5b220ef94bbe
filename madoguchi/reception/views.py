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
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.catalog.service import current_catalog
from madoguchi.organization.models import Queue
from madoguchi.reception.actions import do_issue_ticket
from madoguchi.reception.concierge import purposes
from madoguchi.reception.models import Ticket
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import ISSUE_TICKET


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
