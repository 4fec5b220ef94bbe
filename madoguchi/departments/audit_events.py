"""The department counter's audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, register, register_category
from madoguchi.departments.models import Decision

register_category("departments", _("所管課"))

register(
    EventType(
        "department.decide",
        _("所管課の決定（受理・不受理）"),
        "departments",
        fields={"procedure": _("手続"), "outcome": _("決定"), "version": _("版")},
        choices={"outcome": dict(Decision.Outcome.choices)},
    ),
    EventType("department.case.view", _("引き継がれた受付案件の閲覧"), "departments"),
)
