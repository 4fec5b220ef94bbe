"""The submissions' audit events (registered at start-up by `AuditConfig.ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, register, register_category

register_category("submissions", _("申請（送付）"))

register(
    EventType(
        "submission.create",
        _("申請の送付（署名済みの記録）"),
        "submissions",
        fields={
            "reference": _("受付番号"),
            "version": _("版"),
            "sha256": _("PDF の SHA-256"),
            "catalog_version": _("手続カタログの版"),
            "received_on": _("受付日"),
            "signed_forms": _("署名された帳票"),
        },
    ),
    EventType(
        "submission.print",
        _("署名済みの帳票の表示"),
        "submissions",
        fields={"version": _("版"), "sha256": _("PDF の SHA-256"), "item": _("処理案件")},
    ),
)
