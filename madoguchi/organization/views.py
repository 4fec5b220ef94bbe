"""The offices overview: every office with its queues and counters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from madoguchi.organization.models import Office, Queue
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability, require
from madoguchi.staff.roles import MANAGE_ORGANIZATION, VIEW_DASHBOARDS


@login_required
def offices(request: HttpRequest) -> HttpResponse:
    staff = request.user
    if not isinstance(staff, Staff):
        raise PermissionDenied
    if not has_capability(staff, MANAGE_ORGANIZATION):
        require(staff, VIEW_DASHBOARDS)
    queues = Queue.objects.select_related("department").annotate(counter_count=Count("counters"))
    all_offices = Office.objects.select_related("parent").prefetch_related(
        Prefetch("queues", queryset=queues)
    )
    return render(request, "organization/offices.html", {"offices": all_offices})
