"""Sign-in, sign-out and failed sign-in attempts go to the audit log."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from madoguchi.staff.actions import do_record_login, do_record_login_failed, do_record_logout
from madoguchi.staff.models import Staff


@receiver(user_logged_in, dispatch_uid="madoguchi.staff.login")
def on_login(sender: Any, user: Staff, **kwargs: Any) -> None:
    do_record_login(user)


@receiver(user_logged_out, dispatch_uid="madoguchi.staff.logout")
def on_logout(sender: Any, user: Staff | None, **kwargs: Any) -> None:
    if user is not None:
        do_record_logout(user)


@receiver(user_login_failed, dispatch_uid="madoguchi.staff.login_failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    do_record_login_failed(str(credentials.get("username", "")))
