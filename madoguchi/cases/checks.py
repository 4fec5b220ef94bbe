"""Deployment checks of the cases context (`madoguchi check`): the My Number key.

Without MADOGUCHI_MY_NUMBER_KEYS each server makes its own key under var/ (fine for one development
machine); a second app server would then fail to read every number the first one stored. So production
must set the variable, to the same keys on every server, and each key must be a valid Fernet key.
"""

from __future__ import annotations

import binascii
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

MISSING = "cases.E001"
MALFORMED = "cases.E002"


@register(Tags.security, deploy=True)
def check_my_number_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    keys = [key.strip() for key in str(settings.MY_NUMBER_KEYS).split(",") if key.strip()]
    if not keys:
        return [
            Error(
                "MADOGUCHI_MY_NUMBER_KEYS is not set: each server would generate its own My Number key and "
                "could not read what another server stored.",
                hint="Generate one with `madoguchi mynumber new-key` and set the same value on every server.",
                id=MISSING,
            )
        ]
    errors: list[CheckMessage] = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, binascii.Error, UnicodeEncodeError):
            errors.append(
                Error(
                    f"MADOGUCHI_MY_NUMBER_KEYS: key {position} of {len(keys)} is not a valid Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    hint="Generate one with `madoguchi mynumber new-key`.",
                    id=MALFORMED,
                )
            )
    return errors
