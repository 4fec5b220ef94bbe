"""Deployment checks of the preparation (`madoguchi check`): its keys, its mode, the city's code.

Without keys in the environment an installation seals, signs and opens codes with a set it generated under
var/ — fine for one development machine that is both sides, useless for a city whose resident-facing
installation and counter installation must share the pairs (docs/deployment.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.municipality import validate as validate_municipality
from madoguchi.preparation import keys

NO_KEYS = "preparation.E001"
HALF_A_PAIR = "preparation.E002"
BAD_KEY = "preparation.E003"
BAD_MODE = "preparation.E004"
BAD_CITY_CODE = "preparation.E005"

COUNTER_SIDE = ("MADOGUCHI_PREPARATION_OPENING_KEYS", "MADOGUCHI_PREPARATION_ISSUER_KEYS")
RESIDENT_SIDE = ("MADOGUCHI_PREPARATION_SEALING_KEY", "MADOGUCHI_PREPARATION_SIGNING_KEY")
HINT = "`madoguchi preparation keys` prints a set and says which side gets which line (docs/deployment.md)."


def _set(name: str) -> bool:
    return bool(str(getattr(settings, name, "") or "").strip())


@register(Tags.security, deploy=True)
def check_preparation_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    sides = [side for side in (COUNTER_SIDE, RESIDENT_SIDE) if any(_set(name) for name in side)]
    if not sides:
        return [
            Error(
                "No preparation keys are set: this server would seal and open codes with keys it generated "
                "under var/, which no other installation of the city holds.",
                hint=HINT,
                id=NO_KEYS,
            )
        ]
    for side in sides:
        missing = [name for name in side if not _set(name)]
        if missing:
            errors.append(
                Error(
                    f"{missing[0]} is not set, but the other key of its side is.", hint=HINT, id=HALF_A_PAIR
                )
            )
    try:
        if COUNTER_SIDE in sides and not errors:
            keys.read_counter_keys(*(str(getattr(settings, name)) for name in COUNTER_SIDE))
        if RESIDENT_SIDE in sides and not errors:
            keys.read_issuer_keys(*(str(getattr(settings, name)) for name in RESIDENT_SIDE))
    except keys.PreparationKeyError as error:
        errors.append(Error(str(error), hint=HINT, id=BAD_KEY))
    return errors


@register(Tags.security, deploy=True)
def check_preparation_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.MADOGUCHI_PREPARATION_MODE not in ("carry", "reference"):
        errors.append(
            Error(
                f"MADOGUCHI_PREPARATION_MODE is {settings.MADOGUCHI_PREPARATION_MODE!r}.",
                hint="Set it to carry (the preparation inside the code) or reference (a short code).",
                id=BAD_MODE,
            )
        )
    try:
        validate_municipality(str(settings.MADOGUCHI_CITY_CODE))
        valid_code = len(str(settings.MADOGUCHI_CITY_CODE)) == 6
    except InvalidInput:
        valid_code = False
    if not valid_code:
        errors.append(
            Error(
                f"MADOGUCHI_CITY_CODE {settings.MADOGUCHI_CITY_CODE!r} is not a 全国地方公共団体コード.",
                hint="Set the city's 6-digit code with its check digit (e.g. 121002 for 千葉市).",
                id=BAD_CITY_CODE,
            )
        )
    return errors
