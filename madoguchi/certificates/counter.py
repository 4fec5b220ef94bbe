"""The certificate counter: the clerk finds the resident in the registry, chooses the certificate, prints a
pre-filled request the resident only signs, and issues the certificate once it is signed."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from madoguchi.certificates import actions, document
from madoguchi.certificates.actions import IssuingError
from madoguchi.certificates.build import build_id
from madoguchi.certificates.kinds import catalog
from madoguchi.certificates.models import CertificateRequest
from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.kana import furigana
from madoguchi.identity.wareki import parse_date
from madoguchi.registry.adapter import ResidentRecord, registry
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import staff_for
from madoguchi.staff.roles import HANDLE_CASE, HANDLE_DEPARTMENT_PROCEDURE

RELATIONS = {
    "self": _lazy("本人"),
    "household": _lazy("同一世帯の方"),
    "agent": _lazy("代理人（委任状あり）"),
}


def _subject(request: HttpRequest) -> ResidentRecord | None:
    code = request.POST.get("subject", "")  # never in a URL: addresses end up in access logs
    return registry().resident(code[:11]) if code else None


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _hand_over(staff: Staff, made: CertificateRequest) -> actions.Document:
    """The counter is its own terminal: issue, then print once. A second click that reaches here while the
    first is printing gets no second paper."""
    answer = actions.do_issue(made.pk, issuer=f"counter:{staff.username}", build=build_id())
    if not actions.do_commit(made.pk, session=made.session):
        raise IssuingError(_("この証明書はすでに印刷しました。"), "state")
    actions.do_printed(made.pk, session=made.session)
    return answer


@login_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, HANDLE_CASE, HANDLE_DEPARTMENT_PROCEDURE)
    errors: dict[str, str] = {}
    found: list[ResidentRecord] = []
    step = request.POST.get("step", "")
    data = request.POST
    if step == "search":
        try:
            family = furigana(data.get("family_kana", ""))
        except InvalidInput as error:
            errors["family_kana"] = _("フリガナ（氏）：%(why)s") % {"why": error}
        try:
            given = furigana(data.get("given_kana", ""))
        except InvalidInput as error:
            errors["given_kana"] = _("フリガナ（名）：%(why)s") % {"why": error}
        try:
            born = parse_date(data.get("birth_date", "")[:20])
        except (InvalidInput, ValueError):
            errors["birth_date"] = _("生年月日：2026-04-01 や 令和8年4月1日 の形で入力してください。")
        if not errors:
            found = registry().find(family_kana=family, given_kana=given, birth_date=born)
            if not found:
                errors["search"] = _(
                    "この方の記録は見つかりませんでした。フリガナと生年月日を確かめてください。"
                )
    if step == "pickup":
        code = "".join(request.POST.get("pickup_code", "").split())[:8]
        if not (code.isdigit() and len(code) == 8):
            errors["pickup_code"] = _("引換番号：8けたの数字で入力してください。")
        elif request.POST.get("identified") != "on":
            errors["identified"] = _("本人確認：本人確認書類を確かめてください。")
        else:
            try:
                answer = _hand_over(staff, actions.do_claim_at_counter(staff, code))
            except IssuingError as error:
                errors["pickup_code"] = error.message
            else:
                return _pdf(answer.pdf, f"certificate-{answer.serial}.pdf")
    subject = _subject(request)
    kind = catalog().get(request.POST.get("kind", "")[:20])
    relation = request.POST.get("relation", "self")
    requester = request.POST.get("requester", "").strip()[:60]
    if step in ("form", "issue") and subject is not None:
        if kind is None:
            errors["kind"] = _("証明書の種類：選んでください。")
        if relation not in RELATIONS:
            errors["relation"] = _("請求する方：選んでください。")
        elif relation != "self" and not requester:
            errors["requester"] = _("請求する方の氏名：入力してください。")
        elif relation == "agent" and request.POST.get("letter") != "on":
            errors["letter"] = _("委任状：確認してください。代理人の請求には委任状が必要です。")
    if not errors and subject is not None and kind is not None and step == "form":
        options = kind.clean_options(kind.ticked(request.POST), "counter")
        return _pdf(
            document.render_request_form(
                kind_label=kind.label_ja,
                options=[o.label_ja for o in kind.options if options.get(o.code)],
                subject_name=subject.name,
                subject_address=subject.address,
                subject_birth=subject.birth_date,
                relation=str(RELATIONS[relation]),
                requester=subject.name if relation == "self" else requester,
                fee=kind.fee_for("counter"),
                today=timezone.localdate(),
            ),
            "request.pdf",
        )
    if not errors and subject is not None and kind is not None and step == "issue":
        if request.POST.get("signed") != "on":
            errors["signed"] = _("署名：申請書に署名があることを確かめてください。")
        else:
            try:
                if staff.office is None:
                    raise IssuingError(_("所属の庁舎が設定されていないため、発行できません。"), "office")
                ask = actions.Ask(
                    office=staff.office,
                    point=None,
                    session=uuid.uuid4(),
                    subject=subject,
                    requester=subject if relation == "self" else None,
                    relation=relation,
                    kind_code=kind.code,
                    options=kind.ticked(request.POST),
                    channel="counter",
                    pickup="counter",
                    idempotency_key=f"counter:{request.POST.get('nonce', '')[:40]}",
                )
                answer = _hand_over(staff, actions.do_request(ask, build=build_id(), actor=staff))
            except IssuingError as error:
                errors["issue"] = error.message
            else:
                return _pdf(answer.pdf, f"certificate-{answer.serial}.pdf")
    return render(
        request,
        "certificates/counter.html",
        {
            "errors": errors,
            "found": found,
            "subject": subject,
            "kinds": list(catalog().kinds.values()),
            "relations": RELATIONS,
            "data": data,
            "nonce": uuid.uuid4(),
        },
        status=400 if errors else 200,
    )
