"""The keys of certificate issuing: the city's issuing key (PAdES signatures), the secret of the verification
codes, and the test CA of the simulated My Number cards.

Each comes from a setting (PEM or base64 text) in production; without one, a set is made once per
installation under var/ (`certificate_keys.json`, mode 0600), as for the preparation keys. The certificate
of the issuing key is self-issued here; a city puts the certificate its own CA (or LGPKI) issued in
`MADOGUCHI_CERTIFICATE_ISSUING_CERT`.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from madoguchi.config.paths import embedded_keys

PEM = serialization.Encoding.PEM
PKCS8 = serialization.PrivateFormat.PKCS8
NONE = serialization.NoEncryption()


def _self_issued(key: ec.EllipticCurvePrivateKey, common_name: str, *, ca: bool) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(settings.CITY_NAME_JA)),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CODE_SIGNING]),
            critical=False,
        )
    return builder.sign(key, hashes.SHA256())


def new_key_set() -> dict[str, str]:
    issuing = ec.generate_private_key(ec.SECP256R1())
    card_ca = ec.generate_private_key(ec.SECP256R1())
    city = str(settings.CITY_NAME_JA)
    return {
        "MADOGUCHI_CERTIFICATE_ISSUING_KEY": issuing.private_bytes(PEM, PKCS8, NONE).decode(),
        "MADOGUCHI_CERTIFICATE_ISSUING_CERT": _self_issued(issuing, f"{city} 証明書発行", ca=False)
        .public_bytes(PEM)
        .decode(),
        "MADOGUCHI_CERTIFICATE_CODE_SECRET": base64.b64encode(secrets.token_bytes(32)).decode(),
        "MADOGUCHI_CERTIFICATE_CARD_CA_KEY": card_ca.private_bytes(PEM, PKCS8, NONE).decode(),
        "MADOGUCHI_CERTIFICATE_CARD_CA_CERT": _self_issued(card_ca, "Test card CA (simulated J-LIS)", ca=True)
        .public_bytes(PEM)
        .decode(),
        "MADOGUCHI_CERTIFICATE_CARD_SECRET": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


@cache
def _embedded() -> dict[str, str]:
    return embedded_keys("certificate_keys.json", new_key_set)


def _setting(name: str) -> str:
    value = str(getattr(settings, name, "") or "").replace("\\n", "\n")  # PEM on one line of the environment
    return value or _embedded()[name]


@dataclass(frozen=True)
class IssuingKeys:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    code_secret: bytes


@dataclass(frozen=True)
class CardAuthority:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    card_secret: bytes


def _private(text: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(text.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("not an EC private key")
    return key


@cache
def issuing_keys() -> IssuingKeys:
    return IssuingKeys(
        key=_private(_setting("MADOGUCHI_CERTIFICATE_ISSUING_KEY")),
        certificate=x509.load_pem_x509_certificate(_setting("MADOGUCHI_CERTIFICATE_ISSUING_CERT").encode()),
        code_secret=base64.b64decode(_setting("MADOGUCHI_CERTIFICATE_CODE_SECRET")),
    )


@cache
def card_authority() -> CardAuthority:
    return CardAuthority(
        key=_private(_setting("MADOGUCHI_CERTIFICATE_CARD_CA_KEY")),
        certificate=x509.load_pem_x509_certificate(_setting("MADOGUCHI_CERTIFICATE_CARD_CA_CERT").encode()),
        card_secret=base64.b64decode(_setting("MADOGUCHI_CERTIFICATE_CARD_SECRET")),
    )
