"""The keys a preparation code is sealed and signed with.

Two pairs, split between the city's segments (三層の対策):
- opening (X25519): the counter side holds the private keys (MADOGUCHI_PREPARATION_OPENING_KEYS, comma-
  separated, base64; the first is current, the others still open codes issued before a rotation); the
  resident-facing side holds only the current public key (MADOGUCHI_PREPARATION_SEALING_KEY). What the phone
  is given can be read only inside.
- signing (Ed25519): the resident-facing side signs with MADOGUCHI_PREPARATION_SIGNING_KEY; the counter
  accepts only what MADOGUCHI_PREPARATION_ISSUER_KEYS (public, comma-separated) verify. A code made by
  anyone else is refused.

With nothing set (the embedded installation, which is both sides), one set is generated under var/ on
first use. `madoguchi preparation keys` prints a new set and says which side gets which line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from django.conf import settings

from madoguchi.config.paths import embedded_keys

RAW = serialization.Encoding.Raw
PUBLIC_RAW = serialization.PublicFormat.Raw
PRIVATE_RAW = serialization.PrivateFormat.Raw
NO_ENCRYPTION = serialization.NoEncryption()


class PreparationKeyError(Exception):
    """A configured key cannot be read; the message names the variable, never the key."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _raw(text: str, variable: str, position: int) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise PreparationKeyError(
            f"{variable}: key {position} is not 32 bytes of base64 "
            "(`madoguchi preparation keys` prints a set)"
        )
    return raw


def key_id(public: X25519PublicKey) -> bytes:
    """Four bytes that name an opening key inside a code (a code for another key is 'foreign')."""
    return hashlib.sha256(public.public_bytes(RAW, PUBLIC_RAW)).digest()[:4]


def new_key_set() -> dict[str, str]:
    opening = X25519PrivateKey.generate()
    signing = Ed25519PrivateKey.generate()
    return {
        "MADOGUCHI_PREPARATION_OPENING_KEYS": _b64(opening.private_bytes(RAW, PRIVATE_RAW, NO_ENCRYPTION)),
        "MADOGUCHI_PREPARATION_ISSUER_KEYS": _b64(signing.public_key().public_bytes(RAW, PUBLIC_RAW)),
        "MADOGUCHI_PREPARATION_SEALING_KEY": _b64(opening.public_key().public_bytes(RAW, PUBLIC_RAW)),
        "MADOGUCHI_PREPARATION_SIGNING_KEY": _b64(signing.private_bytes(RAW, PRIVATE_RAW, NO_ENCRYPTION)),
    }


def _embedded() -> dict[str, str]:
    return embedded_keys("preparation_keys.json", new_key_set)


def _setting(name: str) -> str:
    value = str(getattr(settings, name, "") or "")
    return value or _embedded()[name]


@dataclass(frozen=True)
class CounterKeys:
    opening: dict[bytes, X25519PrivateKey]  # key id → private key
    issuers: tuple[Ed25519PublicKey, ...]


@dataclass(frozen=True)
class IssuerKeys:
    sealing: X25519PublicKey
    signing: Ed25519PrivateKey

    @property
    def key_id(self) -> bytes:
        return key_id(self.sealing)


@cache
def read_counter_keys(opening: str, issuers: str) -> CounterKeys:
    name = "MADOGUCHI_PREPARATION_OPENING_KEYS"
    keys = [
        X25519PrivateKey.from_private_bytes(_raw(text, name, position))
        for position, text in enumerate(opening.split(","), start=1)
        if text.strip()
    ]
    name = "MADOGUCHI_PREPARATION_ISSUER_KEYS"
    publics = tuple(
        Ed25519PublicKey.from_public_bytes(_raw(text, name, position))
        for position, text in enumerate(issuers.split(","), start=1)
        if text.strip()
    )
    return CounterKeys(opening={key_id(k.public_key()): k for k in keys}, issuers=publics)


@cache
def read_issuer_keys(sealing: str, signing: str) -> IssuerKeys:
    return IssuerKeys(
        sealing=X25519PublicKey.from_public_bytes(_raw(sealing, "MADOGUCHI_PREPARATION_SEALING_KEY", 1)),
        signing=Ed25519PrivateKey.from_private_bytes(_raw(signing, "MADOGUCHI_PREPARATION_SIGNING_KEY", 1)),
    )


def counter_keys() -> CounterKeys:
    return read_counter_keys(
        _setting("MADOGUCHI_PREPARATION_OPENING_KEYS"), _setting("MADOGUCHI_PREPARATION_ISSUER_KEYS")
    )


def issuer_keys() -> IssuerKeys:
    return read_issuer_keys(
        _setting("MADOGUCHI_PREPARATION_SEALING_KEY"), _setting("MADOGUCHI_PREPARATION_SIGNING_KEY")
    )
