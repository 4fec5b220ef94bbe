"""Sign-in, sign-out, failed sign-ins and lockouts go to the audit log, within bounds.

A failed sign-in is recorded for an account that exists, until it is locked; one entry records the lockout
(of an account, or of a source address). Guesses of made-up login IDs and the attempts refused while
locked write nothing to the append-only log: django-axes counts them in its own table (staff/throttling.py),
so an anonymous client cannot grow the audit log without bound.
"""

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from madoguchi.staff.actions import (
    do_record_lockout,
    do_record_login,
    do_record_login_failed,
    do_record_logout,
)
from madoguchi.staff.models import Staff


@receiver(user_logged_in, dispatch_uid="madoguchi.staff.login")
def on_login(sender: Any, user: Staff, **kwargs: Any) -> None:
    do_record_login(user)


@receiver(user_logged_out, dispatch_uid="madoguchi.staff.logout")
def on_logout(sender: Any, user: Staff | None, **kwargs: Any) -> None:
    if user is not None:
        do_record_logout(user)


@receiver(user_login_failed, dispatch_uid="madoguchi.staff.login_failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    if getattr(request, "axes_locked_out", False):
        return  # refused while locked, or the failure that locked it (one lockout entry says so)
    username = str(credentials.get("username", ""))
    if Staff.objects.filter(username=username).exists():
        do_record_login_failed(username)


@receiver(user_locked_out, dispatch_uid="madoguchi.staff.locked_out")
def on_locked_out(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # axes signals every attempt during a lockout too (each one restarts the wait); only the failure that
    # reached the limit is the lockout
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    known = bool(username) and Staff.objects.filter(username=username).exists()
    do_record_lockout(username or "" if known else "", ip_address or "")
