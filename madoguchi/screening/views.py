"""The managers' screening page: upload an inventory, set the criteria, see, export, apply to the catalog."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from madoguchi.screening import charts
from madoguchi.screening.actions import (
    do_mark_one_stop,
    do_queue_inventory_read,
    do_store_inventory,
    preview_one_stop,
)
from madoguchi.screening.demo_inventory import DEMO_INVENTORY
from madoguchi.screening.forms import CRITERIA_FIELDS, DEFAULT_CRITERIA, CriteriaForm, UploadForm
from madoguchi.screening.inventory import Inventory, InventoryError, read_inventory
from madoguchi.screening.models import InventoryRead, InventoryUpload
from madoguchi.screening.report import selection_csv, selection_xlsx
from madoguchi.screening.select import Screening, screen
from madoguchi.screening.uploads import MULTIPART_ALLOWANCE, CappedUploadHandler, declared_length
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability, staff_for
from madoguchi.staff.roles import EDIT_CATALOG, PLAN_OPERATIONS


def _criteria_form(data: QueryDict) -> CriteriaForm:
    if any(name in data for name in CRITERIA_FIELDS):
        return CriteriaForm(data)
    return CriteriaForm(DEFAULT_CRITERIA)


def _query(form: CriteriaForm) -> str:
    return (
        urlencode([(k, v) for k in CRITERIA_FIELDS for v in form.data.getlist(k)])
        if isinstance(form.data, QueryDict)
        else urlencode(form.data)
    )


def _last_upload(staff: Staff) -> InventoryUpload | None:
    return InventoryUpload.objects.filter(staff=staff).first()


def _screened(
    staff: Staff, data: QueryDict
) -> tuple[CriteriaForm, InventoryUpload | None, Inventory | None, Screening | None]:
    form = _criteria_form(data)
    upload = _last_upload(staff)
    if upload is None or not form.is_valid():
        return form, upload, None, None
    inventory = upload.inventory()
    return form, upload, inventory, screen(inventory, form.criteria())


def _page(
    request: HttpRequest,
    staff: Staff,
    *,
    upload_form: UploadForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    form, upload, inventory, screening = _screened(staff, request.GET)
    context: dict[str, Any] = {
        "form": form,
        "upload_form": upload_form or UploadForm(),
        "upload": upload,
        "inventory": inventory,
        "screening": screening,
        "error": error,
        "query": _query(form),
        "can_edit_catalog": has_capability(staff, EDIT_CATALOG),
    }
    if screening is not None and inventory is not None:
        context["scatter"] = charts.scatter(screening)
        context["pareto"] = pareto = charts.pareto(screening)
        context["pareto_share"] = f"{pareto.shown_share:.0%}"
        context["selected_hours"] = f"{screening.selected_minutes / 60:,.0f}"
        context["total_hours"] = f"{screening.total_minutes / 60:,.0f}"
        context["share_percent"] = f"{screening.counter_minutes_share:.1%}"
        context["selection_rows"] = [
            {
                "code": item.operation.code,
                "name": item.operation.name,
                "department": item.operation.department,
                "volume": f"{item.operation.annual_volume:,}",
                "minutes": f"{item.operation.avg_minutes:g}",
                "relevance": item.operation.life_event_relevance,
                "discretionary": item.operation.discretionary,
                "expertise": item.operation.expertise,
                "hours": f"{item.operation.counter_minutes / 60:,.1f}",
                "score": f"{item.score:.1f}",
            }
            for item in screening.selected
        ]
    return render(request, "screening/screening.html", context, status=status)


@login_required
@require_GET
def screening_page(request: HttpRequest) -> HttpResponse:
    return _page(request, staff_for(request, PLAN_OPERATIONS))


def _too_large(request: HttpRequest, staff: Staff) -> HttpResponse:
    limit = settings.MADOGUCHI_INVENTORY_MAX_BYTES
    error = _(
        "ファイルが大きすぎます（%(limit)s まで）。不要な列や行を削除するか、CSV で保存してください。"
    ) % {"limit": filesizeformat(limit)}
    return _page(request, staff, error=error, status=413)


@csrf_exempt  # checked in _upload, once the body has been read by the size-capped handler
@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, PLAN_OPERATIONS)
    limit = settings.MADOGUCHI_INVENTORY_MAX_BYTES
    if declared_length(request) > limit + MULTIPART_ALLOWANCE:
        return _too_large(request, staff)
    handler = CappedUploadHandler(request, limit)
    request.upload_handlers = [handler]
    try:
        request.POST  # noqa: B018 (parses the body with the handler above)
    except RequestDataTooBig:
        return _too_large(request, staff)
    except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent):
        return _page(
            request, staff, error=_("送信された内容を読み取れません。もう一度お試しください。"), status=400
        )
    if handler.too_large:
        return _too_large(request, staff)
    return _upload(request, staff=staff)


@csrf_protect
def _upload(request: HttpRequest, *, staff: Staff) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, staff, upload_form=form, status=400)
    file = form.cleaned_data["file"]
    try:
        read = do_queue_inventory_read(staff, data=file.read(), filename=file.name or "")
    except InventoryError as error:
        return _page(request, staff, upload_form=form, error=error.message, status=400)
    return redirect("screening:read", read_id=read.pk)


def _read_done(request: HttpRequest, read: InventoryRead) -> None:
    messages.success(
        request,
        _("%(name)s を読み込みました（%(read)s 行、有効 %(kept)s 行、不備 %(rejected)s 行）。")
        % {
            "name": read.source_name,
            "read": read.rows_read,
            "kept": read.kept,
            "rejected": read.rejected_rows,
        },
    )


@login_required
@require_GET
def read_status(request: HttpRequest, read_id: UUID) -> HttpResponse:
    """How far the reading of an uploaded file is; once done, the screening page with its result."""
    staff = staff_for(request, PLAN_OPERATIONS)
    read = get_object_or_404(InventoryRead.objects.defer("content"), pk=read_id, staff=staff)
    part = request.GET.get("part") == "status"
    if read.status == InventoryRead.Status.DONE:
        _read_done(request, read)
        if part:
            return HttpResponseClientRedirect(reverse("screening:page"))
        return redirect("screening:page")
    context = {"read": read, "percent": round(read.progress * 100)}
    return render(request, "screening/read.html#status" if part else "screening/read.html", context)


@login_required
@require_POST
def use_demo(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, PLAN_OPERATIONS)
    inventory = read_inventory(DEMO_INVENTORY.read_bytes(), DEMO_INVENTORY.name)
    do_store_inventory(staff, inventory)
    messages.success(
        request,
        _("みなと市のデモ用業務棚卸表（%(count)s 業務）を読み込みました。") % {"count": inventory.kept},
    )
    return redirect("screening:page")


def _export(request: HttpRequest) -> tuple[Inventory, Screening]:
    staff = staff_for(request, PLAN_OPERATIONS)
    _form, _upload, inventory, screening = _screened(staff, request.GET)
    if inventory is None or screening is None:
        raise InventoryMissing
    return inventory, screening


class InventoryMissing(Exception):
    """No inventory uploaded yet, or the criteria are invalid."""


def _no_export(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("先に業務棚卸表を読み込み、選定基準を正しく入力してください。"))
    return redirect("screening:page")


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    try:
        inventory, screening = _export(request)
    except InventoryMissing:
        return _no_export(request)
    response = HttpResponse(
        selection_csv(screening, inventory.extra_headers), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="screening-selection.csv"'
    return response


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        inventory, screening = _export(request)
    except InventoryMissing:
        return _no_export(request)
    response = HttpResponse(
        selection_xlsx(screening, inventory.extra_headers),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="screening-selection.xlsx"'
    return response


@login_required
@require_POST
def mark_catalog(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, PLAN_OPERATIONS)
    form, _upload, _inventory, screening = _screened(staff, request.POST)
    back = reverse("screening:page") + "?" + _query(form)
    if screening is None:
        return _no_export(request)
    codes = [item.operation.code for item in screening.selected]
    if request.POST.get("confirm") != "1":
        # first what would change, to read before anything does (the catalog is what every counter plans by)
        to_move, preview = preview_one_stop(codes)
        fields = [(name, value) for name, value in request.POST.items() if name != "csrfmiddlewaretoken"]
        return render(
            request,
            "screening/catalog_confirm.html",
            {"to_move": to_move, "preview": preview, "fields": fields, "back": back, "selected": len(codes)},
        )
    result = do_mark_one_stop(
        staff, codes, reason=_("業務選定（%(count)s 業務）による総合窓口への移行") % {"count": len(codes)}
    )
    if result.marked:
        messages.success(
            request,
            _("総合窓口に移しました（%(count)s 件）: %(codes)s")
            % {"count": len(result.marked), "codes": "、".join(result.marked)},
        )
    if result.already:
        messages.info(
            request,
            _("すでに総合窓口の手続（%(count)s 件）: %(codes)s")
            % {"count": len(result.already), "codes": "、".join(result.already)},
        )
    if result.refused:
        messages.warning(
            request,
            _("市外の機関または無効の手続のため変更しません: %(codes)s")
            % {"codes": "、".join(result.refused)},
        )
    if not result.matched:
        messages.info(request, _("選定した業務の業務コードに一致する手続はカタログにありません。"))
    return redirect(back)
