"""How a notification leaves the system: one backend class per channel (MADOGUCHI_NOTIFICATION_BACKENDS).

`MADOGUCHI_EMAIL_BACKEND_CLASS` and `MADOGUCHI_SMS_BACKEND_CLASS` name the classes (dotted paths). A
backend raises when a message did not go out; the delivery task then retries it with back-off.
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request

import phonenumbers
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from madoguchi.identity.phone import JAPAN
from madoguchi.notifications.models import Notification

logger = logging.getLogger("madoguchi.notifications")

# The environment variable that sets each channel's backend, named in configuration errors.
BACKEND_VARIABLES: dict[str, str] = {
    Notification.Channel.EMAIL: "MADOGUCHI_EMAIL_BACKEND_CLASS",
    Notification.Channel.SMS: "MADOGUCHI_SMS_BACKEND_CLASS",
}


class NotificationBackend:
    """Sends one notification, or raises."""

    def send(self, notification: Notification) -> None:
        raise NotImplementedError


class ConsoleBackend(NotificationBackend):
    """Development: prints the message on standard output and logs that it did; nothing is sent."""

    def send(self, notification: Notification) -> None:
        rule = "-" * 72
        channel = notification.get_channel_display()
        sys.stdout.write(
            "\n".join(
                [
                    rule,
                    f"madoguchi notification ({channel}, console backend: not sent)",
                    f"To:      {notification.recipient}",
                    f"Subject: {notification.subject}",
                    f"Topic:   {notification.topic} {notification.ref}",
                    "",
                    notification.body,
                    rule,
                    "",
                ]
            )
        )
        sys.stdout.flush()
        # The log line carries no recipient and no text: logs leave the system, personal data must not.
        logger.info(
            "notification written to the console",
            extra={
                "notification_id": str(notification.pk),
                "channel": notification.channel,
                "topic": notification.topic,
                "ref": notification.ref,
            },
        )


class EmailBackend(NotificationBackend):
    """E-mail through Django's mail settings (MADOGUCHI_EMAIL_HOST, ...), from DEFAULT_FROM_EMAIL."""

    def send(self, notification: Notification) -> None:
        if notification.channel != Notification.Channel.EMAIL:
            raise ImproperlyConfigured(f"EmailBackend cannot send a {notification.channel} notification")
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient],
            fail_silently=False,
        )


class SmsGatewayError(Exception):
    """The SMS gateway did not accept the message."""


class WebhookSmsBackend(NotificationBackend):
    """SMS through the city's gateway: POST {"to": "+8190...", "body": "..."} to MADOGUCHI_SMS_WEBHOOK_URL.

    `to` is in E.164 form; the header `Idempotency-Key` carries the notification's id, the same on every
    retry, so a gateway that saw a message before can drop the repeat. Any answer other than 2xx, or no
    answer within MADOGUCHI_SMS_WEBHOOK_TIMEOUT seconds, raises, and the task retries.
    """

    def __init__(self) -> None:
        self.url: str = settings.MADOGUCHI_SMS_WEBHOOK_URL
        self.timeout: float = settings.MADOGUCHI_SMS_WEBHOOK_TIMEOUT
        if urllib.parse.urlsplit(self.url).scheme not in {"http", "https"}:
            raise ImproperlyConfigured(
                f"WebhookSmsBackend needs MADOGUCHI_SMS_WEBHOOK_URL, an http(s) URL (now {self.url!r})"
            )

    def send(self, notification: Notification) -> None:
        if notification.channel != Notification.Channel.SMS:
            raise ImproperlyConfigured(f"WebhookSmsBackend cannot send a {notification.channel} notification")
        number = phonenumbers.parse(notification.recipient, JAPAN)
        payload = {
            "to": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            "body": notification.body,
        }
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked to be http or https)
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": str(notification.pk),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            raise SmsGatewayError(f"the SMS gateway answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsGatewayError(f"the SMS gateway did not answer: {reason}") from None
        if not 200 <= status < 300:
            raise SmsGatewayError(f"the SMS gateway answered HTTP {status}")


def backend_class(channel: str) -> type[NotificationBackend]:
    """The configured class for `channel`, or ImproperlyConfigured saying which variable is wrong."""
    variable = BACKEND_VARIABLES.get(channel, "MADOGUCHI_NOTIFICATION_BACKENDS")
    path = settings.MADOGUCHI_NOTIFICATION_BACKENDS.get(channel, "")
    if not path:
        raise ImproperlyConfigured(f"no notification backend for channel {channel!r}: set {variable}")
    try:
        found = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"{variable}={path!r}: no such notification backend ({error})") from None
    if not (isinstance(found, type) and issubclass(found, NotificationBackend)):
        raise ImproperlyConfigured(f"{variable}={path!r} is not a NotificationBackend subclass")
    return found


def backend_for(channel: str) -> NotificationBackend:
    return backend_class(channel)()
