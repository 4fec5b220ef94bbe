"""The one-stop case's audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.audit.events import EventType, register, register_category, status_events
from madoguchi.cases.models import Case
from madoguchi.rules.facts import EVENTS

register_category("cases", _("受付案件"))

register(
    EventType(
        "case.create",
        _("受付案件の作成"),
        "cases",
        fields={"event": _("ライフイベント")},
        choices={"event": dict(EVENTS)},
    ),
    # Every transition is recorded as "case.<target state>".
    *status_events("case", "cases", Case.State.choices, _("受付案件：%(state)s"), key="state"),
    EventType(
        "case.details.save",
        _("聞き取り内容の保存"),
        "cases",
        fields={
            "people": pgettext_lazy("audit field", "人数"),
            "removed": _("削除した人数"),
            "documents": _("確認した書類の数"),
        },
    ),
    EventType("case.my_number.store", _("個人番号の保存"), "cases"),
    EventType("case.my_number.reveal", pgettext_lazy("audit event", "個人番号の表示"), "cases"),
    EventType("case.my_number.rotate", _("個人番号の暗号鍵の更新"), "cases", fields={"rotated": _("件数")}),
    EventType(
        "case.print",
        _("申請書の印刷"),
        "cases",
        fields={"pages": _("ページ数"), "full_numbers": _("個人番号の記載"), "signed": _("署名済み")},
    ),
    EventType(
        "case.my_number.print",
        _("個人番号を記載した申請書の印刷"),
        "cases",
        fields={"pages": _("ページ数"), "count": _("記載した人数"), "people": _("記載した人")},
    ),
    EventType("case.receipt", _("受付の控えの印刷"), "cases", fields={"version": _("版")}),
)
