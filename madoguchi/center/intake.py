"""The hand-off: a submission becomes the center's work items. Called by the submitting action, in its
transaction (an explicit call, not a signal: the submitting code shows where its work goes)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.chain import AuditActor, record
from madoguchi.center.models import WorkItem, WorkItemEvent, WorkQueue
from madoguchi.center.states import OPEN, WORK_ITEM
from madoguchi.rules.calendar import add_business_days
from madoguchi.rules.engine import REQUIRED
from madoguchi.submissions import sources
from madoguchi.submissions.models import Submission
from madoguchi.transactions import lock

Status = WorkItem.Status


def hold_items(source_key: str) -> list[WorkItem]:
    """Lock every work item of a source (all versions). The submitting action calls this before it locks
    the source record, the order in which approving the last item locks them too (LOCK_ORDER)."""
    return list(lock(WorkItem.objects.filter(source_key=source_key).select_related("queue").order_by("pk")))


def receive_submission(actor: AuditActor, submission: Submission, held: list[WorkItem]) -> list[WorkItem]:
    """One item per required procedure of the submission's plan (as signed) that the center processes.

    A later version (a correction) moves the source's open items onto it: a returned item goes back to the
    queue, an item whose procedure the correction no longer needs is withdrawn (取下げ), a procedure the
    correction adds gets a new item. Items already done stay on the version they were decided on.
    `held` are the source's items, locked by hold_items() at the start of the submitting transaction.
    """
    queues = {queue.procedure: queue for queue in WorkQueue.objects.filter(active=True)}
    planned: dict[str, dict[str, Any]] = {
        p["code"]: p for p in submission.procedures() if p.get("status") == REQUIRED and p["code"] in queues
    }
    existing = {item.queue.procedure: item for item in held}
    touched: list[WorkItem] = []
    for code, procedure in planned.items():
        item = existing.get(code)
        if item is None:
            touched.append(_create(actor, submission, queues[code], procedure))
        elif item.status != Status.DONE:
            touched.append(_move(actor, item, submission, procedure))
    for code, item in existing.items():
        if code not in planned and item.status in OPEN:
            note = _("訂正により不要になりました（第%(v)s版）") % {"v": submission.version}
            step(actor, item, "withdraw", note=note)
            complete_if_done(actor, submission)
    return touched


def _create(
    actor: AuditActor, submission: Submission, queue: WorkQueue, procedure: dict[str, Any]
) -> WorkItem:
    item = WorkItem.objects.create(
        submission=submission,
        source_key=submission.source_key,
        reference=submission.reference,
        queue=queue,
        received_office=submission.office,
        received_on=submission.received_on,
        deadline=add_business_days(submission.received_on, queue.processing_days),
        members=list(procedure.get("member_ids", [])),
    )
    WorkItemEvent.objects.create(item=item, status=Status.RECEIVED, at=timezone.now(), actor=actor.audit_name)
    record(
        actor,
        "center.item.create",
        item,
        after={
            "procedure": queue.procedure,
            "reference": submission.reference,
            "version": submission.version,
        },
    )
    return item


def _move(actor: AuditActor, item: WorkItem, submission: Submission, procedure: dict[str, Any]) -> WorkItem:
    note = _("訂正版（第%(v)s版）を受け付けました") % {"v": submission.version}
    if submission.note:
        note += f"：{submission.note}"
    fields = {"submission": submission, "members": list(procedure.get("member_ids", []))}
    if item.status == Status.RETURNED:
        return step(actor, item, "resubmit", note=note, **fields)
    for name, value in fields.items():
        setattr(item, name, value)
    item.save(update_fields=list(fields))
    return item


def step(actor: AuditActor, item: WorkItem, name: str, note: str = "", **fields: Any) -> WorkItem:
    """Take the step (center/states.py) on a locked item with its fields, record the event and the audit
    entry. Inside a transaction."""
    now = timezone.now()
    before, changed = WORK_ITEM.apply(item, name, now)
    for field, value in fields.items():
        setattr(item, field, value)
    item.save(update_fields=[*changed, *fields])
    WorkItemEvent.objects.create(
        item=item, status=item.status, at=now, actor=actor.audit_name, note=note[:300]
    )
    record(
        actor,
        WORK_ITEM.event(name),
        item,
        before={"status": before},
        after={"status": item.status, **({"note": note} if note else {})},
    )
    return item


def complete_if_done(actor: AuditActor, submission: Submission) -> bool:
    """When no item of the source is open any more, its source is told (in this transaction) what was done.
    The caller holds the source's items (hold_items), so two approvers of its last two items cannot both
    see the other one still open."""
    items = WorkItem.objects.filter(source_key=submission.source_key)
    if not items.exists() or items.filter(status__in=OPEN).exists():
        return False
    issued = [text for text in items.filter(status=Status.DONE).values_list("issued", flat=True) if text]
    sources.completed(actor, submission, "、".join(dict.fromkeys(issued)))
    return True
