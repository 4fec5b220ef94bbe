"""The preparation's audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, register, register_category

register_category("preparation", _("事前入力"))

register(
    EventType(
        "preparation.finish",
        _("事前入力の完了（QRコードの作成）"),
        "preparation",
        fields={"mode": _("受け渡し方式"), "members": _("人数"), "event": _("ライフイベント")},
    ),
    EventType(
        "preparation.import",
        _("マイナポータルの事前入力の取込み"),
        "preparation",
        fields={"preparations": _("件数")},
    ),
    EventType(
        "preparation.open",
        _("事前入力から受付案件を作成"),
        "preparation",
        fields={
            "case": _("受付番号"),
            "door": _("入力元"),
            "mode": _("受け渡し方式"),
            "people": _("人数"),
            "fields_to_correct": _("直す項目の数"),
        },
    ),
)
