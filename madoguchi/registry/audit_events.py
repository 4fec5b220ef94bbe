"""The registry's audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, register, register_category

register_category("registry", _("住民記録等（基幹系）"))

register(
    EventType(
        "registry.generate",
        _("模擬住民データの作成"),
        "registry",
        fields={"residents": _("人数")},
    ),
)
