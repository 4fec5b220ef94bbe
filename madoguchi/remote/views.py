"""Remote consultation pages: the desk (presence, an expert's offers and queue), the room, the guest's
door, and the endpoints the room's script talks to (state, stream, join, leave, signal)."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime, time
from typing import Any
from uuid import UUID

import segno
from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from madoguchi.cases.access import may_handle
from madoguchi.cases.actions import case_channel
from madoguchi.cases.models import Case
from madoguchi.remote import actions, presence
from madoguchi.remote.models import WEEKDAYS, Capture, Consultation, ExpertProfile, Participant
from madoguchi.remote.skills import Skill
from madoguchi.remote.stream import event_stream
from madoguchi.remote.turn import ice_configuration
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import staff_for
from madoguchi.staff.roles import CONSULT_REMOTE, VIEW_DASHBOARDS
from madoguchi.ui.headers import relax_permissions

GUEST_COOKIE = "madoguchi_remote_guest"
GUEST_SALT = "madoguchi.remote.guest"
GUEST_AGE = 8 * 3600
WEEKDAY_LABELS = (_l("月"), _l("火"), _l("水"), _l("木"), _l("金"), _l("土"), _l("日"))


def _error(error: ValidationError, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": " ".join(error.messages)}, status=status)


def _tell(request: HttpRequest, error: ValidationError) -> None:
    """A refused form step: each reason on the next page, in the user's language."""
    for message in error.messages:
        messages.error(request, message)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise ValidationError(_("送られた内容を読み取れませんでした。"))
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("送られた内容を読み取れませんでした。")) from None
    if not isinstance(body, dict):
        raise ValidationError(_("送られた内容を読み取れませんでした。"))
    return body


def _tab(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(_("ページの識別子が正しくありません。")) from None


# --- presence -------------------------------------------------------------------------------------------


@require_POST
def presence_beat(request: HttpRequest) -> JsonResponse:
    """One heartbeat of a staff page. An available expert's beat also moves the queue on (an unanswered
    offer passes to the next expert) and answers what rings for them."""
    user = request.user
    if not isinstance(user, Staff):
        return JsonResponse({"error": _("ログインしてください。")}, status=403)
    try:
        tab = _tab(_json_body(request).get("tab"))
    except ValidationError as error:
        return _error(error)
    now = timezone.now()
    presence.beat(user, tab, now=now)
    offers: list[dict[str, Any]] = []
    profile = ExpertProfile.objects.filter(staff=user).first()
    if profile is not None and profile.skills:
        actions.route(skills=profile.skills, now=now)
        offers = [
            {
                "id": str(c.pk),
                "text": _("%(office)s から %(skill)s の相談")
                % {"office": c.office.name, "skill": c.get_skill_display()},
                "accept": reverse("remote:accept", args=[c.pk]),
                "button": _("応答する"),
            }
            for c in actions.offers_for(user, now=now)
        ]
    return JsonResponse({"beat": presence.beat_seconds(), "offers": offers})


@csrf_exempt  # a goodbye beacon cannot carry the CSRF header; it can only end the sender's own tab
@require_POST
def presence_leave(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, Staff):
        with contextlib.suppress(ValidationError):
            tab = request.POST.get("tab") if request.content_type != "application/json" else None
            presence.leave(user, _tab(tab or _json_body(request).get("tab")))
    return HttpResponse(status=204)


def _presence_rows(office_id: int | None = None) -> list[dict[str, Any]]:
    everyone = presence.experts(office_id=office_id)
    rows = []
    for skill in Skill:
        people = [p for p in everyone if p.profile is not None and skill.value in p.profile.skills]
        rows.append(
            {
                "skill": skill,
                "people": people,
                "available": sum(1 for p in people if p.available),
                "waiting": Consultation.objects.filter(
                    state=Consultation.State.WAITING, skill=skill.value
                ).count(),
            }
        )
    return rows


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """The remote consultation desk: who is available per skill; for an expert, their state, settings,
    what rings and the queue; for a branch, its open consultations."""
    staff = staff_for(request, CONSULT_REMOTE)
    profile = ExpertProfile.objects.filter(staff=staff).first()
    own = Consultation.objects.filter(state__in=Consultation.OPEN_STATES).filter(
        participants__staff=staff
    ) | Consultation.objects.filter(state__in=Consultation.OPEN_STATES, office=staff.office)
    context = {
        "staff": staff,
        "profile": profile,
        "me": presence.presence_of([staff])[0],
        "skills": Skill.choices,
        "weekdays": list(enumerate(WEEKDAY_LABELS)),
        "duty_days": (profile.duty_days if profile and profile.duty_days else list(WEEKDAYS)),
        "open_consultations": own.distinct()
        .select_related("case", "expert", "office")
        .order_by("requested_at"),
        "beat": presence.beat_seconds(),
        "timeout": presence.timeout_seconds(),
    }
    return render(request, "remote/desk.html", context)


@login_required
@require_GET
def presence_board(request: HttpRequest) -> HttpResponse:
    """The experts' presence per skill (refreshed every few seconds by the desk)."""
    staff_for(request, CONSULT_REMOTE)
    return render(
        request, "remote/_presence.html", {"rows": _presence_rows(), "timeout": presence.timeout_seconds()}
    )


@login_required
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """An expert's offers and queue (the desk refreshes it on every change of their skills' queues)."""
    staff = staff_for(request, CONSULT_REMOTE)
    profile = ExpertProfile.objects.filter(staff=staff).first()
    skills = profile.skills if profile else []
    return render(
        request,
        "remote/_incoming.html",
        {
            "offers": actions.offers_for(staff),
            "queue": actions.queue_for(skills),
            "active": Consultation.objects.filter(state=Consultation.State.ACTIVE, expert=staff).first(),
        },
    )


async def _authorized(check: Callable[[], tuple[str, ...]]) -> tuple[str, ...]:
    """Run a stream's permission check and channel lookup in a thread, and give its database connection
    back at once: a stream stays open for hours and must not hold a connection meanwhile."""

    def run() -> tuple[str, ...]:
        try:
            return check()
        finally:
            connection.close()

    return await sync_to_async(run, thread_sensitive=False)()


async def desk_stream(request: HttpRequest) -> HttpResponseBase:
    """An expert's desk hears of every change of their skills' queues and of offers made to them."""

    def channels() -> tuple[str, ...]:
        staff = staff_for(request, CONSULT_REMOTE)
        profile = ExpertProfile.objects.filter(staff=staff).first()
        skills = profile.skills if profile else []
        return (actions.staff_channel(staff.pk), *(actions.skill_channel(s) for s in skills))

    return event_stream(*await _authorized(channels))


def _time(value: str, field: str) -> time:
    try:
        return datetime.strptime(value.strip(), "%H:%M").time()
    except ValueError:
        raise ValidationError(
            _("%(field)s は 8:30 のように時:分で入力してください。") % {"field": field}
        ) from None


@login_required
@require_POST
def profile(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    try:
        days = [int(d) for d in request.POST.getlist("duty_days") if d in {"0", "1", "2", "3", "4", "5", "6"}]
        actions.do_set_profile(
            staff,
            skills=request.POST.getlist("skills"),
            duty_days=days,
            duty_start=_time(request.POST.get("duty_start", ""), _("勤務開始")),
            duty_end=_time(request.POST.get("duty_end", ""), _("勤務終了")),
        )
    except ValidationError as error:
        _tell(request, error)
        return redirect("remote:desk")
    messages.success(request, _("相談分野と勤務時間を保存しました。"))
    return redirect("remote:desk")


@login_required
@require_POST
def away(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    actions.do_set_away(staff, away=request.POST.get("away") == "1")
    return redirect("remote:desk")


# --- asking and answering -------------------------------------------------------------------------------


@login_required
@require_POST
def request_consultation(request: HttpRequest, case_id: UUID) -> HttpResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    case = get_object_or_404(Case, pk=case_id)
    if not may_handle(staff, case):
        raise PermissionDenied(_("他の庁舎の受付案件は開けません。"))
    try:
        consultation = actions.do_request(
            staff,
            case,
            skill=request.POST.get("skill", ""),
            routing=request.POST.get("routing", Consultation.Routing.FIRST),
            question=request.POST.get("question", ""),
        )
    except ValidationError as error:
        _tell(request, error)
        return redirect("cases:detail", case_id=case.pk)
    return redirect("remote:room", consultation_id=consultation.pk)


@login_required
@require_POST
def accept(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    try:
        consultation = actions.do_accept(staff, consultation_id)
    except ValidationError as error:
        _tell(request, error)
        return redirect("remote:desk")
    return redirect("remote:room", consultation_id=consultation.pk)


# --- the room -------------------------------------------------------------------------------------------


def _consultation(consultation_id: UUID) -> Consultation:
    return get_object_or_404(
        Consultation.objects.select_related("case", "office", "expert", "requested_by"), pk=consultation_id
    )


def _guest_party(request: HttpRequest, consultation: Consultation) -> Participant | None:
    try:
        party_id = signing.loads(request.COOKIES.get(GUEST_COOKIE, ""), salt=GUEST_SALT, max_age=GUEST_AGE)
    except signing.BadSignature:
        return None
    return consultation.participants.filter(pk=party_id, staff__isnull=True).first()


def _party(request: HttpRequest, consultation: Consultation) -> Participant:
    """The page's place in the consultation: a staff member's, or a guest's (by their cookie)."""
    user = request.user
    if isinstance(user, Staff):
        if consultation.expert_id == user.pk or actions.has_branch_access(user, consultation):
            return actions.party_for(user, consultation)
        if consultation.participants.filter(staff=user).exists():
            return actions.party_for(user, consultation)
        raise PermissionDenied(_("この相談に参加する権限がありません。"))
    guest = _guest_party(request, consultation)
    if guest is None:
        raise PermissionDenied(_("この相談に参加する権限がありません。"))
    return guest


def _room_text() -> dict[str, Any]:
    """The words the room's script shows, in the page's language."""
    return {
        "you": _("自分"),
        "expert": _("専門職員"),
        "present": _("参加中"),
        "left": _("退出"),
        "ended": _("相談は終了しました"),
        "mute": _("マイクを切る"),
        "unmute": _("マイクを入れる"),
        "camera_off": _("カメラを切る"),
        "camera_on": _("カメラを入れる"),
        "camera": _("カメラ"),
        "document_camera": _("書類カメラ"),
        "document_start": _("書類カメラを映す"),
        "document_stop": _("書類カメラを止める"),
        "no_camera": _("カメラまたはマイクを使えません。ブラウザの許可を確認してください。"),
        "no_document_camera": _("書類カメラを使えません。"),
        "join_failed": _("相談に参加できませんでした。"),
        "capture": _("この書類を取り込む"),
        "capture_label": _("書類の名前（例: 年金手帳）"),
        "captured": _("書類を受付案件に取り込みました。"),
        "capture_failed": _("書類を取り込めませんでした。"),
        "consent_yes": _("同意あり"),
        "consent_no": _("同意なし"),
        "connection": {
            "new": _("接続準備中"),
            "connecting": _("接続中"),
            "connected": _("接続済み"),
            "disconnected": _("通信が途切れています（再接続中）"),
            "failed": _("接続できません（再接続中）"),
            "closed": _("切断"),
        },
    }


def _room_context(request: HttpRequest, consultation: Consultation, party: Participant) -> dict[str, Any]:
    urls = {
        "state": reverse("remote:state", args=[consultation.pk]),
        "events": reverse("remote:events", args=[consultation.pk]),
        "join": reverse("remote:join", args=[consultation.pk]),
        "leave": reverse("remote:leave", args=[consultation.pk]),
        "signal": reverse("remote:signal", args=[consultation.pk]),
        "connected": reverse("remote:connected", args=[consultation.pk]),
    }
    if party.staff_id is not None:
        urls["case"] = reverse("remote:case", args=[consultation.pk])
        urls["capture"] = reverse("remote:capture", args=[consultation.pk])
    is_expert = consultation.expert_id is not None and consultation.expert_id == party.staff_id
    if party.staff_id is None:
        after = reverse("remote:door")
    elif is_expert:
        after = reverse("remote:desk")
    else:
        after = reverse("cases:detail", args=[consultation.case_id])
    return {
        "urls_json": json.dumps(urls),
        "room_text": _room_text(),
        "after_url": after,
        "consultation": consultation,
        "party": party,
        "is_guest": party.staff_id is None,
        "is_expert": is_expert,
        "is_branch": isinstance(request.user, Staff)
        and actions.has_branch_access(request.user, consultation),
        "captures_enabled": actions.captures_enabled(),
        "guest_roles": [(r.value, r.label) for r in Participant.GUEST_ROLES],
        "outcomes": Consultation.Outcome.choices,
    }


@relax_permissions(camera=["self"], microphone=["self"])
@login_required
@require_GET
def room(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    staff_for(request)
    consultation = _consultation(consultation_id)
    party = _party(request, consultation)
    return render(request, "remote/room.html", _room_context(request, consultation, party))


@relax_permissions(camera=["self"], microphone=["self"])
@require_GET
def guest_room(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    consultation = _consultation(consultation_id)
    party = _guest_party(request, consultation)
    if party is None:
        return redirect("remote:door")
    return render(request, "remote/guest.html", _room_context(request, consultation, party))


def _state(consultation: Consultation, party: Participant) -> dict[str, Any]:
    consultation.refresh_from_db()
    parties = [
        {
            "id": str(p.pk),
            "role": p.role,
            "role_label": p.get_role_display(),
            "name": p.name,
            "session": p.session,
            "present": p.present,
        }
        for p in consultation.participants.exclude(joined_at__isnull=True).order_by("joined_at")
    ]
    state: dict[str, Any] = {
        "state": consultation.state,
        "state_label": consultation.get_state_display(),
        "me": str(party.pk),
        "parties": parties,
        "consent": consultation.capture_consent,
        "captures": [
            {"label": c.label, "time": timezone.localtime(c.taken_at).strftime("%H:%M")}
            for c in consultation.captures.all()
        ],
    }
    if consultation.state == Consultation.State.WAITING:
        estimate = actions.estimate(consultation)
        state["queue"] = {
            "position": estimate.position,
            "experts": estimate.experts_on_duty,
            "minutes": None if estimate.minutes is None else round(estimate.minutes),
            "fallback": estimate.fallback_due,
        }
        if estimate.minutes is None:
            state["queue_text"] = _("いま応答できる専門職員がいません。折り返しの予約ができます。")
        elif estimate.minutes == 0:
            state["queue_text"] = _("専門職員を呼び出しています。")
        else:
            state["queue_text"] = _("%(position)s 番目にお待ちです（目安 約 %(minutes)s 分）。") % {
                "position": estimate.position,
                "minutes": round(estimate.minutes),
            }
    if consultation.state == Consultation.State.CALLBACK and consultation.callback_at:
        state["queue_text"] = _("折り返し予約: %(when)s") % {
            "when": timezone.localtime(consultation.callback_at).strftime("%m/%d %H:%M")
        }
    if consultation.expert is not None:
        state["expert"] = consultation.expert.full_name
    return state


@require_GET
def room_state(request: HttpRequest, consultation_id: UUID) -> JsonResponse:
    consultation = _consultation(consultation_id)
    party = _party(request, consultation)
    return JsonResponse(_state(consultation, party))


async def room_events(request: HttpRequest, consultation_id: UUID) -> HttpResponseBase:
    """A party's stream: the consultation's changes, its own signalling messages, the queue, the case."""

    def channels() -> tuple[str, ...]:
        consultation = _consultation(consultation_id)
        party = _party(request, consultation)
        return (
            actions.room_channel(consultation.pk),
            actions.party_channel(party.pk),
            actions.skill_channel(consultation.skill),
            case_channel(consultation.case_id),
        )

    if request.method != "GET":
        return HttpResponse(status=405)
    return event_stream(*await _authorized(channels))


@require_POST
def room_join(request: HttpRequest, consultation_id: UUID) -> JsonResponse:
    consultation = _consultation(consultation_id)
    party = _party(request, consultation)
    try:
        session = str(_json_body(request).get("session", ""))
        if not 8 <= len(session) <= 40:
            raise ValidationError(_("ページの識別子が正しくありません。"))
    except ValidationError as error:
        return _error(error)
    try:
        party = actions.do_join(party, session)
    except ValidationError as error:
        return _error(error, 409)
    return JsonResponse({"party": str(party.pk), "rtc": ice_configuration(str(party.pk))})


@csrf_exempt  # the goodbye beacon; only the page holding the place (its session) can give it up
@require_POST
def room_leave(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    consultation = _consultation(consultation_id)
    party = _party(request, consultation)
    session = request.POST.get("session", "") if request.content_type != "application/json" else ""
    if not session and request.content_type == "application/json":
        try:
            session = str(_json_body(request).get("session", ""))
        except ValidationError:
            session = ""
    actions.do_leave(party, session)
    return HttpResponse(status=204)


@require_POST
def room_signal(request: HttpRequest, consultation_id: UUID) -> JsonResponse:
    consultation = _consultation(consultation_id)
    party = _party(request, consultation)
    try:
        body = _json_body(request)
        to = str(_tab(body.get("to")))
        if not isinstance(body.get("payload"), dict):
            raise ValidationError(_("送られた内容を読み取れませんでした。"))
    except ValidationError as error:
        return _error(error)
    try:
        actions.relay(party, to, str(body.get("session", "")), body["payload"])
    except ValidationError as error:
        return _error(error, 409)
    return JsonResponse({"ok": True})


@require_POST
def room_connected(request: HttpRequest, consultation_id: UUID) -> JsonResponse:
    consultation = _consultation(consultation_id)
    party = _party(request, consultation)
    actions.do_mark_connected(party)
    return JsonResponse({"ok": True})


@require_GET
def room_case(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    """The case as it stands now, for the parties who are staff (a guest sees no case)."""
    consultation = _consultation(consultation_id)
    party = _party(request, consultation)
    if party.staff_id is None:
        raise PermissionDenied
    case = Case.objects.prefetch_related("people").get(pk=consultation.case_id)
    return render(
        request,
        "remote/_case.html",
        {
            "case": case,
            "consultation": consultation,
            "can_edit": isinstance(request.user, Staff) and may_handle(request.user, case) and case.editable,
        },
    )


@login_required
@require_POST
def invite(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    consultation = _consultation(consultation_id)
    try:
        code = actions.do_invite(
            staff, consultation, role=request.POST.get("role", ""), name=request.POST.get("name", "")
        )
    except ValidationError as error:
        return render(request, "remote/_invite.html", {"error": " ".join(error.messages)}, status=400)
    link = request.build_absolute_uri(reverse("remote:door") + f"?code={code}")
    qr = segno.make(link, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "remote/_invite.html",
        {"code": code, "link": link, "qr": qr, "minutes": actions.CODE_MINUTES},
    )


@login_required
@require_POST
def consent(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    consultation = _consultation(consultation_id)
    actions.do_record_consent(staff, consultation, consent=request.POST.get("consent") == "1")
    return HttpResponse(status=204)


@login_required
@require_POST
def capture(request: HttpRequest, consultation_id: UUID) -> JsonResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    consultation = _consultation(consultation_id)
    upload = request.FILES.get("image")
    try:
        if upload is None:
            raise ValidationError(_("画像を読み取れませんでした（PNG または JPEG、8 MB まで）。"))
        if upload.size is not None and upload.size > actions.CAPTURE_LIMIT:
            raise ValidationError(_("画像を読み取れませんでした（PNG または JPEG、8 MB まで）。"))
        actions.do_capture(staff, consultation, label=request.POST.get("label", ""), image=upload.read())
    except ValidationError as error:
        return _error(error)
    return JsonResponse({"ok": True})


@login_required
@require_GET
def capture_image(request: HttpRequest, consultation_id: UUID, capture_id: UUID) -> HttpResponse:
    staff = staff_for(request)
    capture = get_object_or_404(
        Capture.objects.select_related("case"), pk=capture_id, consultation_id=consultation_id
    )
    if not may_handle(staff, capture.case):
        raise PermissionDenied(_("他の庁舎の受付案件は開けません。"))
    data = actions.capture_image(capture)
    return HttpResponse(data, content_type=actions.image_type(data) or "application/octet-stream")


@login_required
@require_POST
def callback(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    consultation = _consultation(consultation_id)
    if not actions.has_branch_access(staff, consultation):
        raise PermissionDenied(_("この相談に参加する権限がありません。"))
    raw = request.POST.get("callback_at", "")
    when = parse_datetime(raw) if raw else None
    try:
        if when is None:
            raise ValidationError(_("折り返しの日時を入力してください。"))
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        actions.do_callback(staff, consultation, when=when)
    except ValidationError as error:
        _tell(request, error)
        return redirect("remote:room", consultation_id=consultation.pk)
    messages.success(request, _("折り返しを予約しました。専門職員から連絡します。"))
    return redirect("cases:detail", case_id=consultation.case_id)


@login_required
@require_POST
def cancel(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    consultation = _consultation(consultation_id)
    try:
        actions.do_cancel(staff, consultation)
    except ValidationError as error:
        _tell(request, error)
        return redirect("remote:room", consultation_id=consultation.pk)
    messages.success(request, _("相談の依頼を取り消しました。"))
    return redirect("cases:detail", case_id=consultation.case_id)


@login_required
@require_POST
def end(request: HttpRequest, consultation_id: UUID) -> HttpResponse:
    staff = staff_for(request, CONSULT_REMOTE)
    consultation = _consultation(consultation_id)
    try:
        actions.do_end(
            staff, consultation, outcome=request.POST.get("outcome", ""), note=request.POST.get("note", "")
        )
    except ValidationError as error:
        _tell(request, error)
        return redirect("remote:room", consultation_id=consultation.pk)
    messages.success(request, _("相談を終了し、受付案件に記録しました。"))
    if consultation.expert_id == staff.pk:
        return redirect("remote:desk")
    return redirect("cases:detail", case_id=consultation.case_id)


# --- the guest's door -----------------------------------------------------------------------------------


def door(request: HttpRequest) -> HttpResponse:
    """A guest (the resident's terminal in the booth, an interpreter) joins with the code the branch gave."""
    code = request.POST.get("code", "") if request.method == "POST" else ""
    error = ""
    if request.method == "POST":
        try:
            party = actions.do_redeem(code)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            response = redirect("remote:guest", consultation_id=party.consultation_id)
            response.set_cookie(
                GUEST_COOKIE,
                signing.dumps(str(party.pk), salt=GUEST_SALT),
                max_age=GUEST_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    status = 400 if error else 200
    return render(
        request,
        "remote/door.html",
        {"code": code or request.GET.get("code", ""), "error": error},
        status=status,
    )


# --- for managers ---------------------------------------------------------------------------------------


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, VIEW_DASHBOARDS)
    from madoguchi.remote.figures import figures

    today = timezone.localdate()
    try:
        days = max(1, min(366, int(request.GET.get("days", "30"))))
    except ValueError:
        days = 30
    return render(
        request, "remote/manage.html", {"staff": staff, "figures": figures(today, days=days), "days": days}
    )
