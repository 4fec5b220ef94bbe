"""The catalog's audit events (the YAML load, the admin and the screening tool change procedures)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, field_choices, field_labels, register, register_category
from madoguchi.catalog.models import Procedure

register_category("catalog", _("手続カタログ"))

_fields, _choices = field_labels(Procedure), field_choices(Procedure)

register(
    EventType("catalog.procedure.create", _("手続の登録"), "catalog", fields=_fields, choices=_choices),
    EventType("catalog.procedure.update", _("手続の変更"), "catalog", fields=_fields, choices=_choices),
    EventType("catalog.procedure.deactivate", _("手続の無効化"), "catalog", fields=_fields, choices=_choices),
)
