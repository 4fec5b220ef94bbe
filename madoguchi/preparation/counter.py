"""The counter's side of a prepared visit: the scan page (a USB scanner that types, the terminal's camera,
or a photo of the phone), the list of prepared visits per office and day, and the import API."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from madoguchi.preparation import actions, codes, qr
from madoguchi.preparation.models import PreparedVisit
from madoguchi.preparation.record import InvalidPreparation, validate
from madoguchi.reservations.actions import BookingError
from madoguchi.rules.facts import EVENTS
from madoguchi.staff.actions import staff_for_api_token
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability, staff_for
from madoguchi.staff.roles import HANDLE_CASE, VIEW_DASHBOARDS
from madoguchi.ui.headers import relax_permissions
from madoguchi.ui.inputs import BadInput, parse_json

MAX_PARTS = codes.MAX_PARTS
MAX_TEXT = 4000  # one symbol's text, with room for a scanner's line ends
MAX_IMAGE_BYTES = 8 * 1024 * 1024


def _texts(request: HttpRequest) -> list[str]:
    """What was read so far: the parts kept in the page, and what was just typed, pasted or photographed."""
    texts = [t[:MAX_TEXT] for t in request.POST.getlist("part")[:MAX_PARTS]]
    typed = request.POST.get("code", "")[: MAX_TEXT * MAX_PARTS]
    texts += [line for line in typed.splitlines() if line.strip()]
    image = request.FILES.get("image")
    if image is not None:
        if image.size is None or image.size > MAX_IMAGE_BYTES:
            raise BadInput("image", _("画像が大きすぎます（8MBまで）。"))
        try:
            texts += qr.read_image(image.read())
        except qr.NoCodeFound as error:
            raise BadInput("image", _("画像からQRコードを読み取れませんでした。")) from error
    return texts


@login_required
@relax_permissions(camera=["self"])
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, HANDLE_CASE)
    imported = actions.imported_for(staff.office) if staff.office else []
    context: dict[str, Any] = {"parts": [], "have": 0, "total": 0, "imported": imported}
    if request.method == "GET":
        return render(request, "preparation/scan.html", context)
    try:
        texts = _texts(request)
        if not texts:
            raise BadInput("code", _("QRコードを読み取ってください。"))
        opened = actions.read_codes(texts)
    except BadInput as error:
        context.update(error=error.message, parts=request.POST.getlist("part")[:MAX_PARTS])
        return render(request, "preparation/scan.html", context, status=400)
    except actions.Incomplete as incomplete:
        context.update(parts=_unique(texts), have=incomplete.have, total=incomplete.total)
        return render(request, "preparation/scan.html", context)
    except codes.CodeRefused as refused:
        context["error"] = refused.message
        return render(request, "preparation/scan.html", context, status=400)
    if staff.office is None:
        context["error"] = _("庁舎に所属していない職員は受付案件を作れません。")
        return render(request, "preparation/scan.html", context, status=403)
    return _opened_case(request, staff, opened)


def _opened_case(request: HttpRequest, staff: Staff, opened: codes.Opened) -> HttpResponse:
    assert staff.office is not None  # noqa: S101 (checked by the callers)
    result = actions.open_case(staff, opened, office=staff.office)
    if not result.created:
        messages.info(request, _("この事前入力はすでに受付案件になっています。同じ案件を開きました。"))
    elif result.saved:
        messages.success(
            request, _("事前入力から受付案件を作りました。各項目を本人と確認してから印刷してください。")
        )
    else:
        messages.warning(
            request,
            _("事前入力から受付案件を作りました。直す項目が%(n)s件あります。本人と確認して直してください。")
            % {"n": len(result.fields_to_correct)},
        )
    return redirect("cases:detail", case_id=result.case.pk)


@login_required
@require_POST
def open_imported(request: HttpRequest, visit_id: UUID) -> HttpResponse:
    """Open the case of a preparation imported from マイナポータル, when its resident comes."""
    staff = staff_for(request, HANDLE_CASE)
    visit = get_object_or_404(PreparedVisit, pk=visit_id, mode=PreparedVisit.Mode.IMPORTED)
    if staff.office is None:
        raise PermissionDenied(_("庁舎に所属していない職員は受付案件を作れません。"))
    return _opened_case(request, staff, actions.opened_import(visit))


@login_required
@require_POST
def book_proposed(request: HttpRequest, visit_id: UUID) -> HttpResponse:
    """Book the proposed time of an announced visit for the resident (after asking them)."""
    staff = staff_for(request, HANDLE_CASE)
    visit = get_object_or_404(PreparedVisit, pk=visit_id, mode=PreparedVisit.Mode.IMPORTED, case__isnull=True)
    if visit.office_id != staff.office_id:
        raise PermissionDenied(_("他の庁舎の来庁予定は予約できません。"))
    try:
        reservation = actions.book_proposed(staff, visit)
    except BookingError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(day)s %(start)s に予約しました（予約番号 %(code)s）。")
            % {
                "day": reservation.day.isoformat(),
                "start": f"{reservation.start:%H:%M}",
                "code": reservation.code,
            },
        )
    return redirect("preparation:scan")


def _unique(texts: list[str]) -> list[str]:
    seen: list[str] = []
    for text in texts:
        if text.strip() and text.strip() not in seen:
            seen.append(text.strip())
    return seen


@login_required
def prepared_visits(request: HttpRequest) -> HttpResponse:
    """Who is coming when: prepared visits per office and day for the next weeks (no names), so that the
    busy days of March can be staffed."""
    staff_for(request, VIEW_DASHBOARDS)
    today = timezone.localdate()
    days = 28
    visits = PreparedVisit.objects.filter(visit_date__gte=today, visit_date__lt=today + timedelta(days=days))
    rows = (
        visits.values("visit_date", "office__code", "office__name_ja", "office__name_en", "event")
        .annotate(
            visits=Count("pk"),
            people=Sum("members"),
            reserved=Count("pk", filter=Q(reservation__isnull=False)),
            opened=Count("pk", filter=Q(case__isnull=False)),
        )
        .order_by("visit_date", "office__code", "event")
    )
    by_day: dict[date | None, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_day[row["visit_date"]].append(dict(row) | {"event_label": EVENTS.get(row["event"], row["event"])})
    table = [
        {
            "day": day,
            "rows": entries,
            "visits": sum(r["visits"] for r in entries),
            "people": sum(r["people"] or 0 for r in entries),
        }
        for day, entries in sorted(by_day.items(), key=lambda item: item[0] or date.min)
    ]
    undated = PreparedVisit.objects.filter(
        visit_date__isnull=True, case__isnull=True, expires_at__gt=timezone.now()
    )
    return render(
        request,
        "preparation/visits.html",
        {"table": table, "days": days, "undated": undated.count()},
    )


def _api_error(status: int, path: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": [{"path": path, "message": message}]}, status=status)


@csrf_exempt  # authenticated by the staff member's bearer token, not by a session cookie
@require_POST
def import_api(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/preparations/import: a code (or its parts) or a preparation/v1 record → a case."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    staff = staff_for_api_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if staff is None:
        response = _api_error(
            401, "Authorization", "a valid staff API token is required (Authorization: Bearer TOKEN)"
        )
        response["WWW-Authenticate"] = 'Bearer realm="madoguchi"'
        return response
    if not has_capability(staff, HANDLE_CASE) or staff.office is None:
        return _api_error(403, "Authorization", "this staff member may not open cases")
    try:
        body = parse_json(request.body or b"", max_bytes=256 * 1024)
    except BadInput as error:
        return _api_error(error.status, error.field, error.message)
    if not isinstance(body, dict) or len([k for k in ("code", "codes", "preparation") if k in body]) != 1:
        return _api_error(400, "(body)", 'give exactly one of "code", "codes" or "preparation"')
    try:
        opened = _opened(body, staff)
    except InvalidPreparation as invalid:
        return JsonResponse(
            {
                "errors": [
                    {"path": f"preparation.{path}", "message": message} for path, message in invalid.errors
                ]
            },
            status=400,
        )
    except actions.Incomplete as incomplete:
        return _api_error(
            409,
            "codes",
            f"{incomplete.have} of {incomplete.total} codes read: send every code of the sequence",
        )
    except codes.CodeRefused as refused:
        return _api_error(400, "code", f"{refused.reason}: {refused.message}")
    except BadInput as error:
        return _api_error(error.status, error.field, error.message)
    result = actions.open_case(staff, opened, office=staff.office)
    return JsonResponse(
        {
            "case": result.case.number,
            "url": request.build_absolute_uri(reverse("cases:detail", args=[result.case.pk])),
            "created": result.created,
            "saved": result.saved,
            "fields_to_correct": result.fields_to_correct,
        },
        status=201 if result.created else 200,
    )


def _opened(body: dict[str, Any], staff: Staff) -> codes.Opened:
    if "preparation" in body:
        record = body["preparation"]
        if not isinstance(record, dict):
            raise BadInput("preparation", "a preparation/v1 object")
        validate(record)
        if record.get("municipality_code") != codes.city_code():
            raise codes.CodeRefused("foreign", "the preparation is for another municipality")
        now = timezone.now()
        return codes.Opened(record=record, issued=now, expires=now + timedelta(days=1))
    texts = [body["code"]] if "code" in body else body["codes"]
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise BadInput("codes", "a list of the code texts, one per QR symbol")
    if len(texts) > MAX_PARTS or any(len(t) > MAX_TEXT for t in texts):
        raise BadInput("codes", f"at most {MAX_PARTS} codes of {MAX_TEXT} characters")
    return actions.read_codes(texts)
