"""The center's screens (batches, an item, approvals, dispatch), the wards' returns, and the dashboard."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madoguchi.audit.chain import record
from madoguchi.center.actions import (
    WorkItemStateError,
    claim_next,
    do_approve,
    do_claim,
    do_mark_dispatched,
    do_release,
    do_return,
    do_send_for_approval,
)
from madoguchi.center.models import WorkItem, WorkItemEvent, WorkQueue
from madoguchi.center.states import WORK_ITEM
from madoguchi.rules.facts import labels
from madoguchi.staff.models import Staff
from madoguchi.staff.names import with_actor_names
from madoguchi.staff.permissions import has_capability, staff_for
from madoguchi.staff.roles import (
    APPROVE_WORK_ITEM,
    HANDLE_CASE,
    PROCESS_WORK_ITEM,
    RETURN_WORK_ITEM,
    VIEW_DASHBOARDS,
)
from madoguchi.submissions.models import Submission
from madoguchi.submissions.sources import source_url
from madoguchi.ui.inputs import check_date, parse_int

Status = WorkItem.Status


@login_required
def batches(request: HttpRequest) -> HttpResponse:
    """Each queue's waiting items grouped by the day they were received: the batches to process."""
    staff = staff_for(request, PROCESS_WORK_ITEM)
    today = timezone.localdate()
    rows = (
        WorkItem.objects.filter(status=Status.RECEIVED)
        .values("queue_id", "received_on")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)), due=Min("deadline"))
        .order_by("received_on")
    )
    by_queue: dict[int, list[dict[str, object]]] = {}
    for row in rows:
        by_queue.setdefault(int(row["queue_id"]), []).append(dict(row))
    active = list(WorkQueue.objects.filter(active=True))
    mine = WorkItem.objects.filter(status=Status.CLAIMED, claimed_by=staff).select_related("queue")
    approvals = WorkItem.objects.filter(status=Status.AWAITING_APPROVAL).count()
    selected_queue = request.GET.get("queue", "")
    selected_day = request.GET.get("day", "")
    batch = []
    if selected_queue.isdigit() and len(selected_queue) < 10:  # an id, not a number too long for any
        batch_items = WorkItem.objects.filter(
            queue_id=int(selected_queue), status=Status.RECEIVED
        ).select_related("received_office", "queue")
        with contextlib.suppress(ValueError):  # no day, or not a date: the whole queue
            batch_items = batch_items.filter(received_on=date.fromisoformat(selected_day))
        batch = list(batch_items[:200])
    return render(
        request,
        "center/batches.html",
        {
            "queues": [(queue, by_queue[queue.pk]) for queue in active if queue.pk in by_queue],
            "idle_queues": [queue for queue in active if queue.pk not in by_queue],
            "mine": mine,
            "approvals": approvals,
            "batch": batch,
            "selected_queue": selected_queue,
            "selected_day": selected_day,
            "today": today,
            "can_approve": has_capability(staff, APPROVE_WORK_ITEM),
        },
    )


@login_required
@require_POST
def claim(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, PROCESS_WORK_ITEM)
    item_id = request.POST.get("item", "")
    try:
        if item_id:
            item = get_object_or_404(WorkItem, pk=_uuid(item_id))
            claimed: WorkItem | None = do_claim(staff, item)
        else:
            queue = get_object_or_404(WorkQueue, pk=parse_int(request.POST.get("queue") or "0", "queue"))
            claimed = claim_next(staff, queue)
    except WorkItemStateError as error:
        messages.error(request, error.message)
        return redirect("center:batches")
    if claimed is None:
        messages.info(request, _("処理待ちの案件はありません。"))
        return redirect("center:batches")
    return redirect("center:item", item_id=claimed.pk)


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _visible_item(staff: Staff, item_id: UUID) -> WorkItem:
    item = get_object_or_404(
        WorkItem.objects.select_related("queue", "received_office", "claimed_by", "approved_by"),
        pk=item_id,
    )
    center = has_capability(staff, PROCESS_WORK_ITEM)
    ward = has_capability(staff, HANDLE_CASE) and staff.office_id == item.received_office_id
    if not (center or ward):
        raise PermissionDenied
    return item


@login_required
def item_detail(request: HttpRequest, item_id: UUID) -> HttpResponse:
    user = request.user
    if not isinstance(user, Staff):
        raise PermissionDenied
    item = _visible_item(user, item_id)
    submission = item.submission
    people = [_person(member) for member in submission.members()]
    return render(
        request,
        "center/item.html",
        {
            "item": item,
            "submission": submission,
            "event_label": labels("event", get_language()).get(str(submission.data.get("event", "")), ""),
            "versions": Submission.objects.filter(
                source=submission.source, source_id=submission.source_id
            ).defer("bundle_pdf"),
            "source_url": source_url(submission),
            "subjects": [p for p in people if p["id"] in item.members] or people,
            "events": with_actor_names(WorkItemEvent.objects.filter(item=item)),
            "is_mine": WORK_ITEM.allows(item, "send_for_approval") and item.claimed_by_id == user.pk,
            "can_approve": has_capability(user, APPROVE_WORK_ITEM)
            and WORK_ITEM.allows(item, "approve")
            and item.claimed_by_id != user.pk,
            "can_return": has_capability(user, RETURN_WORK_ITEM) and WORK_ITEM.allows(item, "return"),
            "can_correct": has_capability(user, HANDLE_CASE)
            and user.office_id == item.received_office_id
            and WORK_ITEM.allows(item, "resubmit"),
            "center": has_capability(user, PROCESS_WORK_ITEM),
        },
    )


def _person(member: dict[str, object]) -> dict[str, object]:
    """A member of the submission's data as the item page shows it."""
    return {
        "id": member.get("id", ""),
        "name": f"{member.get('family_name', '')} {member.get('given_name', '')}".strip(),
        "kana": f"{member.get('family_name_kana', '')} {member.get('given_name_kana', '')}".strip(),
        "birth_date": member.get("birth_date", ""),
        "relationship": labels("relationship", get_language()).get(str(member.get("relationship", "")), ""),
    }


@login_required
def item_documents(request: HttpRequest, item_id: UUID, version: int | None = None) -> HttpResponse:
    """The forms the resident signed, exactly as stored in the submission (any version of its source)."""
    staff = staff_for(request, PROCESS_WORK_ITEM)
    item = _visible_item(staff, item_id)
    current = item.submission
    submission = get_object_or_404(
        Submission,
        source=current.source,
        source_id=current.source_id,
        version=version if version is not None else current.version,
    )
    if not submission.bundle_pdf:
        messages.info(
            request, _("この版には署名し直した帳票がありません（変更のない帳票は前の版のとおりです）。")
        )
        return redirect("center:item", item_id=item.pk)
    record(
        staff,
        "submission.print",
        submission,
        extra={"version": submission.version, "sha256": submission.bundle_sha256, "item": str(item.pk)},
    )
    response = HttpResponse(bytes(submission.bundle_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{submission.reference}-v{submission.version}.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-SHA256"] = submission.bundle_sha256
    return response


@login_required
@require_POST
def item_action(request: HttpRequest, item_id: UUID, action: str) -> HttpResponse:
    user = request.user
    if not isinstance(user, Staff):
        raise PermissionDenied
    item = _visible_item(user, item_id)
    try:
        if action == "submit":
            do_send_for_approval(
                user, item, result=request.POST.get("result", ""), issued=request.POST.get("issued", "")
            )
            messages.success(request, _("決裁に回しました。"))
            return redirect("center:batches")
        if action == "release":
            do_release(user, item)
            return redirect("center:batches")
        if action == "approve":
            if request.POST.get("checked") != "on":  # a decision: never one stray click
                messages.error(
                    request,
                    _(
                        "「処理結果・交付物・署名済みの帳票を確認しました」にチェックしてから決裁してください。"
                    ),
                )
                return redirect("center:item", item_id=item.pk)
            do_approve(user, item)
            messages.success(request, _("決裁しました。"))
            return redirect("center:approvals")
        if action == "return":
            do_return(user, item, reason=request.POST.get("reason", ""))
            messages.success(request, _("受付庁舎に差し戻しました。"))
            return redirect("center:approvals")
    except WorkItemStateError as error:
        messages.error(request, error.message)
        return redirect("center:item", item_id=item.pk)
    return HttpResponse(status=404)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, APPROVE_WORK_ITEM)
    waiting = (
        WorkItem.objects.filter(status=Status.AWAITING_APPROVAL)
        .select_related("queue", "received_office", "claimed_by")
        .order_by("deadline", "sent_for_approval_at")
    )
    return render(
        request, "center/approvals.html", {"items": waiting, "me": staff, "today": timezone.localdate()}
    )


@login_required
def returns(request: HttpRequest) -> HttpResponse:
    """The ward office's returned items: only those its own counter received."""
    staff = staff_for(request, HANDLE_CASE)
    items = list(
        WorkItem.objects.filter(status=Status.RETURNED, received_office_id=staff.office_id)
        .select_related("queue", "submission")
        .defer("submission__bundle_pdf")
        .order_by("deadline")
    )
    for item in items:
        item.source_url = source_url(item.submission)  # type: ignore[attr-defined]
    return render(request, "center/returns.html", {"items": items, "office": staff.office})


@login_required
def dispatch(request: HttpRequest) -> HttpResponse:
    """What was issued and must be mailed to residents (insurance cards, certificates)."""
    staff = staff_for(request, PROCESS_WORK_ITEM)
    pending = WorkItem.objects.filter(status=Status.DONE, dispatched_at__isnull=True).exclude(issued="")
    if request.method == "POST":
        chosen = [i for i in (_uuid(v) for v in request.POST.getlist("item")) if i is not None]
        count = do_mark_dispatched(staff, pending.filter(pk__in=chosen))
        messages.success(request, _("%(n)s 件を発送済みにしました。") % {"n": count})
        return redirect("center:dispatch")
    return render(
        request,
        "center/dispatch.html",
        {"items": pending.select_related("submission").defer("submission__bundle_pdf")},
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    from madoguchi.center.dashboard import center_figures

    staff_for(request, VIEW_DASHBOARDS, PROCESS_WORK_ITEM)
    days = 14
    return render(
        request,
        "center/dashboard.html",
        center_figures(timezone.localdate(), timezone.localdate() - timedelta(days=days - 1)),
    )


@login_required
def exports(request: HttpRequest) -> HttpResponse:
    """The daily CSV files for the core systems: request one, see its checksum, download it."""
    from madoguchi.center.exports import do_request_export
    from madoguchi.center.models import DailyExport

    staff = staff_for(request, PROCESS_WORK_ITEM)
    errors: dict[str, str] = {}
    if request.method == "POST":
        queue = WorkQueue.objects.filter(pk=parse_int(request.POST.get("queue") or "0", "queue")).first()
        encoding = request.POST.get("encoding", "")
        try:
            day = check_date(date.fromisoformat(request.POST.get("day", "")), "day")
        except ValueError:
            errors["day"] = _("処理日を YYYY-MM-DD で入力してください。")
        if queue is None:
            errors["queue"] = _("処理キューを選んでください。")
        if encoding not in DailyExport.Encoding.values:
            errors["encoding"] = _("文字コードを選んでください。")
        if not errors and queue is not None:
            do_request_export(staff, queue=queue, day=day, encoding=encoding)
            messages.success(request, _("出力を依頼しました。作成されるとこの一覧に表示されます。"))
            return redirect("center:exports")
    return render(
        request,
        "center/exports.html",
        {
            "exports": DailyExport.objects.select_related("queue").defer("content")[:100],
            "queues": WorkQueue.objects.filter(active=True),
            "encodings": DailyExport.Encoding.choices,
            "errors": errors,
            "yesterday": timezone.localdate() - timedelta(days=1),
        },
        status=400 if errors else 200,
    )


@login_required
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    from madoguchi.center.models import DailyExport

    staff = staff_for(request, PROCESS_WORK_ITEM)
    export = get_object_or_404(
        DailyExport.objects.select_related("queue"), pk=export_id, status=DailyExport.Status.READY
    )
    record(staff, "center.export.download", export, extra={"sha256": export.sha256, "rows": export.rows})
    charset = "shift_jis" if export.encoding == DailyExport.Encoding.SHIFT_JIS else "utf-8"
    response = HttpResponse(bytes(export.content), content_type=f"text/csv; charset={charset}")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Content-SHA256"] = export.sha256
    response["Cache-Control"] = "no-store"
    return response
