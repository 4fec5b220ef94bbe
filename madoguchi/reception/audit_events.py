"""Reception's audit events: tickets, kiosks and counters."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.audit.events import EventType, register, register_category, status_events
from madoguchi.reception.models import Ticket

register_category("reception", pgettext_lazy("audit category", "受付"))

register(
    EventType(
        "reception.ticket.issue",
        _("整理券の発券"),
        "reception",
        fields={"number": _("整理券番号")},
    ),
    # `_change` records each status a ticket enters as "reception.ticket.<status>".
    *status_events("reception.ticket", "reception", Ticket.Status.choices, _("整理券：%(state)s")),
    EventType(
        "reception.ticket.transfer",
        _("整理券の引継ぎ"),
        "reception",
        fields={"from": _("引継ぎ元の整理券"), "queue": _("引継ぎ先の受付区分")},
    ),
    EventType(
        "reception.ticket.recall",
        pgettext_lazy("audit event", "再呼出し"),
        "reception",
        fields={"recalls": _("再呼出しの回数")},
    ),
    EventType("reception.ticket.case", _("整理券から受付案件を開始"), "reception"),
    EventType(
        "reception.ticket.notify",
        _("順番が近づいたときの通知の設定"),
        "reception",
        fields={"email": _("メール"), "sms": _("SMS")},
    ),
    EventType("reception.kiosk.create", _("発券機の登録"), "reception"),
    EventType(
        "reception.kiosk.revoke",
        _("発券機トークンの取消し"),
        "reception",
        fields={"sessions": _("終了した発券機の画面")},
    ),
    EventType("reception.kiosk.session", _("発券機の画面の開始"), "reception"),
    EventType(
        "reception.kiosk.priority",
        _("発券機の優先券の設定"),
        "reception",
        fields={"may_issue_priority": _("優先券の発行")},
    ),
    EventType("reception.counter.open", _("窓口の開始"), "reception"),
    EventType("reception.counter.close", _("窓口の終了"), "reception"),
)
