"""Concierge screen, printable tickets and the resident's wait status page (from the QR code)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.catalog.service import current_catalog
from madoguchi.organization.models import Counter, Queue
from madoguchi.reception.actions import (
    TicketStateError,
    do_call_next,
    do_close_counter,
    do_finish_service,
    do_issue_ticket,
    do_mark_no_show,
    do_open_case,
    do_open_counter,
    do_recall,
    do_start_service,
    do_transfer,
    open_shift,
)
from madoguchi.reception.concierge import chosen_purpose, purposes
from madoguchi.reception.models import CounterShift, Ticket
from madoguchi.reception.states import TICKET
from madoguchi.rules.facts import EVENTS, labels
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability, staff_for
from madoguchi.staff.roles import HANDLE_CASE, HANDLE_DEPARTMENT_PROCEDURE, ISSUE_TICKET, SERVE_COUNTER
from madoguchi.ui.inputs import parse_int
from madoguchi.ui.languages import DOCUMENT_LANGUAGES, document_language


@login_required
def concierge(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, ISSUE_TICKET)
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
    staff = staff_for(request, ISSUE_TICKET)
    queue, event = chosen_purpose(staff.office, request.POST.get("purpose", ""))
    if queue is None:
        messages.error(request, _("ご用件を選んでください。"))
        return redirect("reception:concierge")
    ticket = do_issue_ticket(
        staff,
        queue=queue,
        channel=Ticket.Channel.CONCIERGE,
        priority=request.POST.get("priority") == "on",
        purpose=event,
    )
    return redirect("reception:ticket", ticket_id=ticket.pk)


@login_required
def ticket_slip(request: HttpRequest, ticket_id: UUID) -> HttpResponse:
    """The printable ticket (58/80 mm receipt printers and A6) with the QR code to the wait page: the
    concierge's, and the counter's for a resident handed over to another counter."""
    staff = staff_for(request, ISSUE_TICKET, SERVE_COUNTER)
    ticket = get_object_or_404(
        Ticket.objects.select_related("queue", "office"), pk=ticket_id, office=staff.office
    )
    # printed by staff: in Japanese unless the clerk picks the resident's language (?lang=en)
    return render(request, "reception/ticket.html", slip_context(request, ticket, default_language="ja"))


TICKET_FORMATS = ("80mm", "58mm", "a6")


def slip_context(
    request: HttpRequest, ticket: Ticket, default_language: str | None = None
) -> dict[str, object]:
    """What every printed ticket shows; `?format=58mm|80mm|a6` picks the paper (80 mm receipt by default)."""
    status_url = request.build_absolute_uri(reverse("reception:wait", args=[ticket.status_token]))
    # segno writes the SVG from our own URL; nothing a user typed goes into it
    # a viewBox and no fixed size, so that each paper's stylesheet scales the whole code (a fixed width and
    # height with CSS sizing would crop it)
    qr = mark_safe(  # noqa: S308
        segno.make(status_url, error="m").svg_inline(scale=4, dark="#000000", omitsize=True)
    )
    paper = request.GET.get("format", "80mm")
    return {
        "ticket": ticket,
        "qr": qr,
        "status_url": status_url,
        "paper": paper if paper in TICKET_FORMATS else "80mm",
        "formats": TICKET_FORMATS,
        # the resident's language (?lang=), else `default_language`, else the screen's (the kiosk)
        "slip_language": document_language(request.GET.get("lang") or default_language or get_language()),
        "slip_languages": DOCUMENT_LANGUAGES,
    }


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _counter_context(staff: Staff, counter: Counter) -> dict[str, object]:
    today = timezone.localdate()
    current = (
        Ticket.objects.filter(
            counter=counter, business_day=today, status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING]
        )
        .select_related("queue", "transferred_from", "case")
        .first()
    )
    waiting = Ticket.objects.filter(
        queue=counter.queue, business_day=today, status=Ticket.Status.WAITING
    ).count()
    return {
        "counter": counter,
        "current": current,
        "steps": TICKET.allowed(current) if current is not None else [],
        "waiting": waiting,
        # the count in the page, kept live by counter.js from the office's board stream (data-stream-url, not
        # data-live-url: live.js refetches every data-live-url element's page into it)
        "waiting_live": format_html(
            '<span data-waiting-queue="{}" data-stream-url="{}">{}</span>',
            counter.queue.code,
            reverse("reception:board-events", args=[counter.office.code]),
            waiting,
        ),
        "counters": Counter.objects.filter(office=staff.office).select_related("queue"),
        "transfer_queues": Queue.objects.filter(office=staff.office).exclude(pk=counter.queue_id),
        "events": list(labels("event", get_language()).items()),
        "can_open_case": has_capability(staff, HANDLE_CASE),
        # a department's clerk sees the case handed over with the resident on the department's screen
        "can_see_handed_case": has_capability(staff, HANDLE_DEPARTMENT_PROCEDURE)
        and bool(staff.department_id),
        "today": today,
    }


def _my_counter(staff: Staff) -> Counter | None:
    """The counter the clerk holds today (opened on this or another terminal)."""
    shift = (
        CounterShift.objects.filter(staff=staff, closed_at__isnull=True, opened_at__date=timezone.localdate())
        .select_related("counter__queue")
        .first()
    )
    return shift.counter if shift else None


@login_required
def counter_screen(request: HttpRequest) -> HttpResponse:
    """A clerk's counter: call the next resident, serve, finish, mark no-show or hand over."""
    staff = staff_for(request, SERVE_COUNTER)
    counters = Counter.objects.filter(office=staff.office).select_related("queue")
    if request.method == "POST":
        counter = counters.filter(pk=parse_int(request.POST.get("counter") or "0", "counter")).first()
        if counter is None:
            messages.error(request, _("窓口を選んでください。"))
        else:
            held = open_shift(counter)
            if held is not None and held.staff_id != staff.pk:
                messages.warning(
                    request,
                    _("%(counter)s は %(staff)s さんが使っていました。引き継いで開きます。")
                    % {"counter": counter.name, "staff": held.staff.full_name or held.staff.username},
                )
            do_open_counter(staff, counter=counter)
        return redirect("reception:counter")
    counter = _my_counter(staff)
    if counter is None:
        shifts = {
            shift.counter_id: shift
            for shift in CounterShift.objects.filter(
                counter__office=staff.office, closed_at__isnull=True, opened_at__date=timezone.localdate()
            ).select_related("staff")
        }
        # A department's staff find their own department's counters first.
        preferred = next(
            (c.pk for c in counters if staff.department_id and c.queue.department_id == staff.department_id),
            None,
        )
        return render(
            request,
            "reception/counter_choose.html",
            {"counters": [(counter, shifts.get(counter.pk)) for counter in counters], "preferred": preferred},
        )
    context = _counter_context(staff, counter)
    handed_id = _uuid(request.GET.get("handed", ""))
    if handed_id is not None:
        context["handed"] = (
            Ticket.objects.select_related("queue").filter(pk=handed_id, office=staff.office).first()
        )
    return render(request, "reception/counter.html", context)


@login_required
@require_POST
def counter_action(request: HttpRequest, action: str) -> HttpResponse:
    staff = staff_for(request, SERVE_COUNTER)
    if action == "close":
        do_close_counter(staff)
        messages.success(request, _("窓口を閉じました。"))
        return redirect("reception:counter")
    counter = _my_counter(staff)
    if counter is None:
        messages.error(request, _("先に窓口を開いてください。"))
        return redirect("reception:counter")
    ticket_id = _uuid(request.POST.get("ticket", ""))
    ticket = Ticket.objects.filter(pk=ticket_id, office=staff.office).first() if ticket_id else None
    try:
        if action == "call":
            if do_call_next(staff, counter=counter) is None:
                messages.info(request, _("お待ちの方はいません。"))
        elif ticket is None:
            messages.error(request, _("整理券を選んでください。"))
        elif action == "recall":
            do_recall(staff, ticket, counter=counter)
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
            # the counter says so and offers the new ticket to print (the first QR code follows it too)
            return redirect(f"{reverse('reception:counter')}?handed={handed.pk}")
        elif action == "case":
            return _open_case(request, staff, ticket)
        else:
            return HttpResponse(status=404)
    except TicketStateError as error:
        messages.error(request, error.message)
    return redirect("reception:counter")


def _open_case(request: HttpRequest, staff: Staff, ticket: Ticket) -> HttpResponse:
    event = request.POST.get("event", "") or ticket.purpose
    if ticket.case_id is None and event not in EVENTS:
        messages.error(request, _("ライフイベントを選んでください。"))
        return redirect("reception:counter")
    try:
        event_date = date.fromisoformat(
            request.POST.get("event_date", "") or timezone.localdate().isoformat()
        )
    except ValueError:
        messages.error(request, _("届出の事由が生じた日を YYYY-MM-DD で入力してください。"))
        return redirect("reception:counter")
    case = do_open_case(staff, ticket, event=event, event_date=event_date)
    return redirect("cases:detail", case_id=case.pk)
