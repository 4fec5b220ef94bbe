"""The simulation page's audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, field_choices, register, register_category
from madoguchi.simulation.models import SimulationRun

register_category("simulation", _("効果試算"))

_fields = {
    "kind": _("試算の種類"),
    "seed": _("乱数の種"),
    "replications": _("反復回数"),
    "visits": _("年間の来庁件数"),
    "households": _("世帯の数"),
    "error": _("理由"),
}

register(
    EventType(
        "simulation.start",
        _("効果試算の開始"),
        "simulation",
        fields=_fields,
        choices=field_choices(SimulationRun),
    ),
    EventType(
        "simulation.interrupt",
        _("効果試算の中断"),
        "simulation",
        fields=_fields,
        choices=field_choices(SimulationRun),
    ),
)
