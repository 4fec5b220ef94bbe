"""Notifying a resident: `notify(...)` writes the outbox row and queues its delivery in one transaction.

Writes no audit entry of its own: the action that decides to notify (calling a ticket, completing an
application) audits that decision. Delivery is at least once: after a crash between sending and
recording, a message may go out twice (the SMS webhook passes an idempotency key for that case).
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.phone import JAPAN, normalize
from madoguchi.notifications.backends import backend_for
from madoguchi.notifications.models import Notification
from madoguchi.tasks.queue import enqueue

Channel = Notification.Channel
Status = Notification.Status
DELIVER_TASK = "notifications.deliver"
ERROR_LENGTH = 1000


class InvalidRecipient(InvalidInput):
    """The address or number cannot receive the message; `field` names the argument (`to`)."""

    field = "to"

    def __init__(self, reason: str) -> None:
        super().__init__(_("宛先: %(reason)s") % {"reason": reason})
        self.reason = reason  # for a form that shows the message at its own field


def clean_recipient(channel: str, to: str) -> str:
    """The recipient as stored: an e-mail address as given (trimmed), a phone number as 「090-1234-5678」."""
    to = to.strip()
    if channel == Channel.EMAIL:
        try:
            EmailValidator()(to)
        except ValidationError:
            raise InvalidRecipient(_("メールアドレスが正しくありません。")) from None
        return to
    if channel == Channel.SMS:
        try:
            number = normalize(to)
        except InvalidInput as error:
            raise InvalidRecipient(error.message) from None
        if phonenumbers.number_type(phonenumbers.parse(number, JAPAN)) != phonenumbers.PhoneNumberType.MOBILE:
            raise InvalidRecipient(_("SMSは携帯電話の番号（070・080・090）にだけ送れます。"))
        return number
    raise ValueError(f"unknown notification channel {channel!r} (one of {', '.join(Channel.values)})")


def notify(
    *, channel: str, to: str, subject: str = "", body: str, topic: str, ref: str
) -> Notification | None:
    """Queue one message to a resident; None if this (topic, ref, channel) was already notified.

    Call it inside the caller's transaction: the message is queued only if that transaction commits.
    Raises InvalidRecipient (a Japanese message for the clerk) for an address that cannot be used.
    """
    recipient = clean_recipient(channel, to)
    if not body.strip():
        raise ValueError("a notification needs a body")
    if not topic or not ref:
        raise ValueError("a notification needs a topic and a ref (they identify it for de-duplication)")
    with transaction.atomic():
        if Notification.objects.filter(topic=topic, ref=ref, channel=channel).exists():
            return None
        try:
            with transaction.atomic():  # another process may notify the same ref at the same moment
                notification = Notification.objects.create(
                    channel=channel,
                    recipient=recipient,
                    subject=subject,
                    body=body,
                    topic=topic,
                    ref=ref,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            return None
        enqueue(DELIVER_TASK, notification_id=str(notification.pk))
    return notification


def deliver(notification_id: str, *, last_attempt: bool) -> dict[str, str]:
    """Send one pending notification through its channel's backend (the body of the delivery task).

    A backend error is recorded on the row and raised again so that the task retries; on the last attempt
    the notification is marked failed.
    """
    notification = Notification.objects.get(pk=notification_id)
    if notification.status != Status.PENDING:
        return {"notification": notification_id, "status": notification.status}
    row = Notification.objects.filter(pk=notification.pk, status=Status.PENDING)
    attempts = notification.attempts + 1
    try:
        backend_for(notification.channel).send(notification)
    except Exception as error:
        row.update(
            attempts=attempts,
            status=Status.FAILED if last_attempt else Status.PENDING,
            error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH],
        )
        raise
    row.update(attempts=attempts, status=Status.SENT, sent_at=timezone.now(), error="")
    return {"notification": notification_id, "status": Status.SENT.value}
