"""E-mail or SMS to residents who asked on the wait page: "your turn is near" and "you are being called".

Queued in the transaction of the call itself (the outbox is a table): a notice is written if and only if
the call is, and a crash between the two cannot lose it.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django.utils.translation import override

from madoguchi.notifications.service import InvalidRecipient, notify
from madoguchi.reception.models import Ticket
from madoguchi.reception.waiting import NEAR_AHEAD

TOPIC_NEAR = "reception.turn_near"
TOPIC_CALLED = "reception.called"

logger = logging.getLogger("madoguchi.reception")


def _send(ticket: Ticket, topic: str, subject: str, body: str) -> None:
    for channel, to in (("email", ticket.notify_email), ("sms", ticket.notify_phone)):
        if not to:
            continue
        try:
            notify(channel=channel, to=to, subject=subject, body=body, topic=topic, ref=str(ticket.pk))
        except InvalidRecipient:
            # Checked when the resident gave it; a contact that no longer passes must not stop the call.
            logger.warning("turn notice not queued: unusable contact", extra={"ticket": str(ticket.pk)})


def queue_turn_notices(called: Ticket) -> None:
    """Inside the call's transaction: tell the called resident, and the next few that their turn is near."""
    with override("ja"):  # residents' messages are Japanese (the page itself offers English)
        if called.notify_email or called.notify_phone:
            counter = called.counter.name_ja if called.counter else ""
            _send(
                called,
                TOPIC_CALLED,
                _("%(ticket)s 番の方をお呼びしています") % {"ticket": called.display},
                _("%(ticket)s 番の方、%(counter)s へお越しください。")
                % {"ticket": called.display, "counter": counter},
            )
        # The next few in call order (priority first, then by number): the index is the people ahead.
        next_up = (
            Ticket.objects.filter(
                queue_id=called.queue_id, business_day=called.business_day, status=Ticket.Status.WAITING
            )
            .select_related("queue")
            .order_by(*Ticket.CALL_ORDER)[: NEAR_AHEAD + 1]
        )
        for ahead, ticket in enumerate(next_up):
            if ticket.notify_email or ticket.notify_phone:
                _send(
                    ticket,
                    TOPIC_NEAR,
                    _("%(ticket)s 番：まもなく順番です") % {"ticket": ticket.display},
                    _("%(ticket)s 番の方、あと %(ahead)s 人でお呼びします。窓口の近くでお待ちください。")
                    % {"ticket": ticket.display, "ahead": ahead},
                )
