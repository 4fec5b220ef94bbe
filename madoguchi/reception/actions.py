"""Issuing tickets. Numbers come from a locked counter row per queue and business day: no gap, no repeat."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.chain import AuditActor, SystemActor, record
from madoguchi.organization.models import Office, Queue
from madoguchi.reception.models import KioskToken, Ticket, TicketCounter
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import ISSUE_TICKET, MANAGE_ORGANIZATION


def _check_issuer(actor: AuditActor, queue: Queue) -> None:
    if isinstance(actor, KioskToken):
        if actor.revoked_at is not None or actor.office_id != queue.office_id:
            raise PermissionDenied(_("この発券機はこの受付区分の整理券を発行できません。"))
        return
    require(actor, ISSUE_TICKET)
    if isinstance(actor, Staff) and actor.office_id != queue.office_id:
        raise PermissionDenied(_("他の庁舎の整理券は発行できません。"))


def _locked_counter(queue: Queue, day: date) -> TicketCounter:
    counter = TicketCounter.objects.select_for_update().filter(queue=queue, business_day=day).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():  # another issuer may create the day's row at the same moment
            TicketCounter.objects.create(queue=queue, business_day=day)
    except IntegrityError:
        pass
    return TicketCounter.objects.select_for_update().get(queue=queue, business_day=day)


def do_issue_ticket(actor: AuditActor, *, queue: Queue, channel: str, priority: bool = False) -> Ticket:
    _check_issuer(actor, queue)
    now = timezone.now()
    day = timezone.localdate(now)  # the business day in Asia/Tokyo
    with transaction.atomic():
        counter = _locked_counter(queue, day)
        counter.last += 1
        counter.save(update_fields=["last"])
        ticket = Ticket.objects.create(
            office_id=queue.office_id,
            queue=queue,
            business_day=day,
            number=counter.last,
            priority=priority,
            channel=channel,
            issued_at=now,
        )
        record(actor, "reception.ticket.issue", ticket, after={"queue": queue.code, "number": counter.last})
    return ticket


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def do_create_kiosk_token(actor: AuditActor, *, office: Office, label: str = "") -> tuple[KioskToken, str]:
    """A new kiosk token; the plain token is returned once and never stored."""
    if not isinstance(actor, SystemActor):
        require(actor, MANAGE_ORGANIZATION)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        kiosk = KioskToken.objects.create(office=office, label=label, token_hash=hash_token(token))
        record(actor, "reception.kiosk.create", kiosk, after={"office": office.code, "label": label})
    return kiosk, token


def kiosk_for(token: str) -> KioskToken | None:
    kiosk = KioskToken.objects.select_related("office").filter(token_hash=hash_token(token)).first()
    return kiosk if kiosk is not None and kiosk.revoked_at is None else None
