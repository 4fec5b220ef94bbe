"""Signing out closes the clerk's counter, so the office status never shows an empty counter as open."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from madoguchi.staff.models import Staff


@receiver(user_logged_out)
def close_counter_on_logout(sender: Any, user: Any = None, **kwargs: Any) -> None:
    if isinstance(user, Staff):
        from madoguchi.reception.actions import do_close_counter

        do_close_counter(user)
