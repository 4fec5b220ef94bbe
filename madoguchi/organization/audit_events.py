"""The organization's audit events: offices, departments, queues and counters (action and admin)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, field_choices, field_labels, register, register_category
from madoguchi.organization.models import Counter, Department, Office, Queue

register_category("organization", _("組織"))

for model, created, updated in (
    (Office, _("庁舎の登録"), _("庁舎の変更")),
    (Department, _("課の登録"), _("課の変更")),
    (Queue, _("受付区分の登録"), _("受付区分の変更")),
    (Counter, _("窓口の登録"), _("窓口の変更")),
):
    # The codes `upsert_record` and the admin write: "<app>.<model>.create" and ".update".
    name = f"organization.{model._meta.model_name}"
    fields, choices = field_labels(model), field_choices(model)
    register(
        EventType(f"{name}.create", created, "organization", fields=fields, choices=choices),
        EventType(f"{name}.update", updated, "organization", fields=fields, choices=choices),
    )
