"""What happens to a preparation: finished on the resident's side (sealed into a code), read at the counter
(every code checked), opened as a case (once per preparation, however often its code is scanned)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit import chain
from madoguchi.audit.chain import AuditActor, SystemActor
from madoguchi.cases.actions import do_create_case, do_save_case_details
from madoguchi.cases.entry import Entry
from madoguchi.cases.models import Case
from madoguchi.organization.models import Office, Queue
from madoguchi.preparation import codes
from madoguchi.preparation.intake import entry_from_record, field_sources
from madoguchi.preparation.models import PreparedVisit
from madoguchi.preparation.record import stamp, validate
from madoguchi.reception.actions import do_issue_ticket
from madoguchi.reception.models import KioskToken, Ticket
from madoguchi.reservations.actions import (
    BookingError,
    available_slots,
    do_book,
    do_cancel,
    do_check_in,
    find_by_code,
)
from madoguchi.reservations.models import Reservation
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import HANDLE_CASE
from madoguchi.transactions import atomic_action, lock

logger = logging.getLogger("madoguchi.preparation")


@dataclass(frozen=True)
class Finished:
    visit: PreparedVisit
    texts: list[str]  # the text of each QR symbol, in order


class Incomplete(Exception):
    """Some symbols of a Structured Append sequence have been read, not all."""

    def __init__(self, have: int, total: int) -> None:
        super().__init__(f"{have} of {total} codes read")
        self.have = have
        self.total = total


def _visit_office(record: Mapping[str, Any]) -> Office | None:
    code = record.get("visit", {}).get("office")
    return Office.objects.filter(code=code).first() if code else None


def _reservation(record: Mapping[str, Any]) -> Reservation | None:
    """The reservation the resident booked for the visit (its code in the record), if it is still held."""
    code = record.get("visit", {}).get("reservation")
    found = find_by_code(code) if code else None
    return found if found is not None and found.status == Reservation.Status.BOOKED else None


def _visit_date(record: Mapping[str, Any]) -> date | None:
    text = record.get("visit", {}).get("date")
    return date.fromisoformat(text) if text else None


def _visit_values(
    record: Mapping[str, Any], *, mode: str, issued_at: datetime, expires_at: datetime
) -> dict[str, Any]:
    """What the city keeps of a preparation (who is coming when), the same for every door."""
    return {
        "mode": mode,
        "door": record["source"],
        "event": record["event"],
        "members": len(record["members"]),
        "language": record.get("language", ""),
        "office": _visit_office(record),
        "visit_date": _visit_date(record),
        "reservation": _reservation(record),
        "issued_at": issued_at,
        "expires_at": expires_at,
    }


@atomic_action
def do_finish(
    actor: AuditActor, record: dict[str, Any], *, mode: str | None = None, now: datetime | None = None
) -> Finished:
    """Seal a finished preparation into its code. The city keeps who is coming when (event, office, day,
    how many) and, for a reference code, the sealed record; never the record in the clear."""
    mode = mode or settings.MADOGUCHI_PREPARATION_MODE
    if mode not in PreparedVisit.Mode.values:
        raise ValueError(f"MADOGUCHI_PREPARATION_MODE must be carry or reference, not {mode!r}")
    now = now or timezone.now()
    validate(stamp(record, now))
    envelope = codes.seal(record, now=now)
    expires = now + timedelta(days=settings.MADOGUCHI_PREPARATION_DAYS)
    values = _visit_values(record, mode=mode, issued_at=now, expires_at=expires)
    values["envelope"] = envelope if mode == PreparedVisit.Mode.REFERENCE else b""
    visit = _lock_or_create(record["id"], values)
    if visit.case_id is not None:
        raise codes.CodeRefused("unknown", "this preparation has already been opened at the counter")
    for name, value in values.items():  # finished again (Back, then finish): the latest finish counts
        setattr(visit, name, value)
    if mode == PreparedVisit.Mode.REFERENCE:
        visit.token = visit.token or codes.new_reference_token()
    else:
        visit.token = None
    visit.save()
    summary = {"mode": mode, "members": visit.members, "event": visit.event}
    chain.record(actor, "preparation.finish", visit, after=summary)
    if visit.token:
        return Finished(visit=visit, texts=[codes.reference_text(visit.token)])
    return Finished(visit=visit, texts=codes.carry_texts(envelope))


def read_codes(texts: Iterable[str], *, now: datetime | None = None) -> codes.Opened:
    """The preparation behind what was scanned (each text one symbol, or several joined). Raises
    Incomplete while symbols of a sequence are missing, CodeRefused for a code the counter must refuse."""
    scanned = codes.scan(texts)
    if not scanned.complete:
        raise Incomplete(scanned.have, scanned.total)
    if scanned.token:
        visit = PreparedVisit.objects.filter(token=scanned.token, mode=PreparedVisit.Mode.REFERENCE).first()
        if visit is None or not visit.envelope:
            raise codes.CodeRefused("unknown", "no draft has this reference")
        opened = codes.open_envelope(bytes(visit.envelope), now=now)
        return codes.Opened(
            record=opened.record, issued=opened.issued, expires=opened.expires, token=scanned.token
        )
    return codes.open_envelope(scanned.envelope, now=now)


def _lock_or_create(record_id: str, values: dict[str, Any]) -> PreparedVisit:
    """The preparation's row, locked, made with `values` if there is none. Two requests making it at once
    (a double tap on "finish", two counters scanning one code) both end holding the one row."""
    found = lock(PreparedVisit.objects.filter(pk=record_id)).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            PreparedVisit.objects.create(id=record_id, **values)
    except IntegrityError:  # the other request made it: wait for its lock
        pass
    return lock(PreparedVisit.objects.filter(pk=record_id)).get()


def _prepared_visit(opened: codes.Opened) -> PreparedVisit:
    """The preparation's row, locked; made here for a code the counter side never saw issued (carry mode
    with the resident-facing side on another network)."""
    record_ = opened.record
    values = _visit_values(
        record_, mode=PreparedVisit.Mode.CARRY, issued_at=opened.issued, expires_at=opened.expires
    )
    return _lock_or_create(record_["id"], values)


@dataclass(frozen=True)
class OpenedCase:
    case: Case
    created: bool  # False: the code had opened this case before
    saved: bool  # False: some prepared value did not pass; the case page shows it beside its field
    fields_to_correct: list[str]  # the case form's field names


@atomic_action
def do_open_case(actor: AuditActor, opened: codes.Opened, *, office: Office) -> tuple[Case, bool]:
    """The case of a read preparation, opened at `office` (created: True) or as an earlier scan opened it."""
    require(actor, HANDLE_CASE)
    record_ = opened.record
    visit = _prepared_visit(opened)
    if visit.case_id is not None:
        return Case.objects.get(pk=visit.case_id), False
    case = do_create_case(
        actor,
        office=office,
        event=record_["event"],
        event_date=date.fromisoformat(record_["event_date"]),
        language=record_.get("language", settings.LANGUAGE_CODE),
    )
    visit.case = case
    visit.opened_at = timezone.now()
    visit.record = record_
    visit.field_sources = field_sources(record_)
    visit.save(update_fields=["case", "opened_at", "record", "field_sources"])
    return case, True


@atomic_action
def do_save_prepared(actor: AuditActor, case: Case, entry: Entry) -> list[str]:
    """Put the prepared values, read through the case page's validators (`entry_from_record`, outside the
    transaction), into the case. Returns the fields that did not pass: then nothing is saved and the case
    page shows them to correct."""
    visit = PreparedVisit.objects.get(case=case)
    if entry.details is not None:
        do_save_case_details(actor, case, entry.details)
    chain.record(
        actor,
        "preparation.open",
        visit,
        after={
            "case": case.number,
            "door": visit.door,
            "mode": visit.mode,
            "people": len(visit.record["members"]),
            "fields_to_correct": len(entry.errors),
        },
    )
    return sorted(entry.errors)


def open_case(actor: AuditActor, opened: codes.Opened, *, office: Office) -> OpenedCase:
    """Open the case of a read preparation and fill it in. Two transactions, in the lock order (the case is
    numbered before its details are saved): if the second fails, the case shows the prepared values to save.
    The second scan of the same preparation returns the same case."""
    case, created = do_open_case(actor, opened, office=office)
    if not created:
        return OpenedCase(case=case, created=False, saved=case.people.exists(), fields_to_correct=[])
    to_correct = do_save_prepared(actor, case, entry_from_record(case, opened.record))
    case.refresh_from_db()
    return OpenedCase(case=case, created=True, saved=not to_correct, fields_to_correct=to_correct)


def forget_expired(now: datetime | None = None) -> int:
    """Blank the sealed drafts of reference codes that expired unopened: the code can no longer open them,
    so the city keeps only who had announced a visit when (the row, for the prepared-visits list)."""
    return (
        PreparedVisit.objects.filter(expires_at__lte=now or timezone.now(), case__isnull=True)
        .exclude(envelope=b"")
        .update(envelope=b"")
    )


@atomic_action
def do_import(actor: AuditActor, records: list[dict[str, Any]]) -> list[PreparedVisit]:
    """Keep preparations that arrived on the counter side (マイナポータル files) until the resident comes: the
    announced visit is listed for the office and day, and the clerk opens the case from it. A file read again
    updates what it brought (the id comes from the 通知番号 or 申請番号); an opened one is left alone."""
    require(actor, HANDLE_CASE)
    now = timezone.now()
    kept = []
    for record_ in records:
        validate(record_)
        values = _visit_values(
            record_,
            mode=PreparedVisit.Mode.IMPORTED,
            issued_at=now,
            expires_at=now + timedelta(days=settings.MADOGUCHI_PREPARATION_DAYS),
        )
        values["record"] = record_
        visit = _lock_or_create(record_["id"], values)
        if visit.case_id is None:
            for name, value in values.items():
                setattr(visit, name, value)
            visit.proposed_start = None if visit.reservation_id else _proposed_start(visit)
            visit.save()
        kept.append(visit)
    chain.record(actor, "preparation.import", None, after={"preparations": len(kept)})
    return kept


def _proposed_start(visit: PreparedVisit) -> time | None:
    """The first free time of the one-stop counter on the announced day at the announced office."""
    if visit.office is None or visit.visit_date is None:
        return None
    queue = Queue.objects.filter(office=visit.office, code=Queue.ONE_STOP_CODE).first()
    if queue is None:
        return None
    return next((slot.start for slot in available_slots(queue, visit.visit_date) if slot.remaining), None)


def book_proposed(actor: AuditActor, visit: PreparedVisit) -> Reservation:
    """Book the proposed slot of an imported visit for the resident (the clerk asked them), and link it.
    Two transactions in the lock order (the schedule is locked before any visit): the booking, then the
    link; a booking that lost a race to link is cancelled again."""
    visit.refresh_from_db()
    if visit.reservation_id is not None:
        return Reservation.objects.get(pk=visit.reservation_id)
    if visit.office is None or visit.visit_date is None or visit.proposed_start is None:
        raise BookingError({"slot": _("この来庁予定には提案できる予約時間がありません。")})
    record_ = visit.record
    notifier_id = record_.get("notifier_member_id", record_["members"][0]["id"])
    notifier = next(m for m in record_["members"] if m["id"] == notifier_id)
    name_kana = f"{notifier.get('family_name_kana', '')}　{notifier.get('given_name_kana', '')}".strip("　")
    reservation = do_book(
        actor,
        queue=Queue.objects.get(office=visit.office, code=Queue.ONE_STOP_CODE),
        day=visit.visit_date,
        start=visit.proposed_start,
        name_kana=name_kana,
        phone=record_.get("contact", {}).get("phone", ""),
        purpose=str(_("事前入力（マイナポータル）")),
        channel=Reservation.Channel.STAFF,
        language=record_.get("language") or settings.LANGUAGE_CODE,
    )
    return do_link_reservation(actor, visit, reservation)


@atomic_action
def do_link_reservation(actor: AuditActor, visit: PreparedVisit, reservation: Reservation) -> Reservation:
    locked = lock(PreparedVisit.objects.filter(pk=visit.pk)).get()
    if locked.reservation_id is not None and locked.reservation_id != reservation.pk:
        do_cancel(actor, reservation)  # booked twice at once (a double click): keep the first
        return Reservation.objects.get(pk=locked.reservation_id)
    locked.reservation = reservation
    locked.save(update_fields=["reservation"])
    return reservation


def imported_for(office: Office, *, days: int = 14) -> list[PreparedVisit]:
    """The imported preparations not yet opened whose announced visit is at `office` (or at no office), from
    a week ago to `days` ahead: what the counter expects today and soon."""
    today = timezone.localdate()
    return list(
        PreparedVisit.objects.filter(
            mode=PreparedVisit.Mode.IMPORTED,
            case__isnull=True,
            visit_date__gte=today - timedelta(days=7),
            visit_date__lte=today + timedelta(days=days),
        )
        .filter(models.Q(office=office) | models.Q(office__isnull=True))
        .order_by("visit_date", "created_at")
    )


def opened_import(visit: PreparedVisit) -> codes.Opened:
    """An imported preparation as if its code had been read (it was checked when it was imported)."""
    return codes.Opened(record=visit.record, issued=visit.issued_at, expires=visit.expires_at)


@dataclass(frozen=True)
class KioskArrival:
    ticket: Ticket
    case: Case
    reserved: bool  # checked in on the reservation booked for the visit


def arrive_at_kiosk(kiosk: KioskToken, opened: codes.Opened) -> KioskArrival:
    """The resident shows the preparation's code at the office's kiosk: the reservation booked for it is
    checked in (its priority ticket), or else a one-stop ticket is issued, with priority where the city
    allowed this kiosk to give it; the case opens right away and is linked to the ticket, so that the clerk
    who calls the ticket has the household before calling. The kiosk acts under its own name in the audit
    log (a case is opened by `system:kiosk-<id>`)."""
    office = kiosk.office
    actor = SystemActor(f"kiosk-{kiosk.pk}")
    visit = PreparedVisit.objects.filter(pk=opened.record["id"]).select_related("reservation").first()
    reservation = visit.reservation if visit is not None else _reservation(opened.record)
    ticket: Ticket | None = None
    reserved = False
    if (
        reservation is not None
        and reservation.status == Reservation.Status.BOOKED
        and reservation.queue.office_id == office.pk
        and reservation.day == timezone.localdate()
    ):
        ticket = do_check_in(kiosk, reservation).ticket
        reserved = True
    opened_case = open_case(actor, opened, office=office)
    if ticket is None:
        queue = Queue.objects.get(office=office, code=Queue.ONE_STOP_CODE)
        earlier = opened_case.case.tickets.filter(business_day=timezone.localdate()).first()
        if earlier is not None:  # the same code shown twice: the same slip
            return KioskArrival(ticket=earlier, case=opened_case.case, reserved=False)
        ticket = do_issue_ticket(
            kiosk,
            queue=queue,
            channel=Ticket.Channel.KIOSK,
            priority=kiosk.may_issue_priority,
            purpose=opened.record["event"],
        )
    do_link_ticket(actor, ticket, opened_case.case)
    return KioskArrival(ticket=ticket, case=opened_case.case, reserved=reserved)


@atomic_action
def do_link_ticket(actor: AuditActor, ticket: Ticket, case: Case) -> None:
    locked = lock(Ticket.objects.filter(pk=ticket.pk)).get()
    if locked.case_id is None:
        locked.case = case
        locked.save(update_fields=["case"])
        chain.record(actor, "reception.ticket.case", locked, after={"case": case.number})
