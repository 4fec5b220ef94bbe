"""The simulated issuing network: store terminal → issuing center → (card validity check) → the
municipality's issuer → back, with the real parties' messages and places where a test can make any step
time out, arrive twice or arrive late.

Every message names its request id; every document carries its request id and subject tag, in the
message and inside the PDF, and the terminal prints only a document whose both match its own session.
The parties keep no state a second server would need: the center and issuers are interchangeable.
"""

from __future__ import annotations

import io
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.serialization import Encoding
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader

from madoguchi.certificates import actions, cards, document
from madoguchi.certificates.actions import Document, IssuingError
from madoguchi.certificates.build import build_id
from madoguchi.certificates.models import CertificateRequest, IssuingAnomaly, IssuingPoint
from madoguchi.registry.adapter import ResidentRecord

STEPS = ("authenticate", "request", "issue", "deliver", "commit", "print", "printed")


class Timeout(IssuingError):
    code = "timeout"

    def __init__(self, message: str, *, step: str) -> None:
        super().__init__(message)
        self.step = step  # where the exchange stopped (for the log and the tests)


@dataclass
class Faults:
    """Where the exchange fails: `timeout` raises at a step; `hooks` run at a step (a test's own trouble)."""

    timeout: set[str] = field(default_factory=set)
    hooks: dict[str, Callable[[], None]] = field(default_factory=dict)

    def at(self, step: str) -> None:
        if step in self.hooks:
            self.hooks[step]()
        if step in self.timeout:
            raise Timeout(_("時間切れのため、この請求を取り消しました。もう一度お試しください。"), step=step)


class Issuer:
    """One process of the municipality's issuer (any number of them may answer one center)."""

    def __init__(self, name: str, build: str | None = None) -> None:
        self.name = name
        self.build = build or build_id()

    def issue(self, request_id: uuid.UUID) -> Document:
        return actions.do_issue(request_id, issuer=self.name, build=self.build)


class Center:
    """The issuing center: checks cards and builds, forwards to an issuer, relays and checks documents."""

    def __init__(self, issuers: list[Issuer], faults: Faults | None = None) -> None:
        self.issuers = issuers
        self.faults = faults or Faults()
        self._next = itertools.cycle(range(len(issuers)))

    def issue(self, request: CertificateRequest) -> Document:
        self.faults.at("issue")
        issuer = self.issuers[next(self._next)]
        try:
            answer = issuer.issue(request.pk)
        except (IssuingError, cards.CardError):
            raise
        except Exception as error:
            actions.do_report_anomaly(
                request.office,
                IssuingAnomaly.Kind.ERROR,
                f"issuer {issuer.name}: {type(error).__name__}",
                point=request.point,
                request=request,
            )
            raise IssuingError(
                _("発行できませんでした。しばらくしてからもう一度お試しください。"), "error"
            ) from error
        expected = document.subject_tag(str(request.pk), request.subject)
        if answer.request_id != request.pk or answer.subject_tag != expected:
            actions.do_report_anomaly(
                request.office,
                IssuingAnomaly.Kind.MISMATCH,
                "the issuer answered a document of another request",
                point=request.point,
                request=request,
            )
            actions.do_cancel(request.pk, reason="issuer answered another request's document")
            raise IssuingError(_("発行できませんでした。係員にお知らせください。"), "mismatch")
        return answer


def embedded(pdf: bytes) -> dict[str, str]:
    """The request id, subject tag and serial written inside a certificate PDF."""
    try:
        info = PdfFileReader(io.BytesIO(pdf), strict=False).trailer_view["/Info"]
        text = str(info.get("/Keywords", ""))
    except Exception:
        return {}
    return dict(part.split("=", 1) for part in text.split() if "=" in part)


@dataclass
class Printout:
    request_id: uuid.UUID
    serial: str
    pdf: bytes


class StoreTerminal:
    """A multi-function terminal in a convenience store (or the office's issuing machine)."""

    def __init__(
        self,
        point: IssuingPoint,
        center: Center,
        *,
        build: str | None = None,
        faults: Faults | None = None,
        printer: Callable[[bytes], None] | None = None,
    ) -> None:
        self.point = point
        self.center = center
        self.build = build or build_id()
        self.faults = faults or Faults()
        self.printer = printer or (lambda pdf: None)
        self.session: actions.Session | None = None
        self.holder: ResidentRecord | None = None
        self.pending: uuid.UUID | None = None
        self.printed: list[Printout] = []
        self.refused: list[str] = []

    # -- the card
    def insert_card(self, serial: str, pin: str) -> ResidentRecord:
        self.session = actions.open_session()
        card = cards.SimulatedCard(serial)
        signature = card.sign(self.session.challenge, pin)
        self.faults.at("authenticate")
        self.holder = actions.authenticate(
            self.session.id,
            card.read_certificate().public_bytes(Encoding.DER),
            signature,
        )
        return self.holder

    # -- a certificate
    def request(
        self, kind: str, options: dict[str, bool] | None = None, *, key: str | None = None
    ) -> Printout:
        holder, session = self._ready()
        self.faults.at("request")
        ask = actions.Ask(
            office=self.point.office,
            point=self.point,
            session=session.id,
            subject=holder,
            requester=holder,
            relation="self",
            kind_code=kind,
            options=options,
            channel=self.point.kind,
            pickup=self.point.kind,
            idempotency_key=key or f"{self.point.code}:{session.id}:{uuid.uuid4()}",
        )
        request = actions.do_request(ask, build=self.build)
        return self._issue_and_print(request)

    def pick_up(self, request_id: uuid.UUID) -> Printout:
        holder, session = self._ready()
        self.faults.at("request")
        request = actions.do_claim(
            request_id, holder=holder, point=self.point, session=session.id, build=self.build
        )
        return self._issue_and_print(request)

    def _ready(self) -> tuple[ResidentRecord, actions.Session]:
        if self.holder is None or self.session is None:
            raise IssuingError(_("マイナンバーカードを置いてください。"), "card")
        return self.holder, self.session

    def _issue_and_print(self, request: CertificateRequest) -> Printout:
        self.pending = request.pk
        try:
            answer = self.center.issue(request)
            self.faults.at("deliver")
            return self.receive(answer)
        except Exception as error:
            actions.do_cancel(request.pk, reason=f"terminal: {getattr(error, 'code', type(error).__name__)}")
            raise
        finally:
            self.pending = None

    def receive(self, answer: Document) -> Printout:
        """A document arrives: it prints only if it is the one this session is waiting for."""
        holder, session = self._ready()
        expected_tag = document.subject_tag(str(self.pending), holder.code) if self.pending else None
        inside = embedded(answer.pdf)
        if (
            self.pending is None
            or answer.request_id != self.pending
            or answer.subject_tag != expected_tag
            or inside.get("request") != str(self.pending)
            or inside.get("tag") != expected_tag
        ):
            self.refused.append(answer.serial)
            actions.do_report_anomaly(
                self.point.office,
                IssuingAnomaly.Kind.MISMATCH,
                f"terminal {self.point.code} received a document that is not its session's",
                point=self.point,
            )
            raise IssuingError(_("発行できませんでした。係員にお知らせください。"), "mismatch")
        self.faults.at("commit")
        if not actions.do_commit(answer.request_id, session=session.id):
            raise IssuingError(_("この証明書はすでに印刷しました。"), "state")
        self.faults.at("print")
        self.printer(answer.pdf)
        self.faults.at("printed")
        actions.do_printed(answer.request_id, session=session.id)
        printout = Printout(answer.request_id, answer.serial, answer.pdf)
        self.printed.append(printout)
        return printout

    def eject(self) -> None:
        self.session = None
        self.holder = None
