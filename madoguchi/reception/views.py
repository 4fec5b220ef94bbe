"""The resident's wait status page (from the QR code on the ticket)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from madoguchi.reception.models import Ticket


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
