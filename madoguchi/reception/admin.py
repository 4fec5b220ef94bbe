"""Kiosk tokens in the admin: managers see every kiosk of the city and revoke a lost or retired one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from madoguchi.reception.actions import do_revoke_kiosk_token, do_set_kiosk_priority
from madoguchi.reception.models import KioskToken
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability
from madoguchi.staff.roles import MANAGE_ORGANIZATION


@admin.register(KioskToken)
class KioskTokenAdmin(admin.ModelAdmin):
    """A token is made by `madoguchi kiosk-token --office CODE` (shown once); here it is only listed and
    revoked, through the same audited action as `madoguchi kiosk-token --revoke ID`."""

    list_display = ["id", "office", "label", "created_at", "last_used_at", "revoked_at", "may_issue_priority"]
    list_filter = ["office", "revoked_at"]
    search_fields = ["label", "office__code"]
    readonly_fields = ["office", "label", "created_at", "last_used_at", "revoked_at", "may_issue_priority"]
    exclude = ["token_hash"]
    actions = ["revoke", "allow_priority", "deny_priority"]

    def _allowed(self, request: HttpRequest) -> bool:
        return isinstance(request.user, Staff) and has_capability(request.user, MANAGE_ORGANIZATION)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("選んだ発券機トークンを取り消す"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[KioskToken]) -> None:
        if not self._allowed(request) or not isinstance(request.user, Staff):
            raise PermissionDenied
        kiosks = list(queryset.select_related("office"))
        for kiosk in kiosks:
            do_revoke_kiosk_token(request.user, kiosk)
        self.message_user(request, _("%(n)s 件の発券機トークンを取り消しました。") % {"n": len(kiosks)})

    def _set_priority(self, request: HttpRequest, queryset: QuerySet[KioskToken], allowed: bool) -> int:
        if not self._allowed(request) or not isinstance(request.user, Staff):
            raise PermissionDenied
        kiosks = list(queryset)
        for kiosk in kiosks:
            do_set_kiosk_priority(request.user, kiosk, allowed=allowed)
        return len(kiosks)

    @admin.action(description=_("選んだ発券機に優先券の発行を許可する"))
    def allow_priority(self, request: HttpRequest, queryset: QuerySet[KioskToken]) -> None:
        n = self._set_priority(request, queryset, True)
        self.message_user(request, _("%(n)s 台の発券機で優先券を発行できるようにしました。") % {"n": n})

    @admin.action(description=_("選んだ発券機の優先券の発行をやめる"))
    def deny_priority(self, request: HttpRequest, queryset: QuerySet[KioskToken]) -> None:
        n = self._set_priority(request, queryset, False)
        self.message_user(request, _("%(n)s 台の発券機で優先券を発行できないようにしました。") % {"n": n})
