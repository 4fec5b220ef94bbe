"""What each role sees on its home screen: the data of its office and the capabilities of its role."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from madoguchi.audit.models import AuditEntry
from madoguchi.organization.models import Department, Office, Queue
from madoguchi.staff.models import Staff
from madoguchi.staff.roles import CAPABILITIES, ROLE_CAPABILITIES, Role


def _office_queues(office: Office | None) -> QuerySet[Queue]:
    return (
        Queue.objects.filter(office=office)
        .select_related("department")
        .annotate(counter_count=Count("counters"))
        .order_by("sort_order", "code")
    )


def _capabilities(staff: Staff) -> dict[str, Any]:
    held = ROLE_CAPABILITIES[Role(staff.role)]
    refused = [c for c in CAPABILITIES if c.decision and c not in held] if staff.is_contractor else []
    return {"capabilities": held, "refused_decisions": refused}


def _front_office(staff: Staff) -> dict[str, Any]:
    queues = list(_office_queues(staff.office))
    return {
        "queues": queues,
        "one_stop": next((q for q in queues if q.code == Queue.ONE_STOP_CODE), None),
    }


def _department(staff: Staff) -> dict[str, Any]:
    return {
        "queues": list(_office_queues(staff.office).filter(department=staff.department)),
        "department_offices": list(
            Queue.objects.filter(department=staff.department)
            .select_related("office")
            .annotate(counter_count=Count("counters"))
            .order_by("office__sort_order")
        ),
    }


def _center(staff: Staff) -> dict[str, Any]:
    from madoguchi.center.dashboard import open_counts

    counts = open_counts(timezone.localdate())
    return {
        "work_waiting": counts["waiting"],
        "work_awaiting_approval": counts["awaiting_approval"],
        "work_overdue": counts["overdue"],
        "receiving_offices": list(Office.objects.filter(kind__in=[Office.Kind.WARD, Office.Kind.BRANCH])),
        "departments": list(Department.objects.exclude(code="external")),
    }


def _branch(staff: Staff) -> dict[str, Any]:
    return {
        **_front_office(staff),
        "parent_office": staff.office.parent if staff.office else None,
        "experts": list(
            Staff.objects.filter(role=Role.DEPARTMENT_STAFF, is_active=True)
            .select_related("department", "office")
            .order_by("department__sort_order", "username")
        ),
    }


def _manager(staff: Staff) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "offices": list(
            Office.objects.annotate(
                queue_count=Count("queues", distinct=True),
                counter_count=Count("counters", distinct=True),
                staff_count=Count("staff", filter=Q(staff__is_active=True), distinct=True),
            )
        ),
        "audit_today": AuditEntry.objects.filter(created_at__date=today).count(),
    }


def _administrator(staff: Staff) -> dict[str, Any]:
    counts = dict(
        Staff.objects.filter(is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return {
        "role_counts": [(label, counts.get(value, 0)) for value, label in Role.choices],
        "inactive_count": Staff.objects.filter(is_active=False).count(),
        "audit_total": AuditEntry.objects.count(),
    }


BUILDERS = {
    Role.CONCIERGE: _front_office,
    Role.ONESTOP_CLERK: _front_office,
    Role.CONTRACTOR_CLERK: _front_office,
    Role.CENTER_STAFF: _center,
    Role.CENTER_APPROVER: _center,
    Role.DEPARTMENT_STAFF: _department,
    Role.BRANCH_STAFF: _branch,
    Role.MANAGER: _manager,
    Role.ADMINISTRATOR: _administrator,
}


def home_context(staff: Staff) -> dict[str, Any]:
    role = Role(staff.role)
    return {"role": role, **_capabilities(staff), **BUILDERS[role](staff)}
