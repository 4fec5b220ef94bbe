"""A misnamed or half-configured notification backend stops every command at start-up, not a message later."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from madoguchi.notifications.backends import backend_for
from madoguchi.notifications.models import Notification


@checks.register()
def check_notification_backends(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for channel in Notification.Channel.values:
        try:
            backend_for(channel)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), id="notifications.E001"))
    return errors
