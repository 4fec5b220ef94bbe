"""The certificates' audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, register, register_category

register_category("certificates", _("証明書交付"))

register(
    EventType(
        "certificates.request",
        _("証明書の交付請求"),
        "certificates",
        fields={"kind": _("証明書"), "channel": _("請求の方法"), "pickup": _("受取り"), "office": _("庁舎")},
    ),
    EventType(
        "certificates.issue",
        _("証明書の発行"),
        "certificates",
        fields={"serial": _("証明書番号"), "issuer": _("発行したプロセス")},
    ),
    EventType("certificates.printed", _("証明書の交付"), "certificates", fields={"fee": _("手数料（円）")}),
    EventType("certificates.cancel", _("証明書交付請求の取消し"), "certificates"),
    EventType(
        "certificates.claim",
        _("スマートフォン申請の窓口での受取り"),
        "certificates",
        fields={"kind": _("証明書")},
    ),
    EventType(
        "certificates.point",
        _("発行端末の登録"),
        "certificates",
        fields={"code": _("端末コード"), "kind": _("種別"), "office": _("庁舎")},
    ),
    EventType(
        "certificates.anomaly",
        _("証明書発行の異常"),
        "certificates",
        fields={"kind": _("種類"), "office": _("庁舎")},
    ),
    EventType(
        "certificates.suspend", _("証明書の自動交付の停止"), "certificates", fields={"office": _("庁舎")}
    ),
    EventType(
        "certificates.resume",
        _("証明書の自動交付の再開（確認）"),
        "certificates",
        fields={"office": _("庁舎")},
    ),
)
