"""Remote consultation actions: ask, offer, accept (exactly once), join, relay, capture, end.

Locks, in LOCK_ORDER: an expert's profile, then the consultation. Accepting locks both: two experts who
accept the same consultation in the same moment are served one after the other, and the second is told
that it is taken; an expert who accepts two consultations at once gets only one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.chain import record
from madoguchi.broadcast.events import publish_on_commit
from madoguchi.cases import crypto
from madoguchi.cases.access import may_handle
from madoguchi.cases.models import Case
from madoguchi.remote import presence
from madoguchi.remote.models import Capture, Consultation, ExpertProfile, Participant
from madoguchi.remote.skills import Skill
from madoguchi.remote.stream import publish_signal
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import CONSULT_REMOTE
from madoguchi.transactions import atomic_action, lock

Role = Participant.Role
State = Consultation.State

ASSUMED_MINUTES = 15.0  # a consultation's length before the city has any of its own (an assumption)
SIGNAL_LIMIT = 64 * 1024  # bytes of one signalling message (an SDP with a few tracks is about 6 KB)
CAPTURE_LIMIT = 8 * 1024 * 1024
CODE_MINUTES = 15  # a guest's code is valid this long


class ConsultationError(ValidationError):
    """A consultation step that cannot be taken now; the message says why, in the user's language."""


# --- channels -------------------------------------------------------------------------------------------


def room_channel(consultation_id: object) -> str:
    """Every party's page of a consultation: its state changed (parties, acceptance, end)."""
    return f"remote:c:{consultation_id}"


def party_channel(party_id: object) -> str:
    """One party's page: the signalling messages addressed to it."""
    return f"remote:p:{party_id}"


def skill_channel(skill: str) -> str:
    """The experts of a skill and the branches waiting for one: the queue changed."""
    return f"remote:skill:{skill}"


def staff_channel(staff_id: object) -> str:
    """One expert's pages: a consultation is offered to them."""
    return f"remote:staff:{staff_id}"


def _announce(consultation: Consultation) -> None:
    publish_on_commit(room_channel(consultation.pk), lambda: {"type": "state"})
    publish_on_commit(skill_channel(consultation.skill), lambda: {"type": "queue"})


# --- settings -------------------------------------------------------------------------------------------


def offer_seconds() -> float:
    return float(settings.MADOGUCHI_CONSULTATION_OFFER_SECONDS)


def fallback_seconds() -> float:
    return float(settings.MADOGUCHI_CONSULTATION_FALLBACK_SECONDS)


def captures_enabled() -> bool:
    return bool(settings.MADOGUCHI_CONSULTATION_CAPTURES)


# --- asking ---------------------------------------------------------------------------------------------


@atomic_action
def do_request(
    actor: Staff,
    case: Case,
    *,
    skill: str,
    routing: str = Consultation.Routing.FIRST,
    question: str = "",
    now: datetime | None = None,
) -> Consultation:
    """A branch clerk asks an expert of `skill` about `case`. The clerk is its first party."""
    require(actor, CONSULT_REMOTE)
    if not may_handle(actor, case):
        raise PermissionDenied(_("他の庁舎の受付案件は開けません。"))
    if skill not in Skill.values:
        raise ConsultationError(_("相談分野を選んでください。"))
    if routing not in Consultation.Routing.values:
        raise ConsultationError(_("呼出し方を選んでください。"))
    lock(Case.objects.filter(pk=case.pk)).get()  # one open consultation per case, even on a double click
    existing = Consultation.objects.filter(case=case, state__in=Consultation.OPEN_STATES).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    consultation = Consultation.objects.create(
        office=case.office,
        case=case,
        skill=skill,
        routing=routing,
        question=question.strip()[:200],
        requested_by=actor,
        requested_at=now,
    )
    Participant.objects.create(consultation=consultation, role=Role.CLERK, staff=actor, name=actor.full_name)
    record(
        actor,
        "remote.request",
        consultation,
        extra={"case": case.number, "skill": skill, "routing": routing, "office": case.office.code},
    )
    _announce(consultation)
    if routing == Consultation.Routing.FIRST:
        transaction.on_commit(lambda: route(skill=skill))
    if routing == Consultation.Routing.ALL:
        for expert in presence.available_experts(skill, now=now):
            publish_on_commit(staff_channel(expert.pk), lambda: {"type": "offer"})
    return consultation


def _fresh_offer(consultation: Consultation, now: datetime) -> bool:
    return (
        consultation.offered_to_id is not None
        and consultation.offered_at is not None
        and consultation.offered_at >= now - timedelta(seconds=offer_seconds())
    )


def route(
    *, skill: str | None = None, skills: Collection[str] | None = None, now: datetime | None = None
) -> int:
    """Offer each waiting "first available" consultation (oldest first; of `skill`, or of `skills`, or of
    every skill) whose offer is missing or has expired to the available expert who has been idle longest
    and is not ringing already. Called after a request, an end, an expert's return and on every expert's
    heartbeat (once for all the expert's skills), so that a declined or unanswered offer moves on within a
    beat. Returns the number of offers made."""
    now = now or timezone.now()
    waiting = Consultation.objects.filter(state=State.WAITING, routing=Consultation.Routing.FIRST)
    if skill is not None:
        waiting = waiting.filter(skill=skill)
    if skills is not None:
        waiting = waiting.filter(skill__in=list(skills))
    made = 0
    ringing: set[int] = set(
        Consultation.objects.filter(
            state=State.WAITING, offered_at__gte=now - timedelta(seconds=offer_seconds())
        ).values_list("offered_to_id", flat=True)
    )
    for consultation in waiting.order_by("requested_at"):
        if _fresh_offer(consultation, now):
            continue
        if _offer(consultation.pk, ringing, now):
            made += 1
    return made


@atomic_action
def _offer(consultation_id: UUID, ringing: set[int], now: datetime) -> bool:
    consultation = lock(Consultation.objects.filter(pk=consultation_id), skip_locked=True).first()
    if consultation is None or consultation.state != State.WAITING or _fresh_offer(consultation, now):
        return False
    passed = set(consultation.passed_over)
    if consultation.offered_to_id is not None:
        passed.add(consultation.offered_to_id)  # it rang unanswered
    candidates = [e for e in presence.available_experts(consultation.skill, now=now) if e.pk not in ringing]
    fresh = [e for e in candidates if e.pk not in passed]
    if not fresh and candidates:  # everyone let it pass once: a new round
        passed, fresh = set(), candidates
    if not fresh:
        if consultation.offered_to_id is not None:
            consultation.offered_to = None
            consultation.offered_at = None
            consultation.passed_over = sorted(passed)
            consultation.save(update_fields=["offered_to", "offered_at", "passed_over"])
        return False
    expert = fresh[0]
    consultation.offered_to = expert
    consultation.offered_at = now
    consultation.passed_over = sorted(passed)
    consultation.save(update_fields=["offered_to", "offered_at", "passed_over"])
    ringing.add(expert.pk)
    publish_on_commit(staff_channel(expert.pk), lambda: {"type": "offer"})
    return True


def offers_for(expert: Staff, *, now: datetime | None = None) -> list[Consultation]:
    """What rings for `expert` now: "first available" consultations offered to them, and every "all at
    once" consultation of their skills, oldest first; nothing while they are not available."""
    now = now or timezone.now()
    profile = ExpertProfile.objects.filter(staff=expert).first()
    if profile is None or not profile.skills:
        return []
    state = presence.presence_of([expert], now=now)[0]
    if not state.available:
        return []
    fresh = now - timedelta(seconds=offer_seconds())
    return list(
        Consultation.objects.filter(state=State.WAITING, skill__in=profile.skills)
        .filter(
            Q(routing=Consultation.Routing.ALL)
            | Q(routing=Consultation.Routing.FIRST, offered_to=expert, offered_at__gte=fresh)
        )
        .select_related("office", "case", "requested_by")
        .order_by("requested_at")
    )


def queue_for(skills: list[str]) -> list[Consultation]:
    """The waiting consultations and call-backs of these skills, oldest first (an expert's queue)."""
    return list(
        Consultation.objects.filter(state__in=[State.WAITING, State.CALLBACK], skill__in=skills)
        .select_related("office", "case", "requested_by")
        .order_by(F("callback_at").asc(nulls_first=True), "requested_at")
    )


@dataclass(frozen=True)
class Estimate:
    position: int  # 1 = next
    experts_on_duty: int
    minutes: float | None  # None: nobody of the skill is on duty now
    fallback_due: bool  # waited longer than the set wait: offer a call-back


def mean_minutes(skill: str) -> float:
    """The mean length of the last 50 consultations of `skill`, or the assumption before there are any."""
    recent = Consultation.objects.filter(
        skill=skill, state=State.ENDED, accepted_at__isnull=False, ended_at__isnull=False
    ).order_by("-ended_at")[:50]
    mean = Consultation.objects.filter(pk__in=list(recent.values_list("pk", flat=True))).aggregate(
        mean=Avg(F("ended_at") - F("accepted_at"))
    )["mean"]
    return mean.total_seconds() / 60 if mean else ASSUMED_MINUTES


def estimate(consultation: Consultation, *, now: datetime | None = None) -> Estimate:
    """Where a waiting consultation stands in its skill's queue, and about how long until an expert."""
    now = now or timezone.now()
    ahead = Consultation.objects.filter(
        state=State.WAITING, skill=consultation.skill, requested_at__lt=consultation.requested_at
    ).count()
    on_duty = presence.on_duty_count(consultation.skill, now=now)
    available = len(presence.available_experts(consultation.skill, now=now))
    if on_duty == 0:
        minutes = None
    elif available > ahead:
        minutes = 0.0
    else:
        # everyone ahead and this one are served by the experts on duty, each taking a mean consultation
        minutes = ((ahead - available) // on_duty + 1) * mean_minutes(consultation.skill)
    waited = (now - consultation.requested_at).total_seconds()
    return Estimate(
        position=ahead + 1,
        experts_on_duty=on_duty,
        minutes=minutes,
        fallback_due=on_duty == 0 or waited >= fallback_seconds(),
    )


# --- answering ------------------------------------------------------------------------------------------


@atomic_action
def do_accept(actor: Staff, consultation_id: UUID, *, now: datetime | None = None) -> Consultation:
    """An expert answers a waiting consultation or a call-back. Exactly one expert gets it."""
    require(actor, CONSULT_REMOTE)
    profile = lock(ExpertProfile.objects.filter(staff=actor)).first()
    consultation = lock(Consultation.objects.filter(pk=consultation_id)).first()
    if consultation is None:
        raise ConsultationError(_("相談が見つかりません。"))
    if profile is None or consultation.skill not in profile.skills:
        raise PermissionDenied(
            _("この相談分野（%(skill)s）の専門職員ではありません。")
            % {"skill": consultation.get_skill_display()}
        )
    if consultation.state == State.ACTIVE:
        if consultation.expert_id == actor.pk:
            return consultation  # a double click
        raise ConsultationError(_("この相談には、ほかの専門職員が応答しました。"))
    if consultation.state not in (State.WAITING, State.CALLBACK):
        raise ConsultationError(_("この相談はすでに終了しています。"))
    if Consultation.objects.filter(state=State.ACTIVE, expert=actor).exists():
        raise ConsultationError(_("ほかの相談に応答中です。終了してから応答してください。"))
    now = now or timezone.now()
    consultation.state = State.ACTIVE
    consultation.expert = actor
    consultation.accepted_at = now
    consultation.offered_to = None
    consultation.save(update_fields=["state", "expert", "accepted_at", "offered_to"])
    _party, _created = Participant.objects.get_or_create(
        consultation=consultation, staff=actor, defaults={"role": Role.EXPERT, "name": actor.full_name}
    )
    record(
        actor,
        "remote.accept",
        consultation,
        extra={
            "case": consultation.case.number,
            "wait_seconds": round((now - consultation.requested_at).total_seconds()),
        },
    )
    _announce(consultation)
    return consultation


# --- the room -------------------------------------------------------------------------------------------


def party_for(staff: Staff, consultation: Consultation) -> Participant:
    """The staff member's place in the consultation: the expert who answered, or a staff member of the
    branch that asked (the clerk joins first, a colleague may take over)."""
    party = consultation.participants.filter(staff=staff).first()
    if party is not None:
        return party
    if has_branch_access(staff, consultation):
        return Participant.objects.get_or_create(
            consultation=consultation, staff=staff, defaults={"role": Role.CLERK, "name": staff.full_name}
        )[0]
    raise PermissionDenied(_("この相談に参加する権限がありません。"))


def has_branch_access(staff: Staff, consultation: Consultation) -> bool:
    from madoguchi.staff.permissions import has_capability

    return has_capability(staff, CONSULT_REMOTE) and staff.office_id == consultation.office_id


@atomic_action
def do_join(party: Participant, session: str, *, now: datetime | None = None) -> Participant:
    """A party's page opens the room (or reopens it: a reload, a second tab takes the place over)."""
    consultation = lock(Consultation.objects.filter(pk=party.consultation_id)).get()
    if not consultation.is_open:
        raise ConsultationError(_("この相談は終了しました。"))
    party = Participant.objects.get(pk=party.pk)
    if not party.present:
        present = consultation.participants.filter(joined_at__isnull=False, left_at__isnull=True).count()
        if present >= Participant.MAX_PARTIES:
            raise ConsultationError(_("参加できるのは4者までです。"))
    first = party.joined_at is None
    party.joined_at = party.joined_at if party.present else (now or timezone.now())
    party.left_at = None
    party.session = session[:40]
    party.save(update_fields=["joined_at", "left_at", "session"])
    if first:
        record(_actor(party), "remote.join", consultation, extra={"role": party.role})
    _announce(consultation)
    return party


def _actor(party: Participant) -> Any:
    from madoguchi.audit.chain import SystemActor

    if party.staff is not None:
        return party.staff
    return SystemActor(f"remote-guest:{party.get_role_display()}")


@atomic_action
def do_leave(party: Participant, session: str, *, now: datetime | None = None) -> None:
    """A party's page closed (its goodbye beacon) or its "leave" button: only the page that holds the place
    gives it up (an old tab closing after a reload does not)."""
    updated = Participant.objects.filter(pk=party.pk, session=session[:40], left_at__isnull=True).update(
        left_at=now or timezone.now()
    )
    if updated:
        _announce(party.consultation)


def relay(party: Participant, to: str, session: str, payload: Any) -> None:
    """Pass one signalling message (an SDP description or an ICE candidate) to another present party of
    the same consultation. Nothing is stored; the addressee's page receives it on its stream."""
    size = len(json.dumps(payload, separators=(",", ":")))
    if size > SIGNAL_LIMIT:
        raise ConsultationError(_("接続の情報が大きすぎます。"))
    if not party.present or party.session != session:
        raise ConsultationError(_("このページは相談から外れています。開き直してください。"))
    if not Participant.objects.filter(
        pk=to, consultation_id=party.consultation_id, joined_at__isnull=False, left_at__isnull=True
    ).exists():
        raise ConsultationError(_("相手はもう参加していません。"))
    publish_signal(
        party_channel(to), {"type": "signal", "from": str(party.pk), "session": session, "payload": payload}
    )


@atomic_action
def do_mark_connected(party: Participant, *, now: datetime | None = None) -> None:
    """A party's page reports its first media connection: the consultation is connected from then."""
    Consultation.objects.filter(pk=party.consultation_id, connected_at__isnull=True).update(
        connected_at=now or timezone.now()
    )


@atomic_action
def do_invite(actor: Staff, consultation: Consultation, *, role: str, name: str = "") -> str:
    """A one-time code with which a guest joins: the resident's terminal in the booth, an interpreter, a
    welfare worker. Returns the code (only its hash is kept)."""
    require(actor, CONSULT_REMOTE)
    if not has_branch_access(actor, consultation):
        raise PermissionDenied(_("この相談に参加する権限がありません。"))
    if role not in Participant.GUEST_ROLES:
        raise ConsultationError(_("参加する人の立場を選んでください。"))
    if not consultation.is_open:
        raise ConsultationError(_("この相談は終了しました。"))
    code = f"{secrets.randbelow(10**8):08d}"
    party = Participant.objects.create(
        consultation=consultation,
        role=role,
        name=name.strip()[:80],
        code_hash=code_hash(code),
        code_expires_at=timezone.now() + timedelta(minutes=CODE_MINUTES),
    )
    record(actor, "remote.invite", consultation, extra={"role": party.role})
    return code


def code_hash(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{code}".encode()).hexdigest()


@atomic_action
def do_redeem(code: str, *, now: datetime | None = None) -> Participant:
    """A guest types or scans their code: it is used once (one conditional UPDATE: two devices entering the
    same code at once get it once)."""
    now = now or timezone.now()
    digits = "".join(ch for ch in code if ch.isdigit())
    party = (
        Participant.objects.filter(
            code_hash=code_hash(digits),
            code_expires_at__gte=now,
            consultation__state__in=Consultation.OPEN_STATES,
        ).first()
        if len(digits) == 8
        else None
    )
    if party is None or not Participant.objects.filter(pk=party.pk, code_hash=party.code_hash).update(
        code_hash="", code_expires_at=None
    ):
        raise ConsultationError(_("参加コードが正しくないか、有効期限が切れています。"))
    return party


@atomic_action
def do_record_consent(actor: Staff, consultation: Consultation, *, consent: bool) -> Consultation:
    """The resident agreed (or withdrew their agreement) that documents they show may be captured."""
    if not has_branch_access(actor, consultation):
        raise PermissionDenied(_("この相談に参加する権限がありません。"))
    locked = lock(Consultation.objects.filter(pk=consultation.pk)).get()
    locked.capture_consent = consent
    locked.save(update_fields=["capture_consent"])
    record(actor, "remote.consent", locked, extra={"consent": consent})
    _announce(locked)
    return locked


IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def image_type(data: bytes) -> str | None:
    return next((kind for magic, kind in IMAGE_TYPES.items() if data.startswith(magic)), None)


@atomic_action
def do_capture(
    actor: Staff, consultation: Consultation, *, label: str, image: bytes, now: datetime | None = None
) -> Capture:
    """A still of the document camera goes into the case: only with the city's setting on, the resident's
    consent recorded, by a party of the active consultation."""
    if not captures_enabled():
        raise ConsultationError(_("書類の取込みは、市の設定で無効になっています。"))
    locked = lock(Consultation.objects.filter(pk=consultation.pk)).get()
    if locked.state != State.ACTIVE:
        raise ConsultationError(_("相談中でないため取り込めません。"))
    if not locked.capture_consent:
        raise ConsultationError(_("相談者の同意がないため取り込めません。"))
    if not locked.participants.filter(staff=actor, left_at__isnull=True, joined_at__isnull=False).exists():
        raise PermissionDenied(_("この相談に参加する権限がありません。"))
    label = label.strip()[:80]
    if not label:
        raise ConsultationError(_("書類の名前を入力してください。"))
    if image_type(image) is None or len(image) > CAPTURE_LIMIT:
        raise ConsultationError(_("画像を読み取れませんでした（PNG または JPEG、8 MB まで）。"))
    capture = Capture.objects.create(
        consultation=locked,
        case=locked.case,
        label=label,
        image=crypto.cipher().encrypt(image),
        sha256=hashlib.sha256(image).hexdigest(),
        taken_by=actor,
        taken_at=now or timezone.now(),
    )
    record(actor, "remote.capture", locked, extra={"case": locked.case.number, "label": label})
    _announce(locked)
    return capture


def capture_image(capture: Capture) -> bytes:
    return crypto.cipher().decrypt(bytes(capture.image))


# --- the end --------------------------------------------------------------------------------------------


@atomic_action
def do_callback(
    actor: Staff, consultation: Consultation, *, when: datetime, now: datetime | None = None
) -> Consultation:
    """Nobody answered in time: an expert of the skill will call the branch back at `when`."""
    if not has_branch_access(actor, consultation):
        raise PermissionDenied(_("この相談に参加する権限がありません。"))
    now = now or timezone.now()
    if when <= now:
        raise ConsultationError(_("折り返しの日時は、これから先の日時を選んでください。"))
    locked = lock(Consultation.objects.filter(pk=consultation.pk)).get()
    if locked.state != State.WAITING:
        raise ConsultationError(_("この相談には、すでに専門職員が応答しています。"))
    locked.state = State.CALLBACK
    locked.callback_at = when
    locked.offered_to = None
    locked.save(update_fields=["state", "callback_at", "offered_to"])
    record(actor, "remote.callback", locked, extra={"callback_at": timezone.localtime(when).isoformat()})
    _announce(locked)
    return locked


@atomic_action
def do_cancel(actor: Staff, consultation: Consultation, *, now: datetime | None = None) -> Consultation:
    """The branch withdraws a consultation nobody has answered yet."""
    if not has_branch_access(actor, consultation):
        raise PermissionDenied(_("この相談に参加する権限がありません。"))
    locked = lock(Consultation.objects.filter(pk=consultation.pk)).get()
    if locked.state not in (State.WAITING, State.CALLBACK):
        raise ConsultationError(_("応答済みの相談は取り消せません。終了してください。"))
    locked.state = State.CANCELLED
    locked.ended_at = now or timezone.now()
    locked.save(update_fields=["state", "ended_at"])
    locked.participants.filter(left_at__isnull=True).update(left_at=locked.ended_at)
    record(actor, "remote.cancel", locked)
    _announce(locked)
    return locked


@atomic_action
def do_end(
    actor: Staff, consultation: Consultation, *, outcome: str, note: str = "", now: datetime | None = None
) -> Consultation:
    """The expert or the branch ends the consultation with its outcome and a note for the case."""
    if outcome not in Consultation.Outcome.values:
        raise ConsultationError(_("相談の結果を選んでください。"))
    now = now or timezone.now()
    expert_id = Consultation.objects.filter(pk=consultation.pk).values_list("expert_id", flat=True).get()
    if expert_id is not None:
        lock(ExpertProfile.objects.filter(staff_id=expert_id)).first()
    locked = lock(Consultation.objects.filter(pk=consultation.pk)).get()
    if locked.expert_id != actor.pk and not has_branch_access(actor, locked):
        raise PermissionDenied(_("この相談に参加する権限がありません。"))
    if locked.state == State.ENDED:
        return locked  # a double click
    if locked.state != State.ACTIVE:
        raise ConsultationError(_("相談中でないため終了できません。"))
    locked.state = State.ENDED
    locked.ended_at = now
    locked.outcome = outcome
    locked.note = note.strip()[:2000]
    locked.save(update_fields=["state", "ended_at", "outcome", "note"])
    locked.participants.filter(left_at__isnull=True).update(left_at=now)
    if locked.expert_id is not None:
        ExpertProfile.objects.filter(staff_id=locked.expert_id).update(last_ended_at=now)
    transaction.on_commit(lambda: route(skill=locked.skill))  # the expert is free again
    record(
        actor,
        "remote.end",
        locked,
        extra={
            "case": locked.case.number,
            "outcome": outcome,
            "expert": locked.expert.username if locked.expert else "",
            "minutes": round((now - (locked.accepted_at or now)).total_seconds() / 60, 1),
        },
    )
    _announce(locked)
    return locked


# --- experts' own settings ------------------------------------------------------------------------------


@atomic_action
def do_set_profile(
    actor: Staff,
    *,
    skills: list[str],
    duty_days: list[int],
    duty_start: Any,
    duty_end: Any,
) -> ExpertProfile:
    require(actor, CONSULT_REMOTE)
    if any(s not in Skill.values for s in skills):
        raise ConsultationError(_("相談分野を選び直してください。"))
    profile, _created = ExpertProfile.objects.get_or_create(staff=actor)
    profile = lock(ExpertProfile.objects.filter(pk=profile.pk)).get()
    before = {"skills": profile.skills, "days": profile.duty_days}
    profile.skills = [s for s in Skill.values if s in skills]
    profile.duty_days = sorted(set(duty_days))
    profile.duty_start = duty_start
    profile.duty_end = duty_end
    profile.save()
    record(
        actor,
        "remote.profile",
        profile,
        before=before,
        after={"skills": profile.skills, "days": profile.duty_days},
    )
    for skill in profile.skills:
        publish_on_commit(skill_channel(skill), lambda: {"type": "queue"})
    return profile


@atomic_action
def do_set_away(actor: Staff, *, away: bool) -> ExpertProfile:
    require(actor, CONSULT_REMOTE)
    profile, _created = ExpertProfile.objects.get_or_create(staff=actor)
    profile = lock(ExpertProfile.objects.filter(pk=profile.pk)).get()
    profile.away = away
    profile.save(update_fields=["away"])
    for skill in profile.skills:
        publish_on_commit(skill_channel(skill), lambda: {"type": "queue"})
    return profile


@atomic_action
def do_assign_skills(actor: Any, staff: Staff, *, skills: list[str], all_day: bool = False) -> ExpertProfile:
    """An administrator (or the demo loader) makes `staff` an expert of `skills`, once: what the expert
    has set for themselves since is kept."""
    from madoguchi.staff.roles import MANAGE_STAFF

    require(actor, MANAGE_STAFF)
    profile, created = ExpertProfile.objects.get_or_create(
        staff=staff, defaults={"skills": [s for s in Skill.values if s in skills]}
    )
    if created and all_day:
        profile.duty_days = list(range(7))
        profile.duty_start = profile.duty_end = time(0, 0)
        profile.save(update_fields=["duty_days", "duty_start", "duty_end"])
    if created:
        record(actor, "remote.profile", profile, after={"skills": profile.skills, "days": profile.duty_days})
    return profile
