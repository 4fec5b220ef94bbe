"""The managers' counter statistics page (reception.statistics): one office over a period, with charts, and
its CSV."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from madoguchi.catalog.service import versioned_catalog
from madoguchi.organization.models import Office
from madoguchi.reception.procedure_times import ProcedureMinutes
from madoguchi.reception.statistics import (
    GROUPINGS,
    InvalidPeriod,
    Statistics,
    bar_chart,
    csv_rows,
    office_statistics,
    read_period,
)
from madoguchi.staff.permissions import staff_for
from madoguchi.staff.roles import VIEW_DASHBOARDS


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Counter statistics of one office over a period, as a page with charts, or as CSV (`?format=csv`)."""
    staff_for(request, VIEW_DASHBOARDS)
    offices = list(Office.objects.exclude(kind=Office.Kind.CENTER).filter(queues__isnull=False).distinct())
    errors: dict[str, str] = {}
    try:
        office, start, end, grouping = read_period(request.GET, offices)
    except InvalidPeriod as error:
        errors = error.errors
        office, start, end, grouping = None, None, None, "day"
    values = {key: request.GET.get(key, "") for key in ("office", "from", "to", "by")}
    if office is None or start is None or end is None:
        refused = {"offices": offices, "groupings": GROUPINGS, "errors": errors, "values": values}
        return render(request, "reception/statistics.html", refused, status=400)
    figures = office_statistics(office, start, end, grouping)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statistics-{office.code}-{start}-{end}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 with a byte-order mark
        csv.writer(response).writerows(csv_rows(figures))
        return response
    context: dict[str, object] = {
        "offices": offices,
        "groupings": GROUPINGS,
        "errors": {},
        "values": {"office": office.code, "from": start.isoformat(), "to": end.isoformat(), "by": grouping},
        "stats": figures,
        "visits_chart": bar_chart([(row.label, float(row.tickets)) for row in figures.periods], "件"),
        "hours_chart": bar_chart([(row.label, row.wait_median) for row in figures.hours], "分"),
        "p90_chart": bar_chart([(row.label, row.wait_p90) for row in figures.hours], "分"),
        "procedure_rows": _procedure_rows(figures),
    }
    return render(request, "reception/statistics.html", context)


def _procedure_rows(figures: Statistics) -> list[tuple[ProcedureMinutes, list[object]]]:
    """Each procedure row with its procedures as the catalog names them (the code where it has none)."""
    _, catalog = versioned_catalog()
    known = {procedure.code: procedure for procedure in catalog.procedures}
    return [
        (row, [known.get(code, {"name_ja": code}) for code in row.codes])
        for row in figures.procedures.procedures
    ]
