"""The manager's audit log search."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.display import describe
from madoguchi.audit.forms import AuditSearchForm
from madoguchi.audit.models import AuditEntry
from madoguchi.staff.models import Staff
from madoguchi.staff.names import display_names
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import VIEW_AUDIT_LOG, Role
from madoguchi.ui.htmx import HtmxHttpRequest

PAGE_SIZE = 50


def _start_of(day: object) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))  # type: ignore[arg-type]


@login_required
def search(request: HtmxHttpRequest) -> HttpResponse:
    if not isinstance(request.user, Staff):
        raise PermissionDenied
    require(request.user, VIEW_AUDIT_LOG)
    form = AuditSearchForm(request.GET or None)
    entries = AuditEntry.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor=data["actor"])
        codes = form.action_codes()
        if codes is not None:
            entries = entries.filter(action__in=codes)
        if data["office"]:
            entries = entries.filter(office=data["office"])
        if data["target_id"]:
            entries = entries.filter(target_id=data["target_id"])
        if data["date_from"]:
            entries = entries.filter(created_at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(created_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
    page = Paginator(entries.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    role_labels = {**dict(Role.choices), "system": _("システム")}
    names = display_names(entry.actor for entry in page)
    for entry in page:
        entry.role_label = role_labels.get(entry.role, entry.role)  # type: ignore[attr-defined]
    rows = [describe(entry, names) for entry in page]
    query = request.GET.copy()
    query.pop("page", None)
    template = "audit/search.html#results" if request.htmx else "audit/search.html"
    status = 400 if form.errors else 200
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, template, context, status=status)
