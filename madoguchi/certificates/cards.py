"""Simulated My Number cards and the card-validity check (a stand-in for J-LIS, clearly a simulation).

Each card of the synthetic population holds a P-256 key pair and a user-authentication certificate
(利用者証明用電子証明書) issued by a test CA. Both are derived on demand from the installation's card
secret and the card's serial, so a population of a million needs no stored keys. The chip signs a
challenge only with the right 4-digit PIN and locks after three wrong ones, as a real card does. The
test PIN of a card is printed by `madoguchi certificate card SERIAL` (demo and tests only).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db.models import F

from madoguchi.certificates.keys import card_authority
from madoguchi.certificates.models import CardState
from madoguchi.registry.adapter import ResidentRecord, registry

PIN_TRIES = 3
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class CardError(Exception):
    def __init__(self, code: str, message: str, *, tries_left: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.tries_left = tries_left


def _derive(serial: str, purpose: str) -> bytes:
    return hmac.new(card_authority().card_secret, f"{purpose}:{serial}".encode(), hashlib.sha256).digest()


def test_pin(serial: str) -> str:
    """The simulated card's PIN (derived, never stored): for demos and tests only."""
    return f"{int.from_bytes(_derive(serial, 'pin'), 'big') % 10_000:04d}"


@lru_cache(maxsize=4096)
def _key(serial: str) -> ec.EllipticCurvePrivateKey:
    scalar = int.from_bytes(_derive(serial, "key") + _derive(serial, "key2"), "big") % (P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


@lru_cache(maxsize=4096)
def certificate(serial: str) -> x509.Certificate:
    authority = card_authority()
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, serial)]))
        .issuer_name(authority.certificate.subject)
        .public_key(_key(serial).public_key())
        .serial_number(int(serial) + 1)
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2035, 12, 31, tzinfo=UTC))
        .sign(authority.key, hashes.SHA256())
    )


class SimulatedCard:
    """The chip: gives its certificate freely, signs only with the PIN."""

    def __init__(self, serial: str) -> None:
        if not (serial.isdigit() and len(serial) == 12):
            raise CardError("unreadable", "the card number has 12 digits")
        self.serial = serial

    def read_certificate(self) -> x509.Certificate:
        return certificate(self.serial)

    def sign(self, challenge: bytes, pin: str) -> bytes:
        state, _created = CardState.objects.get_or_create(serial=self.serial)
        if state.failures >= PIN_TRIES:
            raise CardError("locked", "the card is locked after three wrong PINs")
        if not hmac.compare_digest(pin.encode(), test_pin(self.serial).encode()):
            CardState.objects.filter(serial=self.serial).update(failures=F("failures") + 1)
            left = PIN_TRIES - state.failures - 1
            raise CardError(
                "locked" if left <= 0 else "pin", f"wrong PIN ({max(left, 0)} tries left)", tries_left=left
            )
        if state.failures:
            CardState.objects.filter(serial=self.serial).update(failures=0)
        return _key(self.serial).sign(challenge, ec.ECDSA(hashes.SHA256()))


def validate(certificate_: x509.Certificate, challenge: bytes, signature: bytes) -> ResidentRecord:
    """The validity check the issuing center makes: issued by the CA, in date, not revoked, and the
    challenge signed by the card's own key. Answers the card holder's registry record."""
    authority = card_authority().certificate
    try:
        public = authority.public_key()
        if not isinstance(public, ec.EllipticCurvePublicKey):
            raise InvalidSignature("the card CA key is not an EC key")
        public.verify(certificate_.signature, certificate_.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise CardError("forged", "the card certificate was not issued by the card CA") from error
    now = datetime.now(UTC)
    if not certificate_.not_valid_before_utc <= now <= certificate_.not_valid_after_utc:
        raise CardError("expired", "the card certificate has expired")
    try:
        key = certificate_.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise InvalidSignature("the card key is not an EC key")
        key.verify(signature, challenge, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise CardError("signature", "the card did not sign this session's challenge") from error
    serial = certificate_.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value
    holder = registry().by_card(str(serial))
    if holder is None or holder.status != "resident":
        # A card's user-authentication certificate is revoked when its holder moves out or dies.
        raise CardError("revoked", "the card certificate has been revoked")
    return holder
