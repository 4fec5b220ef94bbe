"""Django's `createsuperuser`, without its ways around the password policy (AUTH_PASSWORD_VALIDATORS).

Django checks a typed password but then offers to "bypass password validation"; with --noinput it does not
check DJANGO_SUPERUSER_PASSWORD at all. Here a password against the policy is refused either way (exit 2).
"""

from __future__ import annotations

import builtins
import os
from typing import Any

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from madoguchi.staff.models import Staff

BYPASS_QUESTION = "Bypass password validation"


def _refuse_bypass(prompt: object = "") -> str:
    if str(prompt).startswith(BYPASS_QUESTION):
        return "n"  # ask for another password
    return builtins.input(prompt)


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        if not options["interactive"] and "DJANGO_SUPERUSER_PASSWORD" in os.environ:
            username = options[Staff.USERNAME_FIELD] or os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
            email = options.get("email") or os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
            try:
                validate_password(
                    os.environ["DJANGO_SUPERUSER_PASSWORD"], Staff(username=username, email=email)
                )
            except ValidationError as error:
                raise CommandError(
                    "DJANGO_SUPERUSER_PASSWORD: " + " ".join(error.messages), returncode=2
                ) from error
        createsuperuser.input = _refuse_bypass  # type: ignore[attr-defined]  # Django's prompt looks it up here
        try:
            super().handle(*args, **options)
        finally:
            del createsuperuser.input  # type: ignore[attr-defined]
