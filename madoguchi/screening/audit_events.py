"""The screening tool's audit events (its catalog changes are the catalog's events)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, register, register_category

register_category("screening", _("業務選定"))

register(
    EventType(
        "screening.inventory.upload",
        _("業務棚卸表の取込み"),
        "screening",
        fields={
            "source": _("ファイル"),
            "rows_read": _("読み込んだ行数"),
            "kept": _("取り込んだ業務数"),
            "rejected_rows": _("取り込めなかった行数"),
        },
    ),
)
