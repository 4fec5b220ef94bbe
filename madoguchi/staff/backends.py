"""Authentication backend that keeps administrative decisions away from contractor clerks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from madoguchi.staff.roles import CONTRACTOR_ROLES, DECISION_CODENAMES


class StaffBackend(ModelBackend):
    """Django's model backend, except that a contractor never holds a decision permission.

    This holds even if a group, a direct grant or the superuser flag says otherwise: a misconfigured
    group must not let a contractor approve anything.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """The staff member's own and their groups' permissions, read in one statement (Django's model
        backend reads them in two) and kept on the object for the rest of the request, as Django does."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                own = Permission.objects.filter(user=user_obj).order_by()
                of_groups = Permission.objects.filter(group__user=user_obj).order_by()
                rows = own.values_list("content_type__app_label", "codename").union(
                    of_groups.values_list("content_type__app_label", "codename")
                )
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if getattr(user_obj, "role", None) in CONTRACTOR_ROLES:
            app_label, _, codename = perm.partition(".")
            if app_label == "staff" and codename in DECISION_CODENAMES:
                return False
            if user_obj.is_superuser:
                # Superuser status would grant everything; a contractor only gets what the groups grant.
                return perm in self.get_all_permissions(user_obj, obj)
        return super().has_perm(user_obj, perm, obj)
