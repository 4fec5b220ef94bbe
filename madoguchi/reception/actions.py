"""Issuing tickets. Numbers come from a locked counter row per queue and business day: no gap, no repeat."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.chain import AuditActor, SystemActor, record
from madoguchi.cases.actions import do_create_case
from madoguchi.cases.models import Case
from madoguchi.organization.models import Counter, Office, Queue
from madoguchi.organization.sequences import next_in_sequence
from madoguchi.reception.board import announce_office_on_commit, announce_on_commit
from madoguchi.reception.models import (
    CounterShift,
    KioskSession,
    KioskToken,
    Ticket,
    TicketCounter,
    TicketEvent,
)
from madoguchi.reception.notices import queue_turn_notices
from madoguchi.reception.states import TICKET, TicketStateError
from madoguchi.staff.actions import hash_api_token
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import HANDLE_CASE, ISSUE_TICKET, MANAGE_ORGANIZATION, SERVE_COUNTER
from madoguchi.transactions import CompiledQuery, atomic_action, lock
from madoguchi.ui.languages import document_language


class PriorityNotAllowed(PermissionDenied):
    """A kiosk without `may_issue_priority` asked for a priority ticket."""


def _check_issuer(actor: AuditActor, queue: Queue, *, priority: bool = False) -> None:
    if isinstance(actor, KioskToken):
        if actor.revoked_at is not None or actor.office_id != queue.office_id:
            raise PermissionDenied(_("この発券機はこの受付区分の整理券を発行できません。"))
        if priority and not actor.may_issue_priority:
            raise PriorityNotAllowed(
                _(
                    "優先（priority）：この発券機は優先の整理券を発行できません。窓口の職員にお申し出ください。"
                )
            )
        return
    require(actor, ISSUE_TICKET)
    if isinstance(actor, Staff) and actor.office_id != queue.office_id:
        raise PermissionDenied(_("他の庁舎の整理券は発行できません。"))


@atomic_action
def do_issue_ticket(
    actor: AuditActor,
    *,
    queue: Queue,
    channel: str,
    priority: bool = False,
    purpose: str = "",
    reserved: bool = False,
) -> Ticket:
    """A new ticket; `purpose` is the life event the concierge chose (it opens the case with it). A
    `reserved` ticket is a reservation's check-in: its priority was granted by the booking, so a kiosk that
    may not give priority on its own still gives it."""
    _check_issuer(actor, queue, priority=priority and not reserved)
    now = timezone.now()
    day = timezone.localdate(now)  # the business day in Asia/Tokyo
    number = next_in_sequence(TicketCounter, queue=queue, business_day=day)
    ticket = Ticket.objects.create(
        office=queue.office,  # the boards of this office redraw after commit
        queue=queue,
        business_day=day,
        number=number,
        priority=priority,
        channel=channel,
        issued_at=now,
        purpose=purpose,
    )
    TicketEvent.objects.create(ticket=ticket, status=Ticket.Status.WAITING, at=now, actor=actor.audit_name)
    record(actor, "reception.ticket.issue", ticket, after={"queue": queue.code, "number": number})
    if isinstance(actor, KioskToken) and (
        actor.last_used_at is None or now - actor.last_used_at >= KIOSK_USE_RECORDED_EVERY
    ):
        KioskToken.objects.filter(pk=actor.pk).update(last_used_at=now)
        actor.last_used_at = now
    announce_on_commit(ticket)
    return ticket


KIOSK_USE_RECORDED_EVERY = timedelta(minutes=1)  # a kiosk's last_used_at is written at most this often

hash_token = hash_api_token  # kiosk and staff tokens: one SHA-256 of the token (staff/actions.py)


@atomic_action
def do_create_kiosk_token(actor: AuditActor, *, office: Office, label: str = "") -> tuple[KioskToken, str]:
    """A new kiosk token; the plain token is returned once and never stored."""
    if not isinstance(actor, SystemActor):
        require(actor, MANAGE_ORGANIZATION)
    token = secrets.token_urlsafe(32)
    kiosk = KioskToken.objects.create(office=office, label=label, token_hash=hash_token(token))
    record(actor, "reception.kiosk.create", kiosk, after={"office": office.code, "label": label})
    return kiosk, token


# The reads every counter API call and kiosk ticket makes, their SQL compiled once per process.
_KIOSK = CompiledQuery(
    lambda token_hash: (
        KioskToken.objects.select_related("office").filter(token_hash=token_hash).order_by()[:1]
    )
)
_NEXT_WAITING = CompiledQuery(
    lambda queue_id, day: (
        lock(
            Ticket.objects.filter(queue_id=queue_id, business_day=day, status=Ticket.Status.WAITING),
            skip_locked=True,
        )
        .select_related("queue", "office")
        .order_by(*Ticket.CALL_ORDER)[:1]
    )
)
_AT_ITS_COUNTER = CompiledQuery(
    lambda pk: lock(Ticket.objects.filter(pk=pk)).select_related(
        "queue", "office", "counter__office", "counter__queue"
    )
)
_LOCKED = CompiledQuery(lambda pk: lock(Ticket.objects.filter(pk=pk)).select_related("queue", "office"))


def kiosk_for(token: str) -> KioskToken | None:
    kiosk = _KIOSK.first(token_hash=hash_token(token))
    return kiosk if kiosk is not None and kiosk.revoked_at is None else None


@atomic_action
def do_revoke_kiosk_token(actor: AuditActor, kiosk: KioskToken) -> KioskToken:
    """Revoke a kiosk token and end every kiosk screen signed in with it (at its next tap)."""
    if not isinstance(actor, SystemActor):
        require(actor, MANAGE_ORGANIZATION)
    now = timezone.now()
    # A conditional update, not a lock: revoking twice records once.
    if KioskToken.objects.filter(pk=kiosk.pk, revoked_at__isnull=True).update(revoked_at=now):
        ended, _by_model = KioskSession.objects.filter(kiosk_id=kiosk.pk).delete()
        record(
            actor,
            "reception.kiosk.revoke",
            kiosk,
            after={"office": kiosk.office.code, "label": kiosk.label, "sessions": ended},
        )
    kiosk.refresh_from_db(fields=["revoked_at"])
    return kiosk


@atomic_action
def do_set_kiosk_priority(actor: AuditActor, kiosk: KioskToken, *, allowed: bool) -> KioskToken:
    """Whether the kiosk may issue priority tickets (the city's choice, per kiosk)."""
    if not isinstance(actor, SystemActor):
        require(actor, MANAGE_ORGANIZATION)
    changed = KioskToken.objects.filter(pk=kiosk.pk).exclude(may_issue_priority=allowed)
    if changed.update(may_issue_priority=allowed):
        record(
            actor,
            "reception.kiosk.priority",
            kiosk,
            before={"may_issue_priority": not allowed},
            after={"may_issue_priority": allowed},
        )
    kiosk.may_issue_priority = allowed
    return kiosk


@atomic_action
def do_start_kiosk_session(kiosk: KioskToken) -> str:
    """A kiosk screen signs in with its token: a new session, whose random key (returned once, for the
    screen's cookie) is stored only as a SHA-256."""
    key = secrets.token_urlsafe(32)
    KioskSession.objects.create(kiosk=kiosk, key_hash=hash_token(key))
    record(kiosk, "reception.kiosk.session", kiosk)
    return key


_KIOSK_SESSION = CompiledQuery(
    lambda key_hash: (
        KioskSession.objects.select_related("kiosk__office").filter(key_hash=key_hash).order_by()[:1]
    )
)


def kiosk_session_for(key: str) -> KioskSession | None:
    """The kiosk session of a screen's cookie, or None when it ended or its token was revoked."""
    if not key:
        return None
    session = _KIOSK_SESSION.first(key_hash=hash_token(key))
    return session if session is not None and session.kiosk.revoked_at is None else None


def do_remember_kiosk_ticket(session: KioskSession, ticket: Ticket) -> None:
    """The slip a kiosk session may show: the tickets it issued last (one small write, no audit entry:
    the ticket's issue is recorded)."""
    recent = [*session.recent_tickets, str(ticket.pk)][-KioskSession.RECENT_TICKETS :]
    KioskSession.objects.filter(pk=session.pk).update(recent_tickets=recent)
    session.recent_tickets = recent


def _at_counter(actor: AuditActor, counter: Counter) -> None:
    require(actor, SERVE_COUNTER)
    if isinstance(actor, Staff) and actor.office_id != counter.office_id:
        raise PermissionDenied(_("他の庁舎の窓口は使えません。"))


def _change(actor: AuditActor, ticket: Ticket, step: str, counter: Counter | None) -> Ticket:
    """Take the step (reception/states.py) on a locked ticket, record it, redraw the boards."""
    now = timezone.now()
    before, fields = TICKET.apply(ticket, step, now)
    status = ticket.status
    if counter is not None:
        ticket.counter = counter
        fields.append("counter")
    if status in {Ticket.Status.DONE, Ticket.Status.NO_SHOW, Ticket.Status.TRANSFERRED}:
        # The resident's contact serves this visit's notices only (a transfer passes it on first).
        for name in Ticket.CONTACT_FIELDS:
            setattr(ticket, name, "")
        fields += Ticket.CONTACT_FIELDS
    ticket.save(update_fields=fields)
    TicketEvent.objects.create(ticket=ticket, status=status, at=now, counter=counter, actor=actor.audit_name)
    record(actor, TICKET.event(step), ticket, before={"status": before}, after={"status": status})
    announce_on_commit(ticket, call=status == Ticket.Status.CALLED)
    if status == Ticket.Status.CALLED:
        queue_turn_notices(ticket)  # in this transaction: a notice is never lost between commit and outbox
    return ticket


@atomic_action
def do_call_next(actor: AuditActor, *, counter: Counter) -> Ticket | None:
    """The next waiting ticket of the counter's queue: priority first, then by number.

    SKIP LOCKED lets two clerks call at the same moment without ever getting the same resident.
    """
    _at_counter(actor, counter)
    ticket = _NEXT_WAITING.first(queue_id=counter.queue_id, day=timezone.localdate())
    if ticket is None:
        return None
    return _change(actor, ticket, "call", counter)


def _locked(ticket: Ticket) -> Ticket:
    return _LOCKED.get(pk=ticket.pk)


Status = Ticket.Status


def _of_this_office(locked: Ticket, counter: Counter) -> Ticket:
    """A counter moves only its own office's residents, whatever screen or API sent the ticket."""
    if locked.office_id != counter.office_id:
        raise PermissionDenied(_("他の庁舎の整理券は扱えません。"))
    return locked


def _move(actor: AuditActor, ticket: Ticket, counter: Counter, step: str) -> Ticket:
    """Lock the ticket and take the step. Call inside a transaction."""
    return _change(actor, _of_this_office(_locked(ticket), counter), step, counter)


@atomic_action
def do_start_service(actor: AuditActor, ticket: Ticket, *, counter: Counter) -> Ticket:
    _at_counter(actor, counter)
    return _move(actor, ticket, counter, "serve")


@atomic_action
def do_finish_service(actor: AuditActor, ticket: Ticket, *, counter: Counter) -> Ticket:
    _at_counter(actor, counter)
    return _move(actor, ticket, counter, "finish")


@atomic_action
def do_mark_no_show(actor: AuditActor, ticket: Ticket, *, counter: Counter) -> Ticket:
    _at_counter(actor, counter)
    return _move(actor, ticket, counter, "no_show")


@atomic_action
def do_transfer(actor: AuditActor, ticket: Ticket, *, counter: Counter, to_queue: Queue, note: str) -> Ticket:
    """Hand the resident over to another queue of the same office (e.g. a department counter).

    The resident keeps their turn's record; the new queue gives a new ticket that points back to this one.
    """
    return _transfer_locked(actor, _locked(ticket), counter=counter, to_queue=to_queue, note=note)


def _transfer_locked(
    actor: AuditActor, locked: Ticket, *, counter: Counter, to_queue: Queue, note: str
) -> Ticket:
    _at_counter(actor, counter)
    _of_this_office(locked, counter)
    if to_queue.office_id != counter.office_id or to_queue.pk == counter.queue_id:
        raise PermissionDenied(_("同じ庁舎の別の受付区分を選んでください。"))
    # The move erases the resident's contact from this ticket: take it for the new one first.
    contact = {name: getattr(locked, name) for name in Ticket.CONTACT_FIELDS}
    # The move also redraws the office's boards, the new queue's included (same office).
    _change(actor, locked, "transfer", counter)
    day = timezone.localdate()
    handed = Ticket.objects.create(
        office=counter.office,  # the same office (checked above), usually read with the counter
        queue=to_queue,
        business_day=day,
        number=next_in_sequence(TicketCounter, queue=to_queue, business_day=day),
        priority=True,  # the resident already waited once
        channel=Ticket.Channel.COUNTER,
        issued_at=timezone.now(),
        transferred_from=locked,
        note=note.strip()[:200],
        purpose=locked.purpose,
        case_id=locked.case_id,
        **contact,
    )
    TicketEvent.objects.create(
        ticket=handed, status=Ticket.Status.WAITING, at=handed.issued_at, actor=actor.audit_name
    )
    record(
        actor,
        "reception.ticket.transfer",
        handed,
        after={"from": locked.display, "queue": to_queue.code, "note": handed.note},
    )
    return handed


class NotAtACounter(Exception):
    """The counter API was asked to move a ticket that no counter has called."""

    def __init__(self, ticket: Ticket) -> None:
        super().__init__(f"ticket {ticket.display} has not been called to a counter")
        self.ticket = ticket


@atomic_action
def do_step_at_its_counter(
    actor: AuditActor, ticket_id: UUID, step: str, *, to_queue: str = "", note: str = ""
) -> tuple[Ticket, Ticket | None]:
    """The counter API's step ("serve", "finish", "no_show" or "transfer" to the queue code `to_queue`) at
    the counter that called the ticket: the ticket is read once, already locked (a counter display sends
    only the ticket's id). Returns the ticket and, for a transfer, the new ticket of the other queue.

    Raises Ticket.DoesNotExist, NotAtACounter, Queue.DoesNotExist (an unknown queue code), PermissionDenied
    and TicketStateError.
    """
    locked = _AT_ITS_COUNTER.get(pk=ticket_id)
    counter = locked.counter
    if counter is None:
        raise NotAtACounter(locked)
    if step != "transfer":
        _at_counter(actor, counter)
        return _change(actor, locked, step, counter), None
    target = Queue.objects.select_related("office").get(office_id=counter.office_id, code=to_queue)
    handed = _transfer_locked(actor, locked, counter=counter, to_queue=target, note=note)
    return locked, handed


@atomic_action
def do_recall(actor: AuditActor, ticket: Ticket, *, counter: Counter) -> Ticket:
    """Call the same resident again (they did not come yet): the board shows and chimes it once more."""
    _at_counter(actor, counter)
    locked = _of_this_office(_locked(ticket), counter)
    if locked.counter_id != counter.pk:
        raise TicketStateError(locked)
    now = timezone.now()
    _before, fields = TICKET.apply(locked, "recall", now)
    locked.recalls += 1
    locked.save(update_fields=[*fields, "recalls"])
    TicketEvent.objects.create(
        ticket=locked, status=Status.CALLED, at=now, counter=counter, actor=actor.audit_name
    )
    record(actor, "reception.ticket.recall", locked, after={"recalls": locked.recalls})
    announce_on_commit(locked, call=True)
    queue_turn_notices(locked)
    return locked


def open_shift(counter: Counter) -> CounterShift | None:
    return (
        CounterShift.objects.filter(
            counter=counter, closed_at__isnull=True, opened_at__date=timezone.localdate()
        )
        .select_related("staff")
        .first()
    )


@atomic_action
def do_open_counter(actor: Staff, *, counter: Counter) -> CounterShift:
    """The clerk takes the counter: it counts as open until they close it, leave it or sign out."""
    _at_counter(actor, counter)
    now = timezone.now()
    lock(
        CounterShift.objects.filter(closed_at__isnull=True).filter(Q(staff=actor) | Q(counter=counter))
    ).update(closed_at=now)
    shift = CounterShift.objects.create(counter=counter, staff=actor, opened_at=now)
    record(actor, "reception.counter.open", counter, after={"counter": counter.code})
    announce_office_on_commit(counter.office)
    return shift


@atomic_action
def do_close_counter(actor: Staff) -> int:
    """Close every counter the clerk still holds; returns how many were open."""
    now = timezone.now()
    shifts = list(
        lock(CounterShift.objects.filter(staff=actor, closed_at__isnull=True).order_by("pk")).select_related(
            "counter__office"
        )
    )
    for shift in shifts:
        shift.closed_at = now
        shift.save(update_fields=["closed_at"])
        record(actor, "reception.counter.close", shift.counter, after={"counter": shift.counter.code})
    for office in {shift.counter.office for shift in shifts}:
        announce_office_on_commit(office)
    return len(shifts)


@atomic_action
def do_open_case(actor: AuditActor, ticket: Ticket, *, event: str, event_date: date) -> Case:
    """The one-stop case for the ticket's resident: the existing one, or a new one linked to the ticket."""
    require(actor, HANDLE_CASE)
    locked = _locked(ticket)
    if locked.case_id is not None:
        return Case.objects.get(pk=locked.case_id)
    if locked.status not in {Status.CALLED, Status.SERVING}:
        raise TicketStateError(locked)
    # The resident's language, when they chose one on their wait page; the clerk can change it on the case.
    case = do_create_case(
        actor,
        office=locked.office,
        event=event,
        event_date=event_date,
        language=locked.notify_language or settings.LANGUAGE_CODE,
    )
    locked.case = case
    locked.save(update_fields=["case"])
    record(actor, "reception.ticket.case", locked, after={"case": case.number})
    return case


@atomic_action
def do_set_notification(ticket: Ticket, *, email: str = "", phone: str = "", language: str = "") -> Ticket:
    """The resident's own choice on the wait page: tell me when my turn is near (e-mail or SMS), in the
    page's language (Japanese when it is not one of the site's languages)."""
    locked = _locked(ticket)
    if locked.status != Status.WAITING:
        raise TicketStateError(locked)
    locked.notify_email = email
    locked.notify_phone = phone
    locked.notify_language = document_language(language)
    locked.save(update_fields=list(Ticket.CONTACT_FIELDS))
    record(
        SystemActor("resident"),
        "reception.ticket.notify",
        locked,
        after={"email": bool(email), "sms": bool(phone)},  # whether, never the address itself
    )
    return locked
