"""Work items: received from a submission (intake.py), claimed, processed, approved or returned, done."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.chain import AuditActor, record
from madoguchi.center.intake import complete_if_done, hold_items, step
from madoguchi.center.models import WorkItem, WorkQueue
from madoguchi.center.states import WORK_ITEM, WorkItemStateError
from madoguchi.organization.actions import upsert_record
from madoguchi.organization.models import Department
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import APPROVE_WORK_ITEM, PROCESS_WORK_ITEM, RETURN_WORK_ITEM
from madoguchi.submissions import sources
from madoguchi.transactions import atomic_action, lock

Status = WorkItem.Status


def _locked(item: WorkItem) -> WorkItem:
    return lock(WorkItem.objects.filter(pk=item.pk).select_related("queue")).get()


@atomic_action
def claim_next(actor: AuditActor, queue: WorkQueue) -> WorkItem | None:
    """The oldest waiting item of the queue (earliest deadline first), given to this person alone.

    SKIP LOCKED: two center staff claiming at the same moment never get the same item.
    """
    require(actor, PROCESS_WORK_ITEM)
    waiting = WorkItem.objects.filter(queue=queue, status=Status.RECEIVED)
    item = lock(waiting.order_by("deadline", "received_on", "created_at")[:1], skip_locked=True).first()
    if item is None:
        return None
    # The conditional update is the claim itself (it also holds on SQLite, which has no row locks).
    if not WorkItem.objects.filter(pk=item.pk, status=Status.RECEIVED).update(status=Status.CLAIMED):
        return None
    item.status = Status.RECEIVED
    return step(actor, item, "claim", claimed_by=actor)


@atomic_action
def do_claim(actor: AuditActor, item: WorkItem) -> WorkItem:
    """Claim one chosen item (from the batch list)."""
    require(actor, PROCESS_WORK_ITEM)
    return step(actor, _locked(item), "claim", claimed_by=actor)


@atomic_action
def do_release(actor: AuditActor, item: WorkItem) -> WorkItem:
    """Put a claimed item back in the queue (the person cannot finish it)."""
    require(actor, PROCESS_WORK_ITEM)
    locked = _locked(item)
    _own(actor, locked)
    return step(actor, locked, "release", claimed_by=None, claimed_at=None)


def _own(actor: AuditActor, item: WorkItem) -> None:
    if item.status != Status.CLAIMED:
        raise WorkItemStateError(item)
    if isinstance(actor, Staff) and item.claimed_by_id != actor.pk:
        raise WorkItemStateError(item, _("この処理案件は他の職員が処理中です。"))


@atomic_action
def do_send_for_approval(actor: AuditActor, item: WorkItem, *, result: str, issued: str = "") -> WorkItem:
    """Enter the result (and what is issued to the resident) and send the item to the approver."""
    require(actor, PROCESS_WORK_ITEM)
    if not result.strip():
        raise WorkItemStateError(item, _("処理結果を入力してください。"))
    locked = _locked(item)
    _own(actor, locked)
    return step(
        actor,
        locked,
        "send_for_approval",
        result=result.strip()[:4000],
        issued=issued.strip()[:200],
    )


@atomic_action
def do_approve(actor: AuditActor, item: WorkItem) -> WorkItem:
    """The approver's decision (決裁): never by a contractor, nor by whoever processed the item. The last
    item of a submission completes its source (the case) and queues the resident's notice, in this commit."""
    require(actor, APPROVE_WORK_ITEM)
    locked = next((held for held in hold_items(item.source_key) if held.pk == item.pk), None)
    if locked is None:
        raise WorkItem.DoesNotExist(item.pk)
    WORK_ITEM.check(locked, "approve")
    if isinstance(actor, Staff) and locked.claimed_by_id == actor.pk:
        raise PermissionDenied(_("自分が処理した案件は決裁できません。"))
    done = step(actor, locked, "approve", approved_by=actor)
    complete_if_done(actor, done.submission)
    return done


@atomic_action
def do_return(actor: AuditActor, item: WorkItem, *, reason: str) -> WorkItem:
    """Return the item to the ward office that received it, with the reason (差戻し). The source (the case)
    opens for correction; its next submission version puts the item back in the queue."""
    require(actor, RETURN_WORK_ITEM)
    if not reason.strip():
        raise WorkItemStateError(item, _("差戻しの理由を入力してください。"))
    locked = _locked(item)
    returned = step(
        actor,
        locked,
        "return",
        note=reason.strip(),
        return_reason=reason.strip()[:300],
        returns=locked.returns + 1,
        claimed_by=None,
        claimed_at=None,
    )
    sources.returned(actor, returned.submission, reason.strip())
    return returned


@atomic_action
def do_mark_dispatched(actor: AuditActor, items: Iterable[WorkItem]) -> int:
    """What was issued (an insurance card, a certificate) has been put in the post."""
    require(actor, PROCESS_WORK_ITEM)
    now = timezone.now()
    count = 0
    chosen = WorkItem.objects.filter(
        pk__in=[i.pk for i in items], status=Status.DONE, dispatched_at__isnull=True
    ).exclude(issued="")
    for item in lock(chosen.order_by("pk")):
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
    department: Department | str,
    processing_days: int,
    sort_order: int = 0,
) -> WorkQueue:
    """Create or update the center's queue for a procedure (demo data, admin)."""
    if isinstance(department, str):
        department = Department.objects.get(code=department)
    values = {
        "name_ja": name_ja,
        "name_en": name_en,
        "department": department,
        "processing_days": processing_days,
        "sort_order": sort_order,
    }
    return upsert_record(actor, WorkQueue, {"procedure": procedure}, values)
