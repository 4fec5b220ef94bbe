"""E-mail or SMS to residents who asked on the wait page: "your turn is near" and "you are being called".

Queued in the transaction of the call itself (the outbox is a table): a notice is written if and only if
the call is, and a crash between the two cannot lose it.
"""

from __future__ import annotations

import logging
from uuid import UUID

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from madoguchi.notifications.service import InvalidRecipient, notify
from madoguchi.reception.models import Ticket
from madoguchi.reception.waiting import NEAR_AHEAD

TOPIC_NEAR = "reception.turn_near"
TOPIC_CALLED = "reception.called"

logger = logging.getLogger("madoguchi.reception")


def _send(ticket_id: UUID, email: str, phone: str, topic: str, subject: str, body: str) -> None:
    for channel, to in (("email", email), ("sms", phone)):
        if not to:
            continue
        try:
            notify(channel=channel, to=to, subject=subject, body=body, topic=topic, ref=str(ticket_id))
        except InvalidRecipient:
            # Checked when the resident gave it; a contact that no longer passes must not stop the call.
            logger.warning("turn notice not queued: unusable contact", extra={"ticket": str(ticket_id)})


def queue_turn_notices(called: Ticket) -> None:
    """Inside the call's transaction: tell the called resident, and the next few that their turn is near,
    each in the language of the wait page where they asked (Japanese when it is not known)."""
    if called.notify_email or called.notify_phone:
        with override(called.notify_language or settings.LANGUAGE_CODE):
            counter = called.counter.name if called.counter else ""
            _send(
                called.pk,
                called.notify_email,
                called.notify_phone,
                TOPIC_CALLED,
                _("%(ticket)s 番の方をお呼びしています") % {"ticket": called.display},
                _("%(ticket)s 番の方、%(counter)s へお越しください。")
                % {"ticket": called.display, "counter": counter},
            )
    # The next few in call order (priority first, then by number): the index is the people ahead.
    # Only the columns a notice needs, on every call: they are of the called ticket's own queue.
    next_up = (
        Ticket.objects.filter(
            queue_id=called.queue_id, business_day=called.business_day, status=Ticket.Status.WAITING
        )
        .order_by(*Ticket.CALL_ORDER)
        .values_list("pk", "number", "notify_email", "notify_phone", "notify_language")[: NEAR_AHEAD + 1]
    )
    for ahead, (pk, number, email, phone, language) in enumerate(next_up):
        if email or phone:
            display = Ticket.display_of(called.queue.ticket_prefix, number)
            with override(language or settings.LANGUAGE_CODE):
                _send(
                    pk,
                    email,
                    phone,
                    TOPIC_NEAR,
                    _("%(ticket)s 番：まもなく順番です") % {"ticket": display},
                    _("%(ticket)s 番の方、あと %(ahead)s 人でお呼びします。窓口の近くでお待ちください。")
                    % {"ticket": display, "ahead": ahead},
                )
