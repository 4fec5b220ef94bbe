"""The managers' simulation page: start, follow, read, download."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from madoguchi.simulation.actions import InvalidRun, do_start_run
from madoguchi.simulation.models import SimulationRun
from madoguchi.simulation.report import summary_lines
from madoguchi.staff.permissions import staff_for
from madoguchi.staff.roles import PLAN_OPERATIONS


def _offices() -> list[tuple[str, str]]:
    from madoguchi.simulation.offices import simulated_offices

    return [(office.code, office.name) for office in simulated_offices()]


# A household the page offers to start from: a couple moving in from another city (household-facts/v1).
EXAMPLE_FACTS = (
    '{"event": "tennyu", "event_date": "2026-04-01",\n'
    ' "moved_from": {"kind": "other_municipality", "municipality_code": "131016"},\n'
    ' "members": [\n'
    '  {"id": "m1", "relationship": "head", "birth_date": "1990-05-01", "health_insurance": "national",\n'
    '   "nationality": "JP", "has_my_number_card": true, "has_seal_registration": false,\n'
    '   "pregnant": false, "disability_certificate": false},\n'
    '  {"id": "m2", "relationship": "spouse", "birth_date": "1991-08-20", "health_insurance": "national",\n'
    '   "nationality": "JP", "has_my_number_card": true, "has_seal_registration": false,\n'
    '   "pregnant": false, "disability_certificate": false}\n'
    " ],\n"
    ' "household": {"car": false, "dog": false, "light_motorbike": false,\n'
    '  "receives_public_assistance": false}}'
)


def _named(runs: Any, names: dict[str, str]) -> list[SimulationRun]:
    """Runs with the office's name (a run of an office since removed keeps its code)."""
    listed = list(runs)
    for run in listed:
        run.office_name = names.get(run.office, run.office)
    return listed


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, PLAN_OPERATIONS)
    errors: dict[str, str] = {}
    offices = _offices()
    first = offices[0][0] if offices else ""
    values = {
        "kind": "savings",
        "office": first,
        "seed": "1",
        "replications": "100",
        "visits": "",
        "facts": EXAMPLE_FACTS,
    }
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        try:
            run = do_start_run(staff, kind=values["kind"], office=values["office"], raw=values)
        except InvalidRun as error:
            errors = error.errors
        else:
            return redirect("simulation:run", run_id=run.pk)
    return render(
        request,
        "simulation/runs.html",
        {
            "runs": _named(SimulationRun.objects.defer("pdf", "result")[:30], dict(offices)),
            "kinds": SimulationRun.Kind.choices,
            "offices": offices,
            "values": values,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def run_detail(request: HttpRequest, run_id: UUID) -> HttpResponse:
    from madoguchi.simulation import charts  # matplotlib: loaded on the first run page, not at start-up

    staff_for(request, PLAN_OPERATIONS)
    run = get_object_or_404(SimulationRun.objects.defer("pdf"), pk=run_id)
    context = {
        "run": run,
        "lines": summary_lines(run, run.result) if run.result else [],
        "charts": range(charts.chart_count(run.kind)) if run.result else [],
        "percent": round(run.progress * 100),
    }
    template = "simulation/run.html#status" if request.GET.get("part") == "status" else "simulation/run.html"
    return render(request, template, context)


@login_required
def run_chart(request: HttpRequest, run_id: UUID, number: int) -> HttpResponse:
    from madoguchi.simulation import charts

    staff_for(request, PLAN_OPERATIONS)
    run = get_object_or_404(SimulationRun.objects.defer("pdf"), pk=run_id, status=SimulationRun.Status.DONE)
    if number >= charts.chart_count(run.kind):
        raise Http404
    response = HttpResponse(
        charts.png(charts.figure(run.kind, number, run.result or {})), content_type="image/png"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def run_pdf(request: HttpRequest, run_id: UUID) -> HttpResponse:
    staff_for(request, PLAN_OPERATIONS)
    run = get_object_or_404(SimulationRun, pk=run_id, status=SimulationRun.Status.DONE)
    response = HttpResponse(bytes(run.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="simulation-{run.office}-{timezone.localtime(run.created_at):%Y%m%d-%H%M}.pdf"'
    )
    return response
