"""Checking a certificate someone received: by its verification code (the QR) or by the PDF file.

The answer shows only what the certificate itself shows about its issuing (kind, day, serial, city) and
whether it is valid; never a name or an address: whoever holds the paper has those already.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from dataclasses import dataclass
from datetime import date

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from madoguchi.certificates import document
from madoguchi.certificates.keys import issuing_keys
from madoguchi.certificates.models import Issuance

MAX_PDF = 5 * 1024 * 1024


class Unreadable(Exception):
    """Not a PDF, or not one that can be read at all."""


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str  # a code: valid, void, unknown, altered, unsigned, untrusted, not_issued, code
    serial: str = ""
    kind: str = ""
    issued_on: date | None = None


def _issuance(serial: str) -> Issuance | None:
    return Issuance.objects.filter(serial=serial).select_related("request").first()


def _state(issuance: Issuance | None, serial: str) -> Verdict:
    if issuance is None:
        return Verdict(False, "unknown", serial)
    if issuance.void:
        reason = "void"
    elif issuance.request.status != issuance.request.Status.PRINTED:
        reason = "not_issued"
    else:
        reason = "valid"
    return Verdict(reason == "valid", reason, serial, issuance.request.kind, issuance.issued_on)


def by_code(text: str) -> Verdict:
    """`MDG1V<serial>.<token>` as printed under the QR code (case and spaces forgiven)."""
    text = "".join(text.split()).upper()
    if not text.startswith(document.CODE_PREFIX) or "." not in text:
        return Verdict(False, "code")
    serial, _dot, token = text[len(document.CODE_PREFIX) :].rpartition(".")
    if not serial or len(serial) > 20 or not hmac.compare_digest(token, document.verification_token(serial)):
        return Verdict(False, "code")
    return _state(_issuance(serial), serial)


def by_file(data: bytes) -> Verdict:
    """The PDF's signature checked against the city's issuing certificate, then its serial and hash."""
    if len(data) > MAX_PDF or not data.startswith(b"%PDF-"):
        raise Unreadable("not a PDF file")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        info = reader.trailer_view["/Info"]
        keywords = str(info.get("/Keywords", ""))
    except Exception as error:
        raise Unreadable("the PDF cannot be read") from error
    inside = dict(part.split("=", 1) for part in keywords.split() if "=" in part)
    serial = inside.get("serial", "")[:20]
    if not signatures:
        return Verdict(False, "unsigned", serial)
    root = asn1_x509.Certificate.load(issuing_keys().certificate.public_bytes(serialization.Encoding.DER))
    try:
        status = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[root]))
    except Exception:
        return Verdict(False, "altered", serial)
    if not status.intact:
        return Verdict(False, "altered", serial)
    if not (status.valid and status.trusted):
        return Verdict(False, "untrusted", serial)
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE" or len(signatures) != 1:
        return Verdict(False, "altered", serial)
    issuance = _issuance(serial)
    if issuance is not None and not hmac.compare_digest(issuance.sha256, hashlib.sha256(data).hexdigest()):
        return Verdict(False, "altered", serial, issuance.request.kind, issuance.issued_on)
    return _state(issuance, serial)
