"""The managers' screening page: upload an inventory, set the criteria, see, export, apply to the catalog."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from madoguchi.screening import charts
from madoguchi.screening.actions import do_mark_one_stop, do_store_inventory, preview_one_stop
from madoguchi.screening.demo_inventory import DEMO_INVENTORY
from madoguchi.screening.forms import CRITERIA_FIELDS, DEFAULT_CRITERIA, CriteriaForm, UploadForm
from madoguchi.screening.inventory import Inventory, InventoryError, read_inventory
from madoguchi.screening.models import InventoryUpload
from madoguchi.screening.report import selection_csv, selection_xlsx
from madoguchi.screening.select import Screening, screen
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


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, PLAN_OPERATIONS)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, staff, upload_form=form, status=400)
    file = form.cleaned_data["file"]
    try:
        inventory = read_inventory(file.read(), file.name or "")
    except InventoryError as error:
        return _page(request, staff, upload_form=form, error=error.message, status=400)
    do_store_inventory(staff, inventory)
    messages.success(
        request,
        _("%(name)s を読み込みました（%(read)s 行、有効 %(kept)s 行、不備 %(rejected)s 行）。")
        % {
            "name": inventory.source,
            "read": inventory.rows_read,
            "kept": inventory.kept,
            "rejected": inventory.rejected_row_count,
        },
    )
    return redirect("screening:page")


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
