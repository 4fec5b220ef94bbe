"""`{% consultation_panel case user %}`: the case page's remote consultation section (madoguchi/remote), drawn
by this app so that the cases app need not import it."""

from __future__ import annotations

from typing import Any

from django import template

from madoguchi.remote import actions
from madoguchi.remote.models import Consultation
from madoguchi.remote.skills import Skill
from madoguchi.staff.permissions import has_capability
from madoguchi.staff.roles import CONSULT_REMOTE

register = template.Library()


@register.inclusion_tag("remote/_case_panel.html")
def consultation_panel(case: Any, user: Any) -> dict[str, Any]:
    consultations = list(
        Consultation.objects.filter(case=case)
        .select_related("expert", "requested_by")
        .prefetch_related("participants", "captures")
        .order_by("requested_at")
    )
    may_ask = has_capability(user, CONSULT_REMOTE) and getattr(user, "office_id", None) == case.office_id
    return {
        "case": case,
        "consultations": consultations,
        "open": next((c for c in consultations if c.is_open), None),
        "may_ask": may_ask and case.editable,
        "skills": Skill.choices,
        "routings": Consultation.Routing.choices,
        "captures_enabled": actions.captures_enabled(),
    }
