"""Admin pages gated by a capability of the role matrix, with audited saves."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from madoguchi.audit.admin import AuditedModelAdmin
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability
from madoguchi.staff.roles import Capability


class CapabilityModelAdmin(AuditedModelAdmin):
    """Only staff holding `capability` see, add or change these records; nobody deletes them here."""

    capability: Capability

    def _allowed(self, request: HttpRequest) -> bool:
        return isinstance(request.user, Staff) and has_capability(request.user, self.capability)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)
