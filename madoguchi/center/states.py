"""The steps of a work item (transactions/states.py): the center's actions take them, its pages draw them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from madoguchi.center.models import DailyExport, WorkItem
from madoguchi.transactions.states import Machine, Step

Status = WorkItem.Status
OPEN = (Status.RECEIVED, Status.CLAIMED, Status.AWAITING_APPROVAL, Status.RETURNED)


class WorkItemStateError(Exception):
    """The item is not in a state (or not with the person) that allows the step."""

    def __init__(self, item: WorkItem, why: Step | str = "") -> None:
        message = why if isinstance(why, str) and why else ""
        message = message or _("処理案件は「%(status)s」のため、この操作はできません。") % {
            "status": item.get_status_display()
        }
        super().__init__(message)
        self.message = message


WORK_ITEM = Machine(
    "status",
    [
        Step("claim", {Status.RECEIVED}, Status.CLAIMED, stamp="claimed_at"),
        Step("release", {Status.CLAIMED}, Status.RECEIVED),
        Step("send_for_approval", {Status.CLAIMED}, Status.AWAITING_APPROVAL, stamp="sent_for_approval_at"),
        Step("approve", {Status.AWAITING_APPROVAL}, Status.DONE, stamp="approved_at"),
        Step("return", {Status.CLAIMED, Status.AWAITING_APPROVAL}, Status.RETURNED),
        Step("resubmit", {Status.RETURNED}, Status.RECEIVED),
        Step("withdraw", set(OPEN), Status.WITHDRAWN),
    ],
    error=WorkItemStateError,
    audit="center.item.{target}",
)


class ExportStateError(Exception):
    def __init__(self, export: DailyExport, step: Step) -> None:
        super().__init__(f"export {export.pk} is {export.status}: cannot {step.name}")


EXPORT = Machine(
    "status",
    [
        Step("finish", {DailyExport.Status.PENDING}, DailyExport.Status.READY, stamp="finished_at"),
        Step("fail", {DailyExport.Status.PENDING}, DailyExport.Status.FAILED, stamp="finished_at"),
    ],
    error=ExportStateError,
    audit="center.export.{target}",
)
