"""Encryption of My Numbers (特定個人情報) at rest, with key rotation.

Keys come from MADOGUCHI_MY_NUMBER_KEYS: comma-separated Fernet keys, the first one encrypts, all of them
decrypt. To rotate: put a new key first, run `madoguchi mynumber rotate-keys` (re-encrypts every stored
number with the first key), then remove the old key. The embedded default (no variable set) generates one
key under var/ on first use, like the secret key; production must set the variable.
"""

from __future__ import annotations

import os
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from madoguchi.config.paths import var_dir


class MyNumberKeyError(Exception):
    """The stored number cannot be decrypted with the configured keys."""


def _embedded_key() -> bytes:
    path = var_dir() / "my_number_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(Fernet.generate_key())
    return path.read_bytes().strip()


@cache
def _fernet(keys: str) -> MultiFernet:
    raw = [k.strip().encode() for k in keys.split(",") if k.strip()] or [_embedded_key()]
    fernets = []
    for position, key in enumerate(raw, start=1):
        try:
            fernets.append(Fernet(key))
        except ValueError:  # binascii.Error included; the key itself is never repeated
            raise MyNumberKeyError(
                f"MADOGUCHI_MY_NUMBER_KEYS: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes; `madoguchi mynumber new-key` prints one)"
            ) from None
    return MultiFernet(fernets)


def cipher() -> MultiFernet:
    return _fernet(settings.MY_NUMBER_KEYS)


def encrypt(number: str) -> str:
    return cipher().encrypt(number.encode("ascii")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise MyNumberKeyError("the My Number cannot be decrypted with the configured keys") from error


def rotate(token: str) -> str:
    """Re-encrypt with the current (first) key."""
    try:
        return cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise MyNumberKeyError("a stored My Number cannot be decrypted with the configured keys") from error
