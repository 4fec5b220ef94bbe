"""Every write of certificate issuing. A request moves requested → authorized → issued → printing →
printed, or to cancelled from any state before printed; each step locks only its own request's row.

What makes the failures of 2023–24 impossible here, by construction:
- no shared print slot or "current job": every step names its request id, and the document is rendered
  for the subject read from that request's own row (横浜, 川崎);
- a request is issued at most once: the issuance is one-to-one with the request and an idempotency key
  makes a redelivered request the same request (川崎, duplicated messages);
- a timeout cancels the whole request: issued-but-not-printed documents are voided, and the sweeper
  cancels whatever passed its deadline (横浜);
- every anomaly is a row, and a mismatch or repeated errors suspend the office's automated issuing until
  a person acknowledges it (足立);
- every party answers its build id and the center refuses a different one (宗像, 高松).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit import chain
from madoguchi.audit.chain import AuditActor, SystemActor
from madoguchi.certificates import cards, document, eligibility
from madoguchi.certificates.build import build_id
from madoguchi.certificates.content import content_for
from madoguchi.certificates.keys import issuing_keys
from madoguchi.certificates.kinds import SELF_SERVICE, catalog
from madoguchi.certificates.models import (
    CertificateRequest,
    Issuance,
    IssuingAnomaly,
    IssuingPoint,
    Suspension,
)
from madoguchi.organization.models import Office
from madoguchi.registry.adapter import ResidentRecord, registry
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import HANDLE_CASE, VIEW_DASHBOARDS
from madoguchi.transactions import atomic_action, lock

logger = logging.getLogger("madoguchi.certificates")

ISSUE_SECONDS = 120  # a self-service request not printed by then is cancelled whole
PICKUP_DAYS = 14  # a phone request not picked up by then is cancelled
ERROR_WINDOW = timedelta(minutes=10)
ERROR_LIMIT = 3  # errors or timeouts of one office within the window suspend its automated issuing
Status = CertificateRequest.Status
NETWORK = SystemActor("issuing network")


class IssuingError(Exception):
    """A step the issuing network refuses, with words for the resident (`message`)."""

    code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class Refused(IssuingError):
    def __init__(self, refusal: eligibility.Refusal) -> None:
        super().__init__(refusal.message, refusal.code)


class Suspended(IssuingError):
    code = "suspended"


class BuildMismatch(IssuingError):
    code = "build"


class StateError(IssuingError):
    code = "state"


@dataclass(frozen=True)
class Session:
    id: uuid.UUID
    challenge: bytes


@dataclass(frozen=True)
class Document:
    """What the issuer sends back: the request it answers, the subject's tag, and the signed file."""

    request_id: uuid.UUID
    subject_tag: str
    serial: str
    pdf: bytes


def open_session() -> Session:
    session = uuid.uuid4()
    return Session(session, challenge_for(session))


def challenge_for(session: uuid.UUID) -> bytes:
    """Stateless: the center recomputes a session's challenge, so no server keeps sessions in memory."""
    return hmac.new(issuing_keys().code_secret, b"session:" + session.bytes, hashlib.sha256).digest()


def authenticate(session: uuid.UUID, certificate: bytes, signature: bytes) -> ResidentRecord:
    """The card holder of a terminal session (the certificate validity check included)."""
    from cryptography import x509

    try:
        parsed = x509.load_der_x509_certificate(certificate)
    except ValueError as error:
        raise cards.CardError("unreadable", "the card certificate cannot be read") from error
    return cards.validate(parsed, challenge_for(session), signature)


def open_suspension(office: Office) -> Suspension | None:
    return Suspension.objects.filter(office=office, acknowledged_at=None).first()


def check_build(build: str, *, office: Office, point: IssuingPoint | None, party: str) -> None:
    if build != build_id():
        do_report_anomaly(
            office,
            IssuingAnomaly.Kind.BUILD,
            f"{party} answered build {build[:16]!r}, the center runs {build_id()}",
            point=point,
        )
        raise BuildMismatch(
            _("この端末のソフトウェアが最新ではないため、発行できません。係員にお知らせください。")
        )


def _pickup_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


@dataclass(frozen=True)
class Ask:
    """What a resident (or the clerk for them) asks for: one request, the same from every channel."""

    office: Office
    point: IssuingPoint | None
    session: uuid.UUID | None
    subject: ResidentRecord
    requester: ResidentRecord | None
    relation: str  # self, household, agent
    kind_code: str
    options: Mapping[str, bool] | None
    channel: str
    pickup: str
    idempotency_key: str


def do_request(
    ask: Ask, *, build: str, when: datetime | None = None, actor: AuditActor = NETWORK
) -> CertificateRequest:
    """A request, once per idempotency key: a second delivery of the same request is the same request.

    The build and the key are checked before the transaction, so that the anomaly they record stays
    recorded when the request is refused."""
    existing = CertificateRequest.objects.filter(idempotency_key=ask.idempotency_key).first()
    if existing is not None and (
        existing.subject != ask.subject.code
        or existing.kind != ask.kind_code
        or existing.session != ask.session
    ):
        do_report_anomaly(
            ask.office,
            IssuingAnomaly.Kind.MISMATCH,
            "an idempotency key was reused for another request",
            point=ask.point,
        )
        raise IssuingError(_("請求を受け付けられませんでした。最初からやり直してください。"), "mismatch")
    if existing is not None:
        return existing
    if ask.channel in SELF_SERVICE:  # a phone request meets the build and suspension checks at pickup
        party = f"terminal {ask.point.code if ask.point else '?'}"
        check_build(build, office=ask.office, point=ask.point, party=party)
        _check_not_suspended(ask.office)
    return _record_request(ask, build=build, when=timezone.localtime(when or timezone.now()), actor=actor)


def _check_not_suspended(office: Office) -> None:
    if open_suspension(office) is not None:
        raise Suspended(
            _("ただいまこの地域の証明書のコンビニ交付を停止しています。証明書窓口をご利用ください。")
        )


@atomic_action
def _record_request(ask: Ask, *, build: str, when: datetime, actor: AuditActor) -> CertificateRequest:
    kind = catalog().get(ask.kind_code)
    if kind is None:
        raise IssuingError(_("この証明書は請求できません。"), "kind")
    household = registry().household(ask.subject.household)
    refused = eligibility.refusal(
        kind, subject=ask.subject, relation=ask.relation, channel=ask.channel, when=when, household=household
    )
    if refused is None and ask.pickup in SELF_SERVICE and ask.channel == "phone":
        # asked on the phone for a store: what the store will refuse is refused now (at noon, in store hours)
        refused = eligibility.refusal(
            kind,
            subject=ask.subject,
            relation=ask.relation,
            channel=ask.pickup,
            when=when.replace(hour=12, minute=0),
            household=household,
        )
    if refused is not None:
        raise Refused(refused)
    phone = ask.channel == "phone"
    request = CertificateRequest(
        idempotency_key=ask.idempotency_key,
        kind=kind.code,
        options=kind.clean_options(dict(ask.options or {}), ask.channel),
        subject=ask.subject.code,
        requester=(ask.requester.code if ask.requester else ""),
        relation=ask.relation,
        channel=ask.channel,
        pickup=ask.pickup,
        point=ask.point,
        office=ask.office,
        session=ask.session,
        status=Status.REQUESTED if phone else Status.AUTHORIZED,
        fee=kind.fee_for(ask.pickup),
        build=build[:40],
        deadline=when + (timedelta(days=PICKUP_DAYS) if phone else timedelta(seconds=ISSUE_SECONDS)),
    )
    attempts = 5 if phone else 1  # a phone request draws a pickup number, which may collide
    for attempt in range(attempts):
        if phone:
            request.pickup_code = _pickup_code()
        try:
            with transaction.atomic():
                request.save(force_insert=True)
            break
        except IntegrityError:
            same = CertificateRequest.objects.filter(idempotency_key=ask.idempotency_key).first()
            if same is not None:  # the same request, delivered twice at the same moment
                return same
            if attempt == attempts - 1:
                raise
    chain.record(
        actor,
        "certificates.request",
        request,
        extra={"kind": kind.code, "channel": ask.channel, "pickup": ask.pickup, "office": ask.office.code},
    )
    return request


def do_claim(
    request_id: uuid.UUID,
    *,
    holder: ResidentRecord,
    point: IssuingPoint,
    session: uuid.UUID,
    build: str,
    when: datetime | None = None,
) -> CertificateRequest:
    """A phone request picked up at a terminal: only by its own card holder, only once."""
    check_build(build, office=point.office, point=point, party=f"terminal {point.code}")
    _check_not_suspended(point.office)
    return _claim(
        request_id,
        holder=holder,
        point=point,
        session=session,
        when=timezone.localtime(when or timezone.now()),
    )


@atomic_action
def _claim(
    request_id: uuid.UUID, *, holder: ResidentRecord, point: IssuingPoint, session: uuid.UUID, when: datetime
) -> CertificateRequest:
    request = lock(CertificateRequest.objects.filter(pk=request_id)).first()
    if request is None or request.subject != holder.code or request.status != Status.REQUESTED:
        raise StateError(_("この請求は受け取れません。"))
    return _authorize_pickup(request, office=point.office, point=point, session=session, when=when)


@atomic_action
def do_claim_at_counter(
    staff: Staff, pickup_code: str, *, when: datetime | None = None
) -> CertificateRequest:
    """A phone request picked up at the certificate counter, by its 引換番号 and an identity document the
    clerk has seen; the counter's fee applies."""
    require(staff, HANDLE_CASE)
    if staff.office is None:
        raise IssuingError(_("所属の庁舎が設定されていないため、発行できません。"), "office")
    request = lock(CertificateRequest.objects.filter(pickup_code=pickup_code[:8])).first()
    if request is None or request.status != Status.REQUESTED:
        raise StateError(_("この引換番号の受け取り待ちの請求はありません。"))
    _authorize_pickup(
        request,
        office=staff.office,
        point=None,
        session=uuid.uuid4(),
        when=timezone.localtime(when or timezone.now()),
    )
    chain.record(staff, "certificates.claim", request, extra={"kind": request.kind})
    return request


def _authorize_pickup(
    request: CertificateRequest,
    *,
    office: Office,
    point: IssuingPoint | None,
    session: uuid.UUID,
    when: datetime,
) -> CertificateRequest:
    """A locked phone request, asked again where it is picked up (the record may have changed since), then
    bound to that place's session with that place's fee and a fresh deadline."""
    pickup = point.kind if point is not None else "counter"
    kind = catalog().kinds[request.kind]  # a request is only made for a kind of the catalog
    subject = registry().resident(request.subject)
    refused = eligibility.refusal(
        kind,
        subject=subject,
        relation=request.relation,
        channel=pickup,
        when=when,
        household=registry().household(subject.household) if subject else [],
    )
    if refused is not None:
        raise Refused(refused)
    request.status = Status.AUTHORIZED
    request.point = point
    request.office = office
    request.session = session
    request.pickup = pickup
    request.fee = kind.fee_for(pickup)
    request.deadline = when + timedelta(seconds=ISSUE_SECONDS)
    request.save(update_fields=["status", "point", "office", "session", "pickup", "fee", "deadline"])
    return request


def _serial(when: datetime) -> str:
    return f"{when:%Y}-{secrets.token_hex(6).upper()}"


def _document(request: CertificateRequest, issuance: Issuance) -> Document:
    return Document(
        request_id=request.pk,
        subject_tag=document.subject_tag(str(request.pk), request.subject),
        serial=issuance.serial,
        pdf=bytes(issuance.document or b""),
    )


def do_issue(request_id: uuid.UUID, *, issuer: str, build: str) -> Document:
    """The municipality's issuer renders and signs the document of one request, at most once.

    The request's row is locked, so two issuer processes answering the same request wait for each other
    and the second returns the first one's document. The subject is read from the request's own row and
    the registry is asked again: nothing from another request can be in this document.
    """
    request = CertificateRequest.objects.filter(pk=request_id).select_related("office", "point").first()
    if request is None:
        raise StateError(_("請求が見つかりません。"))
    check_build(build, office=request.office, point=request.point, party=f"issuer {issuer}")
    return _issue(request_id, issuer=issuer)


@atomic_action
def _issue(request_id: uuid.UUID, *, issuer: str) -> Document:
    request = lock(CertificateRequest.objects.filter(pk=request_id)).get()
    existing = Issuance.objects.filter(request=request).first()
    if existing is not None:
        if existing.void or existing.document is None:
            raise StateError(_("この請求はすでに取り消されたか、交付済みです。"))
        return _document(request, existing)
    now = timezone.now()
    if request.status != Status.AUTHORIZED:
        raise StateError(_("この請求は発行できる状態ではありません。"))
    if request.deadline is not None and request.deadline < now:
        raise StateError(_("時間切れのため、この請求は取り消されました。"), "timeout")
    subject = registry().resident(request.subject)
    kind = catalog().kinds[request.kind]  # a request is only made for a kind of the catalog
    refused = eligibility.refusal(
        kind,
        subject=subject,
        relation=request.relation,
        channel=request.pickup if request.pickup in SELF_SERVICE else request.channel,
        when=timezone.localtime(now),
        household=registry().household(subject.household) if subject else [],
    )
    if refused is not None:
        _cancel(request, refused.message, now)
        raise Refused(refused)
    if subject is None:  # pragma: no cover (refused above as "unknown")
        raise StateError(_("この方の記録が見つかりません。"))
    tag = document.subject_tag(str(request.pk), subject.code)
    serial = _serial(timezone.localtime(now))
    pdf = document.sign(
        document.render(
            content_for(kind, subject, request.options),
            serial=serial,
            request_id=str(request.pk),
            tag=tag,
            issued_on=timezone.localdate(now),
        )
    )
    issuance = Issuance.objects.create(
        request=request,
        serial=serial,
        issued_on=timezone.localdate(now),
        sha256=hashlib.sha256(pdf).hexdigest(),
        issuer=issuer[:100],
        document=pdf,
    )
    request.status = Status.ISSUED
    request.issued_at = now
    request.save(update_fields=["status", "issued_at"])
    chain.record(NETWORK, "certificates.issue", request, extra={"serial": serial, "issuer": issuer[:100]})
    return _document(request, issuance)


@atomic_action
def do_commit(request_id: uuid.UUID, *, session: uuid.UUID | None) -> bool:
    """The terminal has checked the document and asks to print: True once; False for a repeat."""
    request = lock(CertificateRequest.objects.filter(pk=request_id)).first()
    if request is None or request.session != session:
        raise StateError(_("この端末の請求ではありません。"), "mismatch")
    if request.status in (Status.PRINTING, Status.PRINTED):
        return False
    if request.status != Status.ISSUED:
        raise StateError(_("この請求は印刷できる状態ではありません。"))
    if request.deadline is not None and request.deadline < timezone.now():
        _cancel(request, "timeout before printing", timezone.now())
        raise StateError(_("時間切れのため、この請求は取り消されました。"), "timeout")
    request.status = Status.PRINTING
    request.save(update_fields=["status"])
    return True


@atomic_action
def do_printed(request_id: uuid.UUID, *, session: uuid.UUID | None) -> CertificateRequest:
    """The paper is out: the request is done and its fee is due; the stored document is wiped."""
    request = lock(CertificateRequest.objects.filter(pk=request_id)).first()
    if request is None or request.session != session:
        raise StateError(_("この端末の請求ではありません。"), "mismatch")
    if request.status == Status.PRINTED:
        return request
    if request.status != Status.PRINTING:
        raise StateError(_("この請求は印刷中ではありません。"))
    request.status = Status.PRINTED
    request.printed_at = timezone.now()
    request.save(update_fields=["status", "printed_at"])
    Issuance.objects.filter(request=request).update(document=None)
    chain.record(NETWORK, "certificates.printed", request, extra={"fee": request.fee})
    return request


def _cancel(request: CertificateRequest, reason: str, now: datetime) -> None:
    request.status = Status.CANCELLED
    request.cancelled_at = now
    request.reason = reason[:200]
    request.save(update_fields=["status", "cancelled_at", "reason"])
    Issuance.objects.filter(request=request).update(void=True, document=None)
    chain.record(NETWORK, "certificates.cancel", request, reason=reason[:200])


@atomic_action
def do_cancel(request_id: uuid.UUID, *, reason: str) -> bool:
    """Cancel the whole request (a timeout, a failed print): its document, if any, becomes void.
    False when there was nothing to cancel (already printed or already cancelled)."""
    request = lock(CertificateRequest.objects.filter(pk=request_id)).first()
    if request is None or request.status in (Status.PRINTED, Status.CANCELLED):
        return False
    _cancel(request, reason, timezone.now())
    return True


def do_report_anomaly(
    office: Office,
    kind: str,
    detail: str,
    *,
    point: IssuingPoint | None = None,
    request: CertificateRequest | None = None,
) -> IssuingAnomaly:
    """Record an anomaly in a transaction of its own (it must survive the failed step), and suspend the
    office's automated issuing on a mismatch or on repeated errors."""
    with transaction.atomic():
        anomaly = IssuingAnomaly.objects.create(
            office=office, point=point, request=request, kind=kind, detail=detail[:300]
        )
        chain.record(NETWORK, "certificates.anomaly", anomaly, extra={"kind": kind, "office": office.code})
        recent = IssuingAnomaly.objects.filter(
            office=office,
            kind__in=[IssuingAnomaly.Kind.ERROR, IssuingAnomaly.Kind.TIMEOUT],
            created_at__gte=timezone.now() - ERROR_WINDOW,
        ).count()
        if kind == IssuingAnomaly.Kind.MISMATCH or recent >= ERROR_LIMIT:
            _suspend(office, anomaly)
    logger.warning("issuing anomaly", extra={"office": office.code, "kind": kind, "detail": detail[:200]})
    return anomaly


def _suspend(office: Office, anomaly: IssuingAnomaly) -> None:
    if open_suspension(office) is not None:
        return
    try:
        with transaction.atomic():
            suspension = Suspension.objects.create(office=office, anomaly=anomaly, reason=anomaly.detail)
    except IntegrityError:  # another process suspended it at the same moment
        return
    chain.record(NETWORK, "certificates.suspend", suspension, extra={"office": office.code})


@atomic_action
def do_acknowledge_suspension(staff: Staff, suspension_id: int, *, note: str) -> Suspension:
    """A person has looked at what happened and lets the office's automated issuing resume."""
    require(staff, VIEW_DASHBOARDS)
    note = note.strip()
    if not note:
        raise IssuingError(_("確認した内容（対応の記録）を入力してください。"), "note")
    suspension = Suspension.objects.filter(pk=suspension_id, acknowledged_at=None).first()
    if suspension is None:
        raise StateError(_("この停止はすでに解除されています。"))
    suspension.acknowledged_at = timezone.now()
    suspension.acknowledged_by = staff
    suspension.note = note[:300]
    suspension.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
    chain.record(
        staff, "certificates.resume", suspension, extra={"office": suspension.office.code}, reason=note
    )
    return suspension


def cancel_overdue(now: datetime | None = None) -> int:
    """The sweeper: a request past its deadline is cancelled whole (and counts as a timeout)."""
    now = now or timezone.now()
    open_states = [Status.REQUESTED, Status.AUTHORIZED, Status.ISSUED, Status.PRINTING]
    cancelled = 0
    overdue = CertificateRequest.objects.filter(status__in=open_states, deadline__lt=now).select_related(
        "office", "point"
    )
    for request in overdue[:1000]:
        if do_cancel(request.pk, reason="deadline passed"):
            cancelled += 1
            if request.status != Status.REQUESTED:
                do_report_anomaly(
                    request.office,
                    IssuingAnomaly.Kind.TIMEOUT,
                    f"request not printed by its deadline (was {request.status})",
                    point=request.point,
                    request=request,
                )
    return cancelled


@atomic_action
def do_upsert_issuing_point(
    actor: AuditActor, *, code: str, kind: str, name_ja: str, name_en: str, office: Office
) -> IssuingPoint:
    point, created = IssuingPoint.objects.update_or_create(
        code=code, defaults={"kind": kind, "name_ja": name_ja, "name_en": name_en, "office": office}
    )
    if created:
        chain.record(
            actor, "certificates.point", point, extra={"code": code, "kind": kind, "office": office.code}
        )
    return point


def self_service_share(
    office_code: str | None = None, *, days: int = 28, now: datetime | None = None
) -> float | None:
    """The share of certificates handed over outside the counter (stores, issuing machines) in the last
    `days`, for one office or the city; None when nothing was handed over (the simulator's input)."""
    since = (now or timezone.now()) - timedelta(days=days)
    printed = CertificateRequest.objects.filter(status=Status.PRINTED, printed_at__gte=since)
    if office_code:
        printed = printed.filter(office__code=office_code)
    total = printed.count()
    if not total:
        return None
    return printed.filter(pickup__in=sorted(SELF_SERVICE)).count() / total
