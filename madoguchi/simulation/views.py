"""The managers' simulation page: start, follow, read, download."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation

from madoguchi.rules.facts import labels
from madoguchi.simulation.actions import InvalidRun, do_start_run
from madoguchi.simulation.builder import (
    MAX_MEMBERS,
    facts_from_form,
    household_ticks,
    member_ticks,
    moved_from_labels,
)
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
        "measured_from": "",
        "measured_to": "",
    }
    built = {key: str(value) for key, value in request.POST.items() if key.startswith("b_")}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        if "build" in request.POST:  # the household built on the page, field by field
            facts, errors = facts_from_form(request.POST)
            if facts is not None:
                values["kind"] = SimulationRun.Kind.HOUSEHOLD
                values["facts"] = json.dumps(facts, ensure_ascii=False, indent=1)
        if not errors:
            try:
                run = do_start_run(
                    staff,
                    kind=values["kind"],
                    office=values["office"],
                    raw=values,
                    request_key=request.POST.get("request_key", ""),
                )
            except InvalidRun as error:
                errors = error.errors
            else:
                return redirect("simulation:run", run_id=run.pk)
    language = translation.get_language() or "ja"
    return render(
        request,
        "simulation/runs.html",
        {
            "runs": _named(SimulationRun.objects.defer("pdf", "result")[:30], dict(offices)),
            "kinds": SimulationRun.Kind.choices,
            "offices": offices,
            "values": values,
            "errors": errors,
            # a new key for each page shown: its form starts one run however often it is sent
            "request_key": request.POST.get("request_key") if errors else uuid4().hex,
            "built": built,
            "builder_open": "build" in request.POST,  # shown again after a mistake in the builder
            "builder": {
                "events": labels("event", language).items(),
                "relationships": labels("relationship", language).items(),
                "insurances": labels("health_insurance", language).items(),
                "schools": labels("school", language).items(),
                "moved_from": moved_from_labels(language).items(),
                "members": _builder_rows(built, errors),
                "household_ticks": [
                    {"tick": tick, "checked": bool(built.get(tick.name))} for tick in household_ticks()
                ],
                "english": language.startswith("en"),
            },
        },
        status=400 if errors else 200,
    )


def _builder_rows(built: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    """The member rows of the household builder with what was entered and each field's error."""
    rows = []
    for number in range(1, MAX_MEMBERS + 1):
        prefix = f"b_m{number}_"
        fields = ("relationship", "birth_date", "health_insurance", "school")
        rows.append(
            {
                "number": number,
                "prefix": prefix,
                **{name: built.get(prefix + name, "") for name in fields},
                "errors": [errors[prefix + name] for name in fields if prefix + name in errors],
                "error_fields": {name for name in fields if prefix + name in errors},
                "subject": bool(built.get(prefix + "subject")),
                "ticks": [
                    {"tick": tick, "name": prefix + tick.name, "checked": bool(built.get(prefix + tick.name))}
                    for tick in member_ticks()
                ],
            }
        )
    return rows


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
