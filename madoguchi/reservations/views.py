"""The resident's booking pages (no sign-in, phone first) and the staff's reservation screen."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.organization.models import Office, Queue
from madoguchi.reservations.actions import (
    LATE_MINUTES,
    BookingError,
    BookingLimitReached,
    ReservationStateError,
    Resident,
    SlotFull,
    available_slots,
    check_bookable,
    check_contact,
    do_book,
    do_cancel,
    do_check_in,
    do_mark_no_show,
    find_by_code,
    open_days,
)
from madoguchi.reservations.forms import BookingForm, reservable_queues
from madoguchi.reservations.models import Reservation
from madoguchi.reservations.states import RESERVATION
from madoguchi.rules.calendar import add_business_days
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import staff_for
from madoguchi.staff.roles import ISSUE_TICKET
from madoguchi.staff.throttling import client_ip
from madoguchi.ui.inputs import BadInput, check_date


def _day(text: str) -> date | None:
    """The ISO date of a query string, or None when there is none, it is not one, or it is so far away
    that the week around it cannot be counted (9999-12-31)."""
    try:
        return check_date(date.fromisoformat(text), "date")
    except (ValueError, BadInput):
        return None


def _book(
    form: BookingForm, actor: Staff | Resident, channel: str, **public: str
) -> tuple[Reservation | None, int]:
    """Book what the form holds. Refused: no reservation, the messages at the form's fields and the status
    to answer with (409 when the slot filled up meanwhile, 429 over a resident's limits, else 400).
    `public`: the source address and the confirmation's key of a booking on the public pages."""
    if not form.is_valid():
        return None, 400
    data = form.cleaned_data
    try:
        reservation = do_book(
            actor,
            queue=data["queue"],
            day=data["day"],
            start=data["start"],
            name_kana=data["name_kana"],
            phone=data["phone"],
            email=data["email"],
            purpose=data["purpose"],
            channel=channel,
            language=get_language() if channel == Reservation.Channel.RESIDENT else settings.LANGUAGE_CODE,
            **public,
        )
    except BookingError as error:
        form.add_booking_error(error)
        if isinstance(error, BookingLimitReached):
            return None, 429
        return None, 409 if isinstance(error, SlotFull) else 400
    return reservation, 200


# --- Resident pages ---------------------------------------------------------------------------------


def choose_office(request: HttpRequest) -> HttpResponse:
    """Step 1: the office."""
    offices = Office.objects.filter(queues__reservation_schedule__active=True).distinct()
    return render(request, "reservations/offices.html", {"offices": offices})


def _resident_steps(office: Office, queue: Queue | None, day: date | None) -> dict[str, Any]:
    days = open_days(queue) if queue is not None else []
    return {
        "office": office,
        "queues": list(reservable_queues(office)),
        "queue": queue,
        "day": day,
        "days": days,
        "slots": available_slots(queue, day, include_full=True) if queue and day else [],
    }


def reserve(request: HttpRequest, office_code: str) -> HttpResponse:
    """Steps 2–4 on one page: the counter, the day, then a free time and the resident's details."""
    office = get_object_or_404(Office, code=office_code)
    queues = reservable_queues(office)
    if not queues.exists():
        raise Http404
    if request.method == "POST":
        form = BookingForm(request.POST, office=office)
        if request.POST.get("confirm") == "1" and "edit" not in request.POST:
            reservation, status = _confirm(request, office, form)
            if reservation is not None:
                messages.success(request, _("予約を受け付けました。"))
                return redirect("reservations:manage", token=reservation.manage_token)
        elif "edit" not in request.POST and form.is_valid():
            return _confirmation_page(request, office, form)
        else:
            status = 200 if "edit" in request.POST else 400
        context = _resident_steps(office, form.cleaned_data.get("queue"), form.cleaned_data.get("day"))
        return render(request, "reservations/reserve.html", {**context, "form": form}, status=status)

    queue = queues.filter(code=request.GET.get("queue", "")).first()
    day = _day(request.GET.get("date", ""))
    steps = _resident_steps(office, queue, day)
    problem = ""
    if "queue" in request.GET and queue is None:
        problem = _("受付窓口を選び直してください。")
    elif queue is not None and day is not None and not steps["slots"]:
        problem, day = _("この日は予約できません。別の日を選んでください。"), None
        steps["day"] = None
    elif "date" in request.GET and day is None:
        problem = _("この日は予約できません。別の日を選んでください。")
    form = BookingForm(office=office, initial={"queue": queue.code if queue else "", "day": day})
    context = {**steps, "form": form, "problem": problem}
    return render(request, "reservations/reserve.html", context, status=400 if problem else 200)


REQUEST_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _confirmation_page(request: HttpRequest, office: Office, form: BookingForm) -> HttpResponse:
    """What will be booked, before anything is held: only "予約を確定する" on this page books, once."""
    data = form.cleaned_data
    try:
        check_bookable(data["queue"], data["day"], data["start"])
    except BookingError as error:
        context = _resident_steps(office, data["queue"], None)  # choose the day again
        form.add_booking_error(error)
        return render(request, "reservations/reserve.html", {**context, "form": form}, status=400)
    slots = available_slots(data["queue"], data["day"], include_full=True)
    slot = next((s for s in slots if s.start == data["start"]), None)
    if slot is None or slot.full:
        form.add_error("start", _("この時間は満員になりました。別の時間を選んでください。"))
        context = _resident_steps(office, data["queue"], data["day"])
        return render(request, "reservations/reserve.html", {**context, "form": form}, status=409)
    contact = check_contact(
        name_kana=data["name_kana"], phone=data["phone"], email=data["email"], purpose=data["purpose"]
    )
    context = {
        "office": office,
        "form": form,
        "queue": data["queue"],
        "slot": slot,
        "day": data["day"],
        "contact": contact,
        "request_key": secrets.token_urlsafe(24),
    }
    response = render(request, "reservations/confirm.html", context)
    response["Cache-Control"] = "no-store"  # the page shows the resident's name and contact
    return response


def _confirm(request: HttpRequest, office: Office, form: BookingForm) -> tuple[Reservation | None, int]:
    key = request.POST.get("request_key", "")
    if not REQUEST_KEY.fullmatch(key):
        form.is_valid()
        form.add_error(None, _("予約の確認画面からもう一度お申し込みください。"))
        return None, 400
    return _book(
        form,
        Resident(office.code),
        Reservation.Channel.RESIDENT,
        source_address=client_ip(request),
        request_key=key,
    )


def _held_by_token(token: str) -> Reservation:
    return get_object_or_404(
        Reservation.objects.select_related("queue__office", "ticket"), manage_token=token
    )


def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The resident's own page (the link on the confirmation): the reservation, and a way to cancel it."""
    reservation = _held_by_token(token)
    context = {
        "reservation": reservation,
        "office": reservation.queue.office,
        "manage_url": request.build_absolute_uri(),
        "can_cancel": RESERVATION.allows(reservation, "cancel") and reservation.starts_at > timezone.now(),
        "late_minutes": LATE_MINUTES,
    }
    response = render(request, "reservations/manage.html", context)
    response["Cache-Control"] = "no-store"  # the page shows the resident's name and contact
    return response


@require_POST
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    reservation = _held_by_token(token)
    resident = Resident(reservation.queue.office.code, reservation_code=reservation.code)
    try:
        do_cancel(resident, reservation)
        messages.success(request, _("予約を取り消しました。"))
    except ReservationStateError as error:
        messages.error(request, error.message)
    return redirect("reservations:manage", token=token)


# --- Staff screen -----------------------------------------------------------------------------------


def _issuer(request: HttpRequest) -> tuple[Staff, Office]:
    staff = staff_for(request, ISSUE_TICKET)
    if staff.office is None:
        raise PermissionDenied
    return staff, staff.office


def access_reservation(staff: Staff, reservation_id: UUID) -> Reservation:
    """A reservation of the staff member's own office."""
    reservation = get_object_or_404(
        Reservation.objects.select_related("queue__office", "ticket"), pk=reservation_id
    )
    if reservation.queue.office_id != staff.office_id:
        raise PermissionDenied(_("他の庁舎の予約は扱えません。"))
    return reservation


@dataclass(frozen=True)
class Row:
    """One reservation on the staff screen, with the buttons that apply to it now."""

    reservation: Reservation
    can_check_in: bool
    can_no_show: bool


def _rows(reservations: list[Reservation]) -> list[Row]:
    now, today = timezone.now(), timezone.localdate()
    return [
        Row(
            reservation=r,
            can_check_in=RESERVATION.allows(r, "check_in") and r.day == today,
            can_no_show=RESERVATION.allows(r, "no_show") and r.starts_at <= now,
        )
        for r in reservations
    ]


def _list_url(day: date, queue: Queue | None = None) -> str:
    query = {"date": day.isoformat(), **({"queue": queue.code} if queue else {})}
    return f"{reverse('reservations:list')}?{urlencode(query)}"


def _staff_context(
    office: Office, day: date, queue: Queue | None, form: BookingForm | None = None, **lookup: Any
) -> dict[str, Any]:
    queues = list(reservable_queues(office))
    booking_queue = queue or (queues[0] if queues else None)
    reservations = list(
        Reservation.objects.filter(queue__office=office, day=day)
        .select_related("queue", "ticket")
        .order_by("queue__sort_order", "queue__code", "start", "created_at")
    )
    rows = _rows(reservations)
    # Every queue that takes reservations, and any other that still has some this day.
    shown = {queue.pk: queue for queue in queues} | {r.queue_id: r.queue for r in reservations}
    groups = [
        (queue, [row for row in rows if row.reservation.queue_id == queue.pk]) for queue in shown.values()
    ]
    initial = {"queue": booking_queue.code if booking_queue else "", "day": day}
    return {
        "office": office,
        "day": day,
        "today": timezone.localdate(),
        "previous_day": add_business_days(day, -1),
        "next_day": add_business_days(day, 1),
        "groups": groups,
        "found": _rows([lookup["found"]])[0] if lookup.get("found") else None,
        "code": lookup.get("code", ""),
        "code_error": lookup.get("code_error", ""),
        "queues": queues,
        "booking_queue": booking_queue,
        "slots": available_slots(booking_queue, day, include_full=True) if booking_queue else [],
        "form": form or BookingForm(office=office, initial=initial),
    }


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """The day's reservations of the office by queue and time; booking for a caller; lookup by code."""
    _staff, office = _issuer(request)
    day = _day(request.GET.get("date", "")) or timezone.localdate()
    queue = reservable_queues(office).filter(code=request.GET.get("queue", "")).first()
    code = request.GET.get("code", "").strip()
    lookup: dict[str, Any] = {"code": code}
    status = 200
    if code:
        found = find_by_code(code)
        if found is None:
            lookup["code_error"], status = _("この予約番号の予約は見つかりません。"), 404
        elif found.queue.office_id != office.pk:
            lookup["code_error"] = _("この予約は%(office)sの予約です。") % {"office": found.queue.office.name}
            status = 403
        else:
            lookup["found"], day = found, found.day
    context = _staff_context(office, day, queue, **lookup)
    return render(request, "reservations/staff_list.html", context, status=status)


@login_required
@require_POST
def staff_book(request: HttpRequest) -> HttpResponse:
    """Book for a resident on the phone or at the desk."""
    staff, office = _issuer(request)
    form = BookingForm(request.POST, office=office)
    reservation, status = _book(form, staff, Reservation.Channel.STAFF)
    if reservation is not None:
        messages.success(
            request,
            _("予約しました。予約番号は %(code)s です。お名前と一緒にお伝えください。")
            % {"code": reservation.display_code},
        )
        return redirect(_list_url(reservation.day, reservation.queue))
    cleaned = form.cleaned_data
    context = _staff_context(office, cleaned.get("day") or timezone.localdate(), cleaned.get("queue"), form)
    return render(request, "reservations/staff_list.html", context, status=status)


@login_required
@require_POST
def staff_action(request: HttpRequest, reservation_id: UUID, action: str) -> HttpResponse:
    staff, _office = _issuer(request)
    reservation = access_reservation(staff, reservation_id)
    try:
        if action == "check-in":
            check_in = do_check_in(staff, reservation)
            if check_in.late:
                messages.warning(
                    request,
                    _("予約の時刻から%(minutes)d分以上過ぎているため、優先なしの整理券を発行しました。")
                    % {"minutes": LATE_MINUTES},
                )
            else:
                messages.success(request, _("予約の方として、優先の整理券を発行しました。"))
            return redirect("reception:ticket", ticket_id=check_in.ticket.pk)
        if action == "cancel":
            do_cancel(staff, reservation)
            code = reservation.display_code
            messages.success(request, _("予約 %(code)s を取り消しました。") % {"code": code})
        elif action == "no-show":
            do_mark_no_show(staff, reservation)
        else:
            return HttpResponse(status=404)
    except ReservationStateError as error:
        messages.error(request, error.message)
    return redirect(_list_url(reservation.day, reservation.queue))
