"""Every write to reservations, and the free slots a resident may book.

A slot holds at most `capacity` reservations: booking locks the queue's schedule row and counts under that
lock, so two residents taking the last place at the same moment cannot both get it.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from madoguchi.audit.chain import AuditActor, record, snapshot
from madoguchi.identity import kana
from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.phone import normalize as normalize_phone
from madoguchi.notifications.service import InvalidRecipient, notify
from madoguchi.organization.models import Queue
from madoguchi.reception.actions import do_issue_ticket
from madoguchi.reception.models import KioskToken, Ticket
from madoguchi.reservations.models import (
    CODE_LENGTH,
    Reservation,
    ReservationSchedule,
    at_office,
    new_code,
)
from madoguchi.reservations.states import RESERVATION, ReservationStateError
from madoguchi.rules.calendar import add_business_days, is_business_day, next_business_days
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import ISSUE_TICKET, MANAGE_ORGANIZATION
from madoguchi.transactions import atomic_action, lock
from madoguchi.ui.languages import document_language, english_date, is_english

# A resident who checks in later than this after the slot's start is still served, but without priority.
LATE_MINUTES = 30
LATE_AFTER = timedelta(minutes=LATE_MINUTES)
PURPOSE_MAX_LENGTH = 100
NAME_KANA_MAX_LENGTH = 80
EMAIL_MAX_LENGTH = 254
CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class Resident:
    """A resident on the public pages: anonymous, known only by the reservation they hold (if any)."""

    office_code: str
    reservation_code: str = ""

    @property
    def audit_name(self) -> str:
        return f"resident:{self.reservation_code}" if self.reservation_code else "resident"

    @property
    def audit_role(self) -> str:
        return "resident"

    @property
    def audit_office(self) -> str:
        return self.office_code


@dataclass(frozen=True)
class Slot:
    start: time
    end: time
    capacity: int
    remaining: int

    @property
    def full(self) -> bool:
        return self.remaining <= 0


@dataclass(frozen=True)
class OpenDay:
    day: date
    remaining: int  # places left in the day's future slots


@dataclass(frozen=True)
class CheckIn:
    reservation: Reservation
    ticket: Ticket
    late: bool  # checked in more than LATE_AFTER after the slot's start: the ticket has no priority


class BookingError(Exception):
    """The booking was refused; `errors` maps each form field to a Japanese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        self.message = " ".join(errors.values())
        super().__init__(self.message)


class SlotFull(BookingError):
    """Every place of the slot is taken (perhaps a moment ago, by someone else)."""


class BookingLimitReached(BookingError):
    """A resident's contact or source address already holds as many bookings as the city allows
    (MADOGUCHI_BOOKINGS_PER_PHONE, MADOGUCHI_BOOKINGS_PER_ADDRESS_PER_HOUR)."""


def source_hash(address: str) -> str:
    """The keyed hash under which a public booking remembers its source address."""
    return salted_hmac("madoguchi.reservation-source", address).hexdigest() if address else ""


def request_key_hash(key: str) -> str | None:
    return salted_hmac("madoguchi.reservation-request", key).hexdigest() if key else None


def _check_resident_limits(contact: Contact, source: str) -> None:
    """Refuse a public booking over the limits: one anonymous client must not take a whole day."""
    today = timezone.localdate()
    active = Reservation.objects.filter(status=Reservation.Status.BOOKED, day__gte=today)
    per_contact = settings.MADOGUCHI_BOOKINGS_PER_PHONE
    errors: dict[str, str] = {}
    if contact.phone and active.filter(phone=contact.phone).count() >= per_contact:
        errors["phone"] = _(
            "この電話番号で予約できるのは%(n)d件までです。予約を取り消すか、ご来庁の後にもう一度お申し込みください。"
        ) % {"n": per_contact}
    if contact.email and active.filter(email__iexact=contact.email).count() >= per_contact:
        errors["email"] = _(
            "このメールアドレスで予約できるのは%(n)d件までです。予約を取り消すか、ご来庁の後にもう一度お申し込みください。"
        ) % {"n": per_contact}
    per_address = settings.MADOGUCHI_BOOKINGS_PER_ADDRESS_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    if (
        source
        and Reservation.objects.filter(source_hash=source, created_at__gte=since).count() >= per_address
    ):
        errors["source"] = _(
            "この端末からの予約が多すぎます。しばらく（1時間ほど）待ってから、もう一度お試しください。"
        )
    if errors:
        raise BookingLimitReached(errors)


# --- Reading: the schedule, open days and free slots ------------------------------------------------


def schedule_of(queue: Queue) -> ReservationSchedule | None:
    """The queue's schedule if it takes reservations now."""
    return ReservationSchedule.objects.filter(queue=queue, active=True).first()


def last_bookable_day(schedule: ReservationSchedule, today: date) -> date:
    return add_business_days(today, schedule.days_ahead)


def _bookable_day(schedule: ReservationSchedule, day: date, today: date) -> bool:
    return today <= day <= last_bookable_day(schedule, today) and is_business_day(day)


def _held(queue: Queue, days: list[date]) -> dict[tuple[date, time], int]:
    rows = (
        Reservation.objects.filter(queue=queue, day__in=days, status__in=Reservation.HOLDING)
        .values("day", "start")
        .annotate(held=Count("id"))
    )
    return {(row["day"], row["start"]): row["held"] for row in rows}


def _slots(schedule: ReservationSchedule, day: date, held: dict[tuple[date, time], int]) -> list[Slot]:
    now = timezone.now()
    found = []
    for start in schedule.slot_starts():
        if at_office(day, start) <= now:
            continue
        end = (at_office(day, start) + schedule.slot_length).time()
        remaining = max(schedule.capacity - held.get((day, start), 0), 0)
        found.append(Slot(start=start, end=end, capacity=schedule.capacity, remaining=remaining))
    return found


def available_slots(queue: Queue, day: date, *, include_full: bool = False) -> list[Slot]:
    """The day's future slots with places left (every future slot with `include_full`). Empty unless the
    queue takes reservations and `day` is a business day within its booking window."""
    schedule = schedule_of(queue)
    if schedule is None or not _bookable_day(schedule, day, timezone.localdate()):
        return []
    slots = _slots(schedule, day, _held(queue, [day]))
    return slots if include_full else [slot for slot in slots if not slot.full]


def open_days(queue: Queue) -> list[OpenDay]:
    """Every business day of the queue's booking window, from today, with the places left that day."""
    schedule = schedule_of(queue)
    if schedule is None:
        return []
    today = timezone.localdate()
    days = next_business_days(today, schedule.days_ahead + 1)
    days = [day for day in days if day <= last_bookable_day(schedule, today)]
    held = _held(queue, days)
    return [
        OpenDay(day=day, remaining=sum(slot.remaining for slot in _slots(schedule, day, held)))
        for day in days
    ]


def normalize_code(text: str) -> str:
    """A code as typed: 「ａｃｅｆ－ｇｈ３４」, "acef gh34" and "ACEF-GH34" all give "ACEFGH34"."""
    return re.sub(r"[\s\-]", "", kana.ascii_digits(unicodedata.normalize("NFKC", text))).upper()


def find_by_code(code: str) -> Reservation | None:
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        return None
    return Reservation.objects.select_related("queue__office", "ticket").filter(code=normalized).first()


# --- Permission -------------------------------------------------------------------------------------


def _check_staff(actor: AuditActor, queue: Queue) -> None:
    if isinstance(actor, KioskToken):  # the office's kiosk checks in a reservation shown to it (a QR code)
        if actor.revoked_at is not None or actor.office_id != queue.office_id:
            raise PermissionDenied(_("この発券機はこの予約を受け付けられません。"))
        return
    require(actor, ISSUE_TICKET)
    if isinstance(actor, Staff) and actor.office_id != queue.office_id:
        raise PermissionDenied(_("他の庁舎の予約は扱えません。"))


def _check_holder(actor: AuditActor, reservation: Reservation) -> None:
    """Staff of the reservation's office, or the resident holding it (their manage link)."""
    if isinstance(actor, Resident):
        if actor.reservation_code != reservation.code:
            raise PermissionDenied(_("この予約を操作することはできません。"))
        return
    _check_staff(actor, reservation.queue)


# --- Schedules --------------------------------------------------------------------------------------


@atomic_action
def do_upsert_schedule(
    actor: AuditActor,
    *,
    queue: Queue,
    slot_minutes: int = 30,
    capacity: int = 2,
    opens_at: time = time(8, 45),
    closes_at: time = time(17, 0),
    days_ahead: int = 20,
    active: bool = True,
) -> ReservationSchedule:
    """Create the queue's schedule or bring it to these values; audit only what changed, so reruns write
    nothing. Raises ValidationError for a queue that cannot take reservations."""
    require(actor, MANAGE_ORGANIZATION)
    values: dict[str, Any] = {
        "slot_minutes": slot_minutes,
        "capacity": capacity,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "days_ahead": days_ahead,
        "active": active,
    }
    fields = list(values)
    schedule = lock(ReservationSchedule.objects.filter(queue=queue)).first()
    if schedule is None:
        schedule = ReservationSchedule(queue=queue, **values)
        schedule.full_clean()
        schedule.save()
        after = {"queue": f"{queue.office.code}/{queue.code}", **snapshot(schedule, fields)}
        record(actor, "reservations.schedule.create", schedule, after=after)
        return schedule
    before = snapshot(schedule, fields)
    for name, value in values.items():
        setattr(schedule, name, value)
    after = snapshot(schedule, fields)
    if after != before:
        schedule.full_clean()
        schedule.save(update_fields=[*fields, "updated_at"])
        record(actor, "reservations.schedule.update", schedule, before=before, after=after)
    return schedule


# --- Booking ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name_kana: str
    phone: str
    email: str
    purpose: str


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return len(text) <= EMAIL_MAX_LENGTH  # the column's length


def check_contact(*, name_kana: str, phone: str, email: str, purpose: str) -> Contact:
    """The resident's details normalised (フリガナ in katakana, the phone number with hyphens), or
    BookingError with a message per field."""
    errors: dict[str, str] = {}
    cleaned = {"name_kana": "", "phone": "", "email": email.strip(), "purpose": purpose.strip()}
    try:
        cleaned["name_kana"] = kana.furigana(name_kana, max_length=NAME_KANA_MAX_LENGTH)
    except InvalidInput as error:
        errors["name_kana"] = error.message
    if phone.strip():
        try:
            cleaned["phone"] = normalize_phone(phone)
        except InvalidInput as error:
            errors["phone"] = error.message
    if cleaned["email"] and not _is_email(cleaned["email"]):
        errors["email"] = _("メールアドレスが正しくありません。")
    if not phone.strip() and not cleaned["email"]:
        errors["phone"] = _("電話番号かメールアドレスのどちらかを入力してください。")
    if len(cleaned["purpose"]) > PURPOSE_MAX_LENGTH:
        errors["purpose"] = _("ご用件は%(max)d文字以内で入力してください。") % {"max": PURPOSE_MAX_LENGTH}
    if errors:
        raise BookingError(errors)
    return Contact(**cleaned)


def check_bookable(queue: Queue, day: date, start: time) -> None:
    """BookingError naming the wrong field unless `day` `start` is a slot of the queue's schedule now
    (the confirmation page asks before showing what would be booked; do_book checks again under its lock)."""
    _check_slot(schedule_of(queue), day, start)


def _check_slot(schedule: ReservationSchedule | None, day: date, start: time) -> ReservationSchedule:
    """The schedule if `day` `start` is a bookable slot of it, else BookingError naming the wrong field."""
    if schedule is None or not schedule.active:
        raise BookingError({"queue": _("この受付区分は予約を受け付けていません。")})
    today = timezone.localdate()
    if not is_business_day(day):
        raise BookingError({"day": _("閉庁日は予約できません。開庁日を選んでください。")})
    if day < today:
        raise BookingError({"day": _("過ぎた日は予約できません。")})
    if day > last_bookable_day(schedule, today):
        raise BookingError(
            {"day": _("予約できるのは%(days)d開庁日先までです。") % {"days": schedule.days_ahead}}
        )
    if start not in schedule.slot_starts():
        raise BookingError({"start": _("受付時間外です。表示された時間から選んでください。")})
    if at_office(day, start) <= timezone.now():
        raise BookingError({"start": _("この時間は過ぎています。別の時間を選んでください。")})
    return schedule


def _create(**values: Any) -> Reservation:
    """Insert with a fresh code; on the rare clash with an existing code, draw another."""
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Reservation.objects.create(code=new_code(), **values)
        except IntegrityError:
            continue
    raise IntegrityError("no free reservation code after several attempts")


@atomic_action
def do_book(
    actor: AuditActor,
    *,
    queue: Queue,
    day: date,
    start: time,
    name_kana: str,
    phone: str,
    email: str = "",
    purpose: str = "",
    channel: str,
    language: str = settings.LANGUAGE_CODE,
    source_address: str = "",
    request_key: str = "",
) -> Reservation:
    """Book a place in the slot `day` `start` of `queue`. Staff book for their own office (e.g. on the
    phone); a Resident books on the public pages, from `source_address`, with the one-time `request_key`
    of the confirmation page: the same key again returns the booking it made. The confirmation is written
    in `language` (the page's). Raises BookingError (SlotFull when no place is left, BookingLimitReached
    when the resident's contact or address holds too many)."""
    if isinstance(actor, Resident):
        if channel != Reservation.Channel.RESIDENT or actor.office_code != queue.office.code:
            raise PermissionDenied(_("この予約はできません。"))
    else:
        _check_staff(actor, queue)
    contact = check_contact(name_kana=name_kana, phone=phone, email=email, purpose=purpose)
    # The lock that keeps a slot within its capacity: every booking of the queue waits here.
    schedule = _check_slot(lock(ReservationSchedule.objects.filter(queue=queue)).first(), day, start)
    key_hash = request_key_hash(request_key) if isinstance(actor, Resident) else None
    source = source_hash(source_address) if isinstance(actor, Resident) else ""
    if key_hash is not None:
        made = Reservation.objects.filter(request_key_hash=key_hash).select_related("queue").first()
        if made is not None:
            return made  # the same confirmation sent again (a double click, Back and send)
    if isinstance(actor, Resident):
        _check_resident_limits(contact, source)
    held = Reservation.objects.filter(
        queue=queue, day=day, start=start, status__in=Reservation.HOLDING
    ).count()
    if held >= schedule.capacity:
        raise SlotFull({"start": _("この時間は満員になりました。別の時間を選んでください。")})
    reservation = _create(
        queue=queue,
        day=day,
        start=start,
        end=(at_office(day, start) + schedule.slot_length).time(),
        name_kana=contact.name_kana,
        phone=contact.phone,
        email=contact.email,
        purpose=contact.purpose,
        channel=channel,
        created_at=timezone.now(),
        source_hash=source,
        request_key_hash=key_hash,
    )
    # No name or contact in the append-only log: the reservation row holds them.
    record(
        actor,
        "reservations.reservation.book",
        reservation,
        after={
            "queue": f"{queue.office.code}/{queue.code}",
            "day": day.isoformat(),
            "start": start.strftime("%H:%M"),
            "channel": channel,
            "code": reservation.code,
        },
    )
    _confirm(reservation, document_language(language))
    return reservation


TOPIC_BOOKED = "reservations.booked"


def _confirm(reservation: Reservation, language: str) -> None:
    """The booking confirmation in `language`, queued in the booking's transaction: by e-mail if given,
    else by SMS to a mobile number; a landline gets none (the code is on the screen, or said on the phone)."""
    queue = reservation.queue
    day = reservation.day
    with override(language):
        body = _(
            "%(office)s %(queue)s のご予約を承りました。%(day)s %(start)s〜%(end)s、予約番号 %(code)s。"
            "当日は受付でこの番号をお伝えください。"
        ) % {
            "office": queue.office.name,  # in the language of the override
            "queue": queue.name,
            "day": english_date(day) if is_english() else f"{day.year}年{day.month}月{day.day}日",
            "start": reservation.start.strftime("%H:%M"),
            "end": reservation.end.strftime("%H:%M"),
            "code": reservation.display_code,
        }
        subject = _("ご予約の確認（予約番号 %(code)s）") % {"code": reservation.display_code}
    channel, to = ("email", reservation.email) if reservation.email else ("sms", reservation.phone)
    if not to:
        return
    with contextlib.suppress(InvalidRecipient):  # a landline: no SMS
        notify(
            channel=channel, to=to, subject=subject, body=body, topic=TOPIC_BOOKED, ref=str(reservation.pk)
        )


# --- Cancel, check-in, no-show ----------------------------------------------------------------------


def _locked(reservation: Reservation) -> Reservation:
    return lock(Reservation.objects.filter(pk=reservation.pk)).select_related("queue__office").get()


def _change(
    actor: AuditActor,
    reservation: Reservation,
    step: str,
    *,
    also_saved: tuple[str, ...] = (),
    noted: Mapping[str, Any] | None = None,
) -> None:
    """Take the step (reservations/states.py) on a locked reservation, save it (and `also_saved`),
    record it."""
    before, fields = RESERVATION.apply(reservation, step, timezone.now())
    reservation.save(update_fields=[*fields, *also_saved])
    record(
        actor,
        RESERVATION.event(step),
        reservation,
        before={"status": before},
        after={"status": reservation.status, **(noted or {})},
    )


@atomic_action
def do_cancel(actor: AuditActor, reservation: Reservation) -> Reservation:
    """Staff of the office may cancel a booked reservation; the resident only before its time."""
    _check_holder(actor, reservation)
    locked = _locked(reservation)
    RESERVATION.check(locked, "cancel")
    if isinstance(actor, Resident) and locked.starts_at <= timezone.now():
        raise ReservationStateError(
            _("予約の時刻を過ぎたため、取り消せません。お手数ですが庁舎へお電話ください。")
        )
    _change(actor, locked, "cancel")
    return locked


@atomic_action
def do_check_in(actor: AuditActor, reservation: Reservation) -> CheckIn:
    """The resident has arrived: issue a ticket of the reservation's queue and link it.

    Only on the reservation's day and only once. The ticket has priority unless the resident came more
    than LATE_AFTER after the slot's start; then they are served in turn like anyone without one.
    """
    _check_staff(actor, reservation.queue)
    locked = _locked(reservation)
    RESERVATION.check(locked, "check_in")
    now = timezone.now()
    if locked.day != timezone.localdate(now):
        raise ReservationStateError(
            _("予約 %(code)s は%(day)sの予約です。予約日にだけ受付できます。")
            % {"code": locked.display_code, "day": locked.day.isoformat()}
        )
    late = now > locked.starts_at + LATE_AFTER
    channel = Ticket.Channel.KIOSK if isinstance(actor, KioskToken) else Ticket.Channel.CONCIERGE
    ticket = do_issue_ticket(actor, queue=locked.queue, channel=channel, priority=not late, reserved=True)
    locked.ticket = ticket
    _change(
        actor,
        locked,
        "check_in",
        also_saved=("ticket",),
        noted={"ticket": ticket.display, "late": late},
    )
    return CheckIn(reservation=locked, ticket=ticket, late=late)


@atomic_action
def do_mark_no_show(actor: AuditActor, reservation: Reservation) -> Reservation:
    """The resident did not come: frees nothing (the slot is past) but is counted in the statistics."""
    _check_staff(actor, reservation.queue)
    locked = _locked(reservation)
    RESERVATION.check(locked, "no_show")
    if locked.starts_at > timezone.now():
        raise ReservationStateError(_("予約の時刻より前に「来庁なし」にはできません。"))
    _change(actor, locked, "no_show")
    return locked
