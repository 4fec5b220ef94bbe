"""Authentication backend that keeps administrative decisions away from contractor clerks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from madoguchi.staff.roles import CONTRACTOR_ROLES, DECISION_CODENAMES


class StaffBackend(ModelBackend):
    """Django's model backend, except that a contractor never holds a decision permission.

    This holds even if a group, a direct grant or the superuser flag says otherwise: a misconfigured
    group must not let a contractor approve anything.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if getattr(user_obj, "role", None) in CONTRACTOR_ROLES:
            app_label, _, codename = perm.partition(".")
            if app_label == "staff" and codename in DECISION_CODENAMES:
                return False
            if user_obj.is_superuser:
                # Superuser status would grant everything; a contractor only gets what the groups grant.
                return perm in self.get_all_permissions(user_obj, obj)
        return super().has_perm(user_obj, perm, obj)
