"""The header navigation: each staff member sees the screens their role may open."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability
from madoguchi.staff.roles import (
    APPROVE_WORK_ITEM,
    CONSULT_REMOTE,
    EDIT_CATALOG,
    HANDLE_CASE,
    HANDLE_DEPARTMENT_PROCEDURE,
    ISSUE_TICKET,
    MANAGE_ORGANIZATION,
    MANAGE_STAFF,
    PLAN_OPERATIONS,
    PROCESS_WORK_ITEM,
    SERVE_COUNTER,
    VIEW_AUDIT_LOG,
    VIEW_DASHBOARDS,
    Capability,
)


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    capabilities: tuple[Capability, ...] = ()

    def visible_to(self, staff: Staff) -> bool:
        return not self.capabilities or any(has_capability(staff, c) for c in self.capabilities)


NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("ホーム"), "staff:home"),
    NavItem(_("整理券"), "reception:concierge", (ISSUE_TICKET,)),
    NavItem(_("予約"), "reservations:list", (ISSUE_TICKET,)),
    NavItem(_("窓口"), "reception:counter", (SERVE_COUNTER,)),
    NavItem(_("窓口状況"), "reception:status", (VIEW_DASHBOARDS,)),
    NavItem(_("受付案件"), "cases:list", (HANDLE_CASE,)),
    NavItem(_("処理案件"), "center:batches", (PROCESS_WORK_ITEM,)),
    NavItem(_("決裁"), "center:approvals", (APPROVE_WORK_ITEM,)),
    NavItem(_("差戻し"), "center:returns", (HANDLE_CASE,)),
    NavItem(_("引継ぎ案件"), "departments:list", (HANDLE_DEPARTMENT_PROCEDURE,)),
    NavItem(_("センター状況"), "center:dashboard", (VIEW_DASHBOARDS, PROCESS_WORK_ITEM)),
    NavItem(_("リモート相談"), "remote:desk", (CONSULT_REMOTE,)),
    NavItem(_("相談の実績"), "remote:manage", (VIEW_DASHBOARDS,)),
    NavItem(_("ライフイベント・ナビ"), "navigator:start", (HANDLE_CASE, HANDLE_DEPARTMENT_PROCEDURE)),
    NavItem(_("庁舎・窓口"), "organization:offices", (VIEW_DASHBOARDS, MANAGE_ORGANIZATION)),
    NavItem(_("手続カタログ"), "catalog:procedures", (EDIT_CATALOG,)),
    NavItem(_("業務選定"), "screening:page", (PLAN_OPERATIONS,)),
    NavItem(_("効果試算"), "simulation:runs", (PLAN_OPERATIONS,)),
    NavItem(_("職員管理"), "staff:staff-list", (MANAGE_STAFF,)),
    NavItem(_("監査ログ"), "audit:search", (VIEW_AUDIT_LOG,)),
)


def navigation_for(staff: Staff, current_path: str) -> list[dict[str, object]]:
    """The visible items; the current one is the longest URL the path starts with (home only exactly)."""
    home = reverse("staff:home")
    items = [
        {"label": item.label, "url": reverse(item.url_name), "current": False}
        for item in NAVIGATION
        if item.visible_to(staff)
    ]
    matches = [
        entry
        for entry in items
        if current_path == entry["url"]
        or (entry["url"] != home and current_path.startswith(str(entry["url"])))
    ]
    if matches:
        max(matches, key=lambda entry: len(str(entry["url"])))["current"] = True
    return items
