"""Work items: created when a case is submitted, claimed, processed, approved or returned, completed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.chain import AuditActor, record
from madoguchi.cases.actions import do_complete_case
from madoguchi.cases.casefile import household_facts
from madoguchi.cases.models import Case
from madoguchi.catalog.service import current_catalog
from madoguchi.center.models import WorkItem, WorkItemEvent, WorkQueue
from madoguchi.organization.actions import upsert_record
from madoguchi.rules.calendar import add_business_days
from madoguchi.rules.engine import REQUIRED, make_plan
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import APPROVE_WORK_ITEM, HANDLE_CASE, PROCESS_WORK_ITEM, RETURN_WORK_ITEM

logger = logging.getLogger("madoguchi.center")
Status = WorkItem.Status


class WorkItemStateError(Exception):
    """The item is not in a state (or not with the person) that allows the step."""

    def __init__(self, item: WorkItem, why: str = "") -> None:
        message = why or _("処理案件は「%(status)s」のため、この操作はできません。") % {
            "status": item.get_status_display()
        }
        super().__init__(message)
        self.message = message


def _step(actor: AuditActor, item: WorkItem, status: str, note: str = "", **fields: Any) -> WorkItem:
    """Change the item's status (and fields), record the event and the audit entry. Inside a transaction."""
    before = item.status
    item.status = status
    for name, value in fields.items():
        setattr(item, name, value)
    item.save(update_fields=["status", *fields])
    now = timezone.now()
    WorkItemEvent.objects.create(item=item, status=status, at=now, actor=actor.audit_name, note=note[:300])
    record(
        actor,
        f"center.item.{status}",
        item,
        before={"status": before},
        after={"status": status, **({"note": note} if note else {})},
    )
    return item


def _locked(item: WorkItem) -> WorkItem:
    return WorkItem.objects.select_for_update(of=("self",)).select_related("queue", "case").get(pk=item.pk)


def create_work_items(actor: AuditActor, case: Case) -> list[WorkItem]:
    """One item per procedure of the case's plan that the center processes. Called inside the submission."""
    plan = make_plan(current_catalog(), household_facts(case))
    queues = {queue.procedure: queue for queue in WorkQueue.objects.filter(active=True)}
    received_on = timezone.localdate()
    items = []
    for procedure in plan.procedures:
        queue = queues.get(procedure.code)
        if queue is None or procedure.status != REQUIRED:
            continue
        item = WorkItem.objects.create(
            case=case,
            queue=queue,
            received_office=case.office,
            received_on=received_on,
            deadline=add_business_days(received_on, queue.processing_days),
            members=list(procedure.member_ids),
        )
        WorkItemEvent.objects.create(
            item=item, status=Status.RECEIVED, at=timezone.now(), actor=actor.audit_name
        )
        record(actor, "center.item.create", item, after={"procedure": queue.procedure, "case": case.number})
        items.append(item)
    return items


def claim_next(actor: AuditActor, queue: WorkQueue) -> WorkItem | None:
    """The oldest waiting item of the queue (earliest deadline first), given to this person alone.

    SKIP LOCKED: two center staff claiming at the same moment never get the same item.
    """
    require(actor, PROCESS_WORK_ITEM)
    with transaction.atomic():
        item = (
            WorkItem.objects.select_for_update(skip_locked=True)
            .filter(queue=queue, status=Status.RECEIVED)
            .order_by("deadline", "received_on", "created_at")
            .first()
        )
        if item is None:
            return None
        # The conditional update is the claim itself (it also holds on SQLite, which has no row locks).
        if not WorkItem.objects.filter(pk=item.pk, status=Status.RECEIVED).update(status=Status.CLAIMED):
            return None
        item.status = Status.RECEIVED
        return _step(actor, item, Status.CLAIMED, claimed_by=actor, claimed_at=timezone.now())


def do_claim(actor: AuditActor, item: WorkItem) -> WorkItem:
    """Claim one chosen item (from the batch list)."""
    require(actor, PROCESS_WORK_ITEM)
    with transaction.atomic():
        locked = _locked(item)
        if locked.status != Status.RECEIVED:
            raise WorkItemStateError(locked)
        return _step(actor, locked, Status.CLAIMED, claimed_by=actor, claimed_at=timezone.now())


def do_release(actor: AuditActor, item: WorkItem) -> WorkItem:
    """Put a claimed item back in the queue (the person cannot finish it)."""
    require(actor, PROCESS_WORK_ITEM)
    with transaction.atomic():
        locked = _locked(item)
        _own(actor, locked)
        return _step(actor, locked, Status.RECEIVED, claimed_by=None, claimed_at=None)


def _own(actor: AuditActor, item: WorkItem) -> None:
    if item.status != Status.CLAIMED:
        raise WorkItemStateError(item)
    if isinstance(actor, Staff) and item.claimed_by_id != actor.pk:
        raise WorkItemStateError(item, _("この処理案件は他の職員が処理中です。"))


def do_send_for_approval(actor: AuditActor, item: WorkItem, *, result: str, issued: str = "") -> WorkItem:
    """Enter the result (and what is issued to the resident) and send the item to the approver."""
    require(actor, PROCESS_WORK_ITEM)
    if not result.strip():
        raise WorkItemStateError(item, _("処理結果を入力してください。"))
    with transaction.atomic():
        locked = _locked(item)
        _own(actor, locked)
        return _step(
            actor,
            locked,
            Status.AWAITING_APPROVAL,
            result=result.strip()[:4000],
            issued=issued.strip()[:200],
            sent_for_approval_at=timezone.now(),
        )


def do_approve(actor: AuditActor, item: WorkItem) -> WorkItem:
    """The approver's decision (決裁): never by a contractor, nor by whoever processed the item."""
    require(actor, APPROVE_WORK_ITEM)
    with transaction.atomic():
        locked = _locked(item)
        if locked.status != Status.AWAITING_APPROVAL:
            raise WorkItemStateError(locked)
        if isinstance(actor, Staff) and locked.claimed_by_id == actor.pk:
            raise PermissionDenied(_("自分が処理した案件は決裁できません。"))
        done = _step(actor, locked, Status.DONE, approved_by=actor, approved_at=timezone.now())
        _complete_case_if_done(actor, done.case)
    return done


def do_return(actor: AuditActor, item: WorkItem, *, reason: str) -> WorkItem:
    """Return the item to the ward office that received it, with the reason (差戻し)."""
    require(actor, RETURN_WORK_ITEM)
    if not reason.strip():
        raise WorkItemStateError(item, _("差戻しの理由を入力してください。"))
    with transaction.atomic():
        locked = _locked(item)
        if locked.status not in {Status.AWAITING_APPROVAL, Status.CLAIMED}:
            raise WorkItemStateError(locked)
        return _step(
            actor,
            locked,
            Status.RETURNED,
            note=reason.strip(),
            return_reason=reason.strip()[:300],
            returns=locked.returns + 1,
            claimed_by=None,
            claimed_at=None,
        )


def do_correct(actor: AuditActor, item: WorkItem, *, note: str) -> WorkItem:
    """The ward office corrected what was returned: the item goes back to the center's queue."""
    require(actor, HANDLE_CASE)
    if isinstance(actor, Staff) and actor.office_id != item.received_office_id:
        raise PermissionDenied(_("他の庁舎が受け付けた案件は訂正できません。"))
    if not note.strip():
        raise WorkItemStateError(item, _("訂正した内容を入力してください。"))
    with transaction.atomic():
        locked = _locked(item)
        if locked.status != Status.RETURNED:
            raise WorkItemStateError(locked)
        return _step(actor, locked, Status.RECEIVED, note=note.strip())


def _complete_case_if_done(actor: AuditActor, case: Case) -> None:
    open_items = WorkItem.objects.filter(case=case).exclude(status=Status.DONE)
    if open_items.exists():
        return
    completed = do_complete_case(actor, case)
    transaction.on_commit(lambda: _tell_resident(completed))


def _tell_resident(case: Case) -> None:
    """The resident learns that everything is done (SMS to the case's mobile number, when there is one)."""
    from madoguchi.notifications.service import InvalidRecipient, notify

    if not case.contact_phone:
        return
    issued = [item.issued for item in case.work_items.all() if item.issued]
    body = _("%(city)sです。受付番号 %(number)s の手続はすべて完了しました。") % {
        "city": current_catalog().city_ja,
        "number": case.number,
    }
    if issued:
        body += _("%(things)s を郵送します。") % {"things": "、".join(issued)}
    try:
        notify(
            channel="sms",
            to=case.contact_phone,
            body=body,
            topic="center.case_completed",
            ref=str(case.pk),
        )
    except InvalidRecipient:
        logger.info("case %s completed; its contact number cannot receive SMS", case.number)


def do_mark_dispatched(actor: AuditActor, items: Iterable[WorkItem]) -> int:
    """What was issued (an insurance card, a certificate) has been put in the post."""
    require(actor, PROCESS_WORK_ITEM)
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for item in (
            WorkItem.objects.select_for_update()
            .filter(pk__in=[i.pk for i in items], status=Status.DONE, dispatched_at__isnull=True)
            .exclude(issued="")
        ):
            item.dispatched_at = now
            item.save(update_fields=["dispatched_at"])
            record(actor, "center.item.dispatch", item, after={"issued": item.issued})
            count += 1
    return count


def do_upsert_work_queue(
    actor: AuditActor,
    *,
    procedure: str,
    name_ja: str,
    name_en: str,
    department: str,
    processing_days: int,
    sort_order: int = 0,
) -> WorkQueue:
    """Create or update the center's queue for a procedure (demo data, admin)."""
    values = {
        "name_ja": name_ja,
        "name_en": name_en,
        "department": department,
        "processing_days": processing_days,
        "sort_order": sort_order,
    }
    return upsert_record(actor, WorkQueue, {"procedure": procedure}, values)
