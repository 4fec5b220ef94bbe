"""The managers' catalog screens: the procedures, and one procedure's form with a preview before saving."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from madoguchi.catalog.actions import do_update_procedure
from madoguchi.catalog.editing import catalog_with, edit_from_procedure, preview, read_edit
from madoguchi.catalog.models import Procedure
from madoguchi.rules.facts import labels
from madoguchi.staff.permissions import staff_for
from madoguchi.staff.roles import EDIT_CATALOG


@login_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    staff_for(request, EDIT_CATALOG)
    procedures = (
        Procedure.objects.filter(active=True).select_related("department").order_by("department", "order")
    )
    events = labels("event", get_language())
    rows = [(p, "・".join(events.get(e, e) for e in p.events)) for p in procedures]
    return render(request, "catalog/procedures.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def procedure_edit(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the form. POST: "add a rule" redraws it; "確認する" checks every field and shows which scenario
    households the change alters (nothing saved); "保存する" checks again and saves."""
    staff = staff_for(request, EDIT_CATALOG)
    procedure = get_object_or_404(Procedure.objects.select_related("department"), code=code, active=True)
    edit = edit_from_procedure(procedure) if request.method == "GET" else read_edit(procedure, request.POST)
    context: dict[str, object] = {
        "procedure": procedure,
        "edit": edit,
        "events": list(labels("event", get_language()).items()),
        "counters": Procedure.Counter.choices,
    }
    status = 400 if edit.errors else 200
    if request.method == "POST" and edit.spec is not None:
        if request.POST.get("step") == "save":
            do_update_procedure(staff, procedure, edit.spec)
            messages.success(
                request, _("手続「%(name)s」を保存しました。") % {"name": edit.spec["name"]["ja"]}
            )
            return redirect("catalog:procedure", code=procedure.code)
        planned, changes = preview(catalog_with(procedure, None), catalog_with(procedure, edit.spec))
        context.update(previewed=True, planned=planned, changes=changes)
    response = render(request, "catalog/procedure.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
