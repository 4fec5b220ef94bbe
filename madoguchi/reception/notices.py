"""E-mail or SMS to residents who asked on the wait page: "your turn is near" and "you are being called"."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import override

from madoguchi.notifications.service import notify
from madoguchi.reception.models import Ticket
from madoguchi.reception.waiting import NEAR_AHEAD

TOPIC_NEAR = "reception.turn_near"
TOPIC_CALLED = "reception.called"


def _send(ticket: Ticket, topic: str, subject: str, body: str) -> None:
    if ticket.notify_email:
        notify(
            channel="email",
            to=ticket.notify_email,
            subject=subject,
            body=body,
            topic=topic,
            ref=str(ticket.pk),
        )
    if ticket.notify_phone:
        notify(
            channel="sms", to=ticket.notify_phone, subject=subject, body=body, topic=topic, ref=str(ticket.pk)
        )


def send_turn_notices(called: Ticket) -> None:
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
