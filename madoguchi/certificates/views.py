"""The certificates' pages: the resident's phone request, the simulated store terminal, the public
verification page and the managers' page. Each parses input, calls one action, renders."""

from __future__ import annotations

import base64
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from madoguchi.certificates import actions, cards, verification
from madoguchi.certificates.actions import IssuingError
from madoguchi.certificates.build import build_id
from madoguchi.certificates.kinds import catalog
from madoguchi.certificates.models import CertificateRequest, IssuingAnomaly, IssuingPoint, Suspension
from madoguchi.certificates.network import Center, Issuer, StoreTerminal
from madoguchi.organization.models import Office
from madoguchi.registry.adapter import registry
from madoguchi.staff.permissions import staff_for
from madoguchi.staff.roles import VIEW_DASHBOARDS

STORE_KEY = "certificates-store"
PHONE_KEY = "certificates-phone"
CARD_ERRORS = {
    "locked": _lazy(
        "暗証番号を3回まちがえたため、カードがロックされました。市役所の窓口で解除してください。"
    ),
    "unreadable": _lazy("カード番号（12けた）を読み取れません。"),
    "revoked": _lazy("このカードの電子証明書は失効しています。窓口でご相談ください。"),
    "expired": _lazy("このカードの電子証明書は有効期限が切れています。"),
    "forged": _lazy("このカードは使えません。"),
    "signature": _lazy("カードの読み取りに失敗しました。もう一度お試しください。"),
}


def _card_message(error: cards.CardError) -> str:
    if error.code == "pin":
        left = error.tries_left or 0
        return ngettext(
            "暗証番号が違います。あと%(left)s回まちがえるとロックされます。",
            "暗証番号が違います。あと%(left)s回まちがえるとロックされます。",
            left,
        ) % {"left": left}
    return str(CARD_ERRORS.get(error.code, _lazy("カードを読み取れませんでした。")))


def _read_card(request: HttpRequest) -> tuple[actions.Session, Any] | str:
    """The card number and PIN typed on the page (the simulated card reader): the holder, or a message."""
    serial = "".join(request.POST.get("card", "").split())[:20]
    pin = request.POST.get("pin", "").strip()[:8]
    if not (serial.isdigit() and len(serial) == 12):
        return _("マイナンバーカードの番号：12けたの数字で入力してください。")
    if not (pin.isdigit() and len(pin) == 4):
        return _("暗証番号：4けたの数字で入力してください。")
    session = actions.open_session()
    card = cards.SimulatedCard(serial)
    try:
        signature = card.sign(session.challenge, pin)
        holder = actions.authenticate(
            session.id, card.read_certificate().public_bytes(Encoding.DER), signature
        )
    except cards.CardError as error:
        return _card_message(error)
    return session, holder


# --- the resident's phone -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def phone(request: HttpRequest) -> HttpResponse:
    """Request a certificate on the phone; pay and pick it up at a store, a machine or the counter."""
    state = request.session.get(PHONE_KEY) or {}
    holder = registry().resident(state["holder"]) if state.get("holder") else None
    error = ""
    if request.method == "POST" and request.POST.get("step") == "card":
        read = _read_card(request)
        if isinstance(read, str):
            error = read
        else:
            request.session[PHONE_KEY] = {"holder": read[1].code, "session": str(read[0].id)}
            return redirect("certificates:phone")
    elif request.method == "POST" and request.POST.get("step") == "request" and holder is not None:
        kind_code = request.POST.get("kind", "")[:20]
        pickup = request.POST.get("pickup", "")
        if catalog().get(kind_code) is None:
            error = _("証明書の種類：選んでください。")
        elif pickup not in ("store", "machine", "counter"):
            error = _("受け取る場所：選んでください。")
        else:
            try:
                office = Office.objects.filter(kind=Office.Kind.WARD).order_by("sort_order").first()
                if office is None:
                    raise IssuingError(
                        _("この市では、まだスマートフォン申請を受け付けていません。"), "office"
                    )
                ask = actions.Ask(
                    office=office,  # the phone belongs to no office: the first ward's until it is picked up
                    point=None,
                    session=uuid.UUID(state["session"]),
                    subject=holder,
                    requester=holder,
                    relation="self",
                    kind_code=kind_code,
                    options=catalog().kinds[kind_code].ticked(request.POST),
                    channel="phone",
                    pickup=pickup,
                    idempotency_key=f"phone:{state['session']}:{request.POST.get('nonce', '')[:40]}",
                )
                made = actions.do_request(ask, build=build_id())
            except IssuingError as refused:
                error = refused.message
            else:
                request.session.pop(PHONE_KEY, None)
                return render(
                    request, "certificates/phone_done.html", {"made": made, "kind": catalog().get(made.kind)}
                )
    elif request.method == "POST" and request.POST.get("step") == "end":
        request.session.pop(PHONE_KEY, None)
        return redirect("certificates:phone")
    return render(
        request,
        "certificates/phone.html",
        {
            "holder": holder,
            "error": error,
            "kinds": [k for k in catalog().kinds.values() if "phone" in k.channels],
            "nonce": uuid.uuid4(),
        },
        status=400 if error else 200,
    )


# --- the simulated store terminal -------------------------------------------------------------------


def _point(code: str) -> IssuingPoint:
    point = IssuingPoint.objects.select_related("office").filter(code=code[:40]).first()
    if point is None or point.kind not in ("store", "machine"):
        raise Http404
    return point


def _terminal(point: IssuingPoint, state: dict[str, str]) -> StoreTerminal:
    terminal = StoreTerminal(point, Center([Issuer(f"web:{point.code}")]))
    terminal.session = actions.Session(
        uuid.UUID(state["session"]), actions.challenge_for(uuid.UUID(state["session"]))
    )
    terminal.holder = registry().resident(state["holder"])
    return terminal


@require_http_methods(["GET", "POST"])
def store(request: HttpRequest, point_code: str) -> HttpResponse:
    point = _point(point_code)
    state = request.session.get(STORE_KEY) or {}
    if state.get("point") != point.code:
        state = {}
    holder = registry().resident(state["holder"]) if state.get("holder") else None
    error = ""
    printed = None
    step = request.POST.get("step", "")
    if request.method == "POST" and step == "card":
        read = _read_card(request)
        if isinstance(read, str):
            error = read
        else:
            request.session[STORE_KEY] = {
                "point": point.code,
                "holder": read[1].code,
                "session": str(read[0].id),
            }
            return redirect("certificates:store", point_code=point.code)
    elif request.method == "POST" and step == "end":
        request.session.pop(STORE_KEY, None)
        return redirect("certificates:store", point_code=point.code)
    elif request.method == "POST" and holder is not None and step in ("request", "pickup"):
        terminal = _terminal(point, state)
        try:
            if step == "pickup":
                try:
                    pending = uuid.UUID(request.POST.get("request", ""))
                except ValueError:
                    raise IssuingError(_("受け取る請求を選んでください。"), "form") from None
                printed = terminal.pick_up(pending)
            else:
                kind_code = request.POST.get("kind", "")[:20]
                if catalog().get(kind_code) is None:
                    raise IssuingError(_("証明書の種類：選んでください。"), "form")
                printed = terminal.request(
                    kind_code,
                    catalog().kinds[kind_code].ticked(request.POST),
                    key=f"{point.code}:{state['session']}:{request.POST.get('nonce', '')[:40]}",
                )
        except IssuingError as refused:
            error = (
                refused.message
                if refused.code != "mismatch"
                else _("発行できませんでした。係員にお知らせください。")
            )
        else:
            request.session.pop(STORE_KEY, None)  # the card comes out with the paper
    pending_requests = (
        CertificateRequest.objects.filter(
            subject=holder.code, status=CertificateRequest.Status.REQUESTED, pickup__in=("store", "machine")
        ).order_by("created_at")
        if holder
        else []
    )
    return render(
        request,
        "certificates/store.html",
        {
            "point": point,
            "holder": holder,
            "error": error,
            "printed": printed,
            "paper": base64.b64encode(printed.pdf).decode() if printed else "",
            "kinds": [k for k in catalog().kinds.values() if point.kind in k.channels],
            "pending": pending_requests,
            "labels": {k.code: k.label for k in catalog().kinds.values()},
            "nonce": uuid.uuid4(),
        },
        status=400 if error and step not in ("request", "pickup") else 200,
    )


# --- verification -----------------------------------------------------------------------------------

REASONS = {
    "valid": _lazy("この証明書は、市が発行したもので、内容は発行時のままです。"),
    "void": _lazy(
        "この証明書は取り消されています（印刷の途中で止まった、時間切れなど）。有効な証明書ではありません。"
    ),
    "unknown": _lazy("この証明書番号の記録がありません。"),
    "not_issued": _lazy("この証明書は、まだ交付が完了していません。"),
    "altered": _lazy("ファイルが発行後に変更されています。有効な証明書ではありません。"),
    "unsigned": _lazy("このファイルには市の電子署名がありません。"),
    "untrusted": _lazy("このファイルの電子署名は、市の発行用の鍵によるものではありません。"),
    "code": _lazy(
        "確認コードが正しくありません。証明書に印刷された「MDG1V」で始まるコードを入力してください。"
    ),
}


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    verdict = None
    error = ""
    code = request.POST.get("code", "") or request.GET.get("c", "")
    upload = request.FILES.get("file")
    if upload is not None:
        try:
            verdict = verification.by_file(upload.read(verification.MAX_PDF + 1))
        except verification.Unreadable:
            error = _("ファイル：証明書のPDFファイルを選んでください（読み取れませんでした）。")
    elif code.strip():
        verdict = verification.by_code(code[:100])
    elif request.method == "POST":
        error = _("確認コードを入力するか、PDFファイルを選んでください。")
    kind = catalog().get(verdict.kind) if verdict and verdict.kind else None
    return render(
        request,
        "certificates/verify.html",
        {
            "verdict": verdict,
            "reason": str(REASONS[verdict.reason]) if verdict else "",
            "kind": kind,
            "error": error,
            "code": code[:100],
        },
        status=400 if error else 200,
    )


# --- managers -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def manage(request: HttpRequest) -> HttpResponse:
    """Suspensions to acknowledge, recent anomalies, issuance by channel, office and hour, fees per day."""
    staff_for(request, VIEW_DASHBOARDS)
    today = timezone.localdate()
    since = today - timedelta(days=6)
    printed = CertificateRequest.objects.filter(
        status=CertificateRequest.Status.PRINTED, printed_at__date__gte=since
    )
    by_channel = (
        printed.values("office__name_ja", "pickup")
        .annotate(count=Count("pk"))
        .order_by("office__name_ja", "pickup")
    )
    hours: dict[int, int] = defaultdict(int)
    for row in printed.annotate(hour=ExtractHour("printed_at")).values("hour").annotate(count=Count("pk")):
        hours[row["hour"]] += row["count"]
    ledger = (
        printed.annotate(day=TruncDate("printed_at"))
        .values("day", "pickup")
        .annotate(count=Count("pk"), fees=Sum("fee"))
        .order_by("-day", "pickup")
    )
    return render(
        request,
        "certificates/manage.html",
        {
            "suspensions": Suspension.objects.filter(acknowledged_at=None).select_related(
                "office", "anomaly"
            ),
            "anomalies": IssuingAnomaly.objects.select_related("office", "point")[:20],
            "by_channel": by_channel,
            "hours": sorted(hours.items()),
            "ledger": ledger,
            "channels": dict(CertificateRequest.Channel.choices),
            "since": since,
        },
    )


@login_required
@require_http_methods(["GET"])
def alerts(request: HttpRequest) -> HttpResponse:
    """The managers' home asks this fragment whether automated issuing is suspended anywhere."""
    staff_for(request, VIEW_DASHBOARDS)
    suspensions = Suspension.objects.filter(acknowledged_at=None).select_related("office")
    return render(request, "certificates/_alerts.html", {"suspensions": suspensions})


@login_required
@require_POST
def acknowledge(request: HttpRequest, suspension_id: int) -> HttpResponse:
    staff = staff_for(request, VIEW_DASHBOARDS)
    try:
        actions.do_acknowledge_suspension(staff, suspension_id, note=request.POST.get("note", "")[:300])
    except IssuingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("確認を記録しました。この庁舎の自動交付を再開します。"))
    return redirect("certificates:manage")
