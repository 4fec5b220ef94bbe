"""Admin pages gated by a capability of the role matrix, with audited saves."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from madoguchi.audit.admin import AuditedModelAdmin
from madoguchi.staff.actions import do_revoke_api_token
from madoguchi.staff.models import ApiToken, Staff
from madoguchi.staff.permissions import has_capability
from madoguchi.staff.roles import MANAGE_STAFF, Capability


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see every API token and revoke them (issued with `madoguchi staff-token`)."""

    list_display = ["staff", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["staff__username", "name"]
    readonly_fields = ["staff", "name", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def _allowed(self, request: HttpRequest) -> bool:
        return isinstance(request.user, Staff) and has_capability(request.user, MANAGE_STAFF)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a token is shown once: it is made by `madoguchi staff-token`

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("選んだトークンを失効させる"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        if not self._allowed(request) or not isinstance(request.user, Staff):
            raise PermissionDenied
        for token in queryset:
            do_revoke_api_token(request.user, token)
        self.message_user(request, _("%(n)s 件のトークンを失効させました。") % {"n": queryset.count()})
