"""Remote consultation's audit events: who asked, answered, joined, captured what, and how it ended."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, register, register_category

register_category("remote", _("リモート相談"))

register(
    EventType(
        "remote.request",
        _("リモート相談の依頼"),
        "remote",
        fields={"case": _("受付番号"), "skill": _("相談分野"), "routing": _("呼出し方"), "office": _("庁舎")},
    ),
    EventType(
        "remote.accept",
        _("リモート相談への応答"),
        "remote",
        fields={"case": _("受付番号"), "wait_seconds": _("待ち時間（秒）")},
    ),
    EventType("remote.join", _("リモート相談への参加"), "remote", fields={"role": _("立場")}),
    EventType("remote.invite", _("リモート相談の参加コード発行"), "remote", fields={"role": _("立場")}),
    EventType("remote.consent", _("書類の取込みへの同意"), "remote", fields={"consent": _("同意")}),
    EventType(
        "remote.capture", _("書類の取込み"), "remote", fields={"case": _("受付番号"), "label": _("書類")}
    ),
    EventType("remote.callback", _("折り返しの予約"), "remote", fields={"callback_at": _("折り返しの予定")}),
    EventType("remote.cancel", _("リモート相談の取消し"), "remote"),
    EventType(
        "remote.end",
        _("リモート相談の終了"),
        "remote",
        fields={
            "case": _("受付番号"),
            "outcome": _("結果"),
            "expert": _("専門職員"),
            "minutes": _("相談時間（分）"),
        },
    ),
    EventType("remote.profile", _("専門職員の相談分野・勤務時間"), "remote"),
)
