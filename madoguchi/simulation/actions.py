"""Starting a simulation run, and running it (inside a background task)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.chain import AuditActor, SystemActor, record
from madoguchi.simulation.models import SimulationRun
from madoguchi.simulation.states import RUN
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import PLAN_OPERATIONS
from madoguchi.transactions import atomic_action

RUN_TASK = "simulation.run"
LIMITS = {"replications": (1, 2000), "visits": (1000, 1_000_000), "seed": (0, 2**31 - 1)}
MAX_FACTS_CHARACTERS = 100_000


class InvalidRun(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def check_parameters(kind: str, office: str, raw: dict[str, str]) -> dict[str, Any]:
    """The form's values as numbers within their limits, or InvalidRun naming each bad field."""
    from madoguchi.simulation.offices import simulated_offices

    offices = {item.code: item for item in simulated_offices()}
    errors: dict[str, str] = {}
    if kind not in SimulationRun.Kind.values:
        errors["kind"] = _("試算の種類を選んでください。")
    if office not in offices:
        errors["office"] = _("区役所を選んでください。")
    wanted = ["seed", "visits"] if kind == SimulationRun.Kind.YEAR else ["seed", "replications"]
    values: dict[str, Any] = {}
    if kind == SimulationRun.Kind.HOUSEHOLD:
        facts = _check_facts(raw.get("facts") or "")
        if isinstance(facts, str):
            errors["facts"] = facts
        else:
            values["facts"] = facts
    if office in offices:
        measured = _check_measured(office, raw, errors)
        if measured is not None:
            values["measured"] = measured
    for name in wanted:
        text = (raw.get(name) or "").strip()
        low, high = LIMITS[name]
        if not text and name == "visits":
            if office in offices:  # the office's own yearly visits (its ticket history or counters)
                from madoguchi.simulation.offices import office_config

                values[name] = office_config(office).visits_per_year
            continue
        try:
            value = int(text)
        except ValueError:
            errors[name] = _("半角の整数で入力してください。")
            continue
        if not low <= value <= high:
            errors[name] = _("%(low)s から %(high)s までの数にしてください。") % {"low": low, "high": high}
        values[name] = value
    if errors:
        raise InvalidRun(errors)
    return values


def _check_measured(office: str, raw: dict[str, str], errors: dict[str, str]) -> dict[str, str] | None:
    """The period whose recorded counter minutes per procedure replace the catalog's (both days blank: the
    catalog's), or None with the mistake added to `errors` at its field. Only the visits are counted here:
    the fit itself runs once, in the task."""
    from madoguchi.organization.models import Office
    from madoguchi.reception.procedure_times import MIN_FIT_VISITS, usable, visit_minutes
    from madoguchi.reception.statistics import read_days

    fields = ("measured_from", "measured_to")
    if not any((raw.get(name) or "").strip() for name in fields):
        return None
    found: dict[str, str] = {}
    start, end = read_days(raw, fields, (None, None), found)
    for name in fields:
        if not (raw.get(name) or "").strip():
            found[name] = _(
                "期間の始めと終わりの日を両方入力してください（カタログの時間を使うときは両方空欄）。"
            )
    errors.update(found)
    if found or start is None or end is None:
        return None
    if len(usable(visit_minutes(Office.objects.get(code=office), start, end))) < MIN_FIT_VISITS:
        errors["measured_from"] = _(
            "この期間の受付案件のある来庁が少なく、手続ごとの時間を推定できません（30件以上必要です）。"
        )
        return None
    return {"from": start.isoformat(), "to": end.isoformat()}


def _check_facts(text: str) -> list[dict[str, Any]] | str:
    """The households of the form's text (one JSON object, a JSON list, or JSON lines), or what is wrong."""
    import json

    from madoguchi.simulation.households import FactsFileError, households_from_text

    text = text.strip()
    if not text:
        return _("世帯の事実（household-facts/v1 の JSON）を入力してください。")
    if len(text) > MAX_FACTS_CHARACTERS:
        return _("世帯の事実が長すぎます（%(limit)s 文字まで）。") % {"limit": MAX_FACTS_CHARACTERS}
    try:
        listed = json.loads(text)
    except json.JSONDecodeError:
        listed = None
    if isinstance(listed, list):
        text = "\n".join(json.dumps(item, ensure_ascii=False) for item in listed)
    try:
        households_from_text(text, _("入力"))
    except FactsFileError as error:
        return _("世帯の事実を読めません：%(reason)s") % {"reason": error}
    if isinstance(listed, list):
        return [item for item in listed if isinstance(item, dict)]
    if isinstance(listed, dict):
        return [listed]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def do_start_run(
    actor: AuditActor, *, kind: str, office: str, raw: dict[str, str], request_key: str = ""
) -> SimulationRun:
    """Start a run; with the page's one-time `request_key`, a second submission of the same form (a
    double click, Back and send again, two at once) returns the run the first one started."""
    key = request_key.strip()[:64]
    if key:
        started = SimulationRun.objects.filter(requested_by=actor.audit_name, request_key=key).first()
        if started is not None:
            return started
        try:
            return _start_run(actor, kind=kind, office=office, raw=raw, request_key=key)
        except IntegrityError:  # the other submission committed first
            return SimulationRun.objects.get(requested_by=actor.audit_name, request_key=key)
    return _start_run(actor, kind=kind, office=office, raw=raw, request_key="")


@atomic_action
def _start_run(
    actor: AuditActor, *, kind: str, office: str, raw: dict[str, str], request_key: str
) -> SimulationRun:
    from madoguchi.tasks.queue import enqueue

    require(actor, PLAN_OPERATIONS)
    parameters = check_parameters(kind, office, raw)
    run = SimulationRun.objects.create(
        kind=kind,
        office=office,
        parameters=parameters,
        requested_by=actor.audit_name,
        request_key=request_key,
    )
    summary = {key: value for key, value in parameters.items() if key != "facts"}
    if "facts" in parameters:
        summary["households"] = len(parameters["facts"])
    record(actor, "simulation.start", run, after={"kind": kind, "office": office, **summary})
    run.task = enqueue(RUN_TASK, max_attempts=1, run_id=str(run.pk))
    run.save(update_fields=["task"])
    return run


def do_interrupt_lost_runs() -> int:
    """Mark interrupted every unfinished run whose task the queue gave up; the number marked.

    A worker that dies (killed, out of memory, the server restarted) leaves its run "running": the task
    queue notices the silent heartbeat and fails the task (a run has one attempt), and this, run
    periodically by the workers, tells the run's page. A run whose task row is gone is lost as well.
    """
    from madoguchi.tasks.models import Task

    lost = SimulationRun.objects.filter(status__in=SimulationRun.ACTIVE).filter(
        Q(task__status=Task.Status.FAILED) | Q(task__isnull=True)
    )
    marked = 0
    for run_id, status, error in lost.values_list("pk", "status", "task__error")[:100]:
        with transaction.atomic():
            # Conditional: a run that finished meanwhile is left alone.
            if not RUN.update(
                SimulationRun.objects.filter(pk=run_id),
                "interrupt",
                timezone.now(),
                error=(error or "the task of this run no longer exists")[:2000],
            ):
                continue
            run = SimulationRun.objects.get(pk=run_id)
            record(
                SystemActor("tasks"),
                "simulation.interrupt",
                run,
                before={"status": status},
                after={"status": SimulationRun.Status.INTERRUPTED},
            )
            marked += 1
    return marked


# A savings run spends this share of its progress on the savings, the rest on the sensitivity of the
# 3-person saving to each assumption (the tornado chart), on a fifth of its days (at least 20); the swings
# are differences on common random numbers, drawn around the run's own 3-person figure.
SAVINGS_SHARE = 0.6
SENSITIVITY_MIN_REPLICATIONS = 20
SENSITIVITY_SIZE = 3


def execute(run_id: str, report_progress: Any = None) -> dict[str, Any]:
    """Run the model for a stored run; store the result and the PDF. Called by the background task."""
    from datetime import date

    from madoguchi.simulation.households import (
        follow_households,
        households_from_text,
        measure,
        measured_minutes,
        measured_table,
        queue_name,
    )
    from madoguchi.simulation.offices import office_config
    from madoguchi.simulator import AFTER, BEFORE, DESIGNS, default_table, savings, simulate_year
    from madoguchi.simulator.sensitivity import sensitivity

    run = SimulationRun.objects.get(pk=run_id)
    if not RUN.update(SimulationRun.objects.filter(pk=run.pk), "start", timezone.now()):
        return {"run": str(run.pk), "skipped": run.status}  # interrupted (or over) before this attempt
    this_run = SimulationRun.objects.filter(pk=run.pk)
    last = [0.0]

    def progress(fraction: float) -> None:
        if report_progress is not None:
            report_progress(fraction)
        now = time.monotonic()
        if fraction >= 1.0 or now - last[0] > 0.5:
            last[0] = now
            SimulationRun.objects.filter(pk=run.pk).update(progress=round(fraction, 3))

    params = run.parameters
    workers = settings.MADOGUCHI_SIMULATION_WORKERS or None  # None: every core
    try:
        config = office_config(run.office)
        measured = None
        if params.get("measured"):
            period = params["measured"]
            since, until = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
            measured = measured_minutes(run.office, since, until)
        table = default_table() if measured is None else measured_table(measured, config)
        if run.kind == SimulationRun.Kind.SAVINGS:
            result = savings(
                config,
                replications=params["replications"],
                seed=params["seed"],
                table=table,
                workers=workers,
                progress=lambda fraction: progress(fraction * SAVINGS_SHARE),
            ).as_json()
            swings = sensitivity(
                config,
                size=SENSITIVITY_SIZE,
                replications=max(SENSITIVITY_MIN_REPLICATIONS, params["replications"] // 5),
                seed=params["seed"],
                measured=None if measured is None else measured.minutes,
                workers=workers,
                progress=lambda fraction: progress(SAVINGS_SHARE + fraction * (1 - SAVINGS_SHARE)),
            )
            # drawn around the run's own 3-person figure, so that the chart and the table agree
            three = next(row for row in result["households"] if row["size"] == SENSITIVITY_SIZE)
            result["sensitivity"] = swings.centred_on(three["saved_min"]).as_json()
        elif run.kind == SimulationRun.Kind.HOUSEHOLD:
            import json

            text = "\n".join(json.dumps(facts, ensure_ascii=False) for facts in params["facts"])
            households = households_from_text(text, "世帯")
            if measured is not None:
                households = measure(households, measured, config)
            result = follow_households(
                config,
                households,
                designs=DESIGNS,
                replications=params["replications"],
                seed=params["seed"],
                workers=workers,
                progress=progress,
            ).as_json()
            queues = {
                call["queue"]
                for row in result["households"]
                for design in DESIGNS
                for call in row[design]["calls"]
            }
        else:
            result = {}
            for design, start in ((BEFORE, 0.0), (AFTER, 0.5)):

                def half(fraction: float, start: float = start) -> None:
                    progress(start + fraction / 2)

                year = simulate_year(
                    config,
                    params["visits"],
                    params["seed"],
                    design=design,
                    table=table,
                    workers=workers,
                    progress=half,
                )
                result[design] = year.as_json()
            queues = {q["queue"] for design in (BEFORE, AFTER) for q in result[design]["queues"]}
        if run.kind != SimulationRun.Kind.SAVINGS:
            result["queue_names"] = {queue: queue_name(config, queue) for queue in sorted(queues)}
            result["queue_names_en"] = {
                queue: queue_name(config, queue, english=True) for queue in sorted(queues)
            }
        result["office_name"] = config.name
        if measured is not None:
            result["measured"] = measured.as_json()
        from madoguchi.simulation.report import pdf_for

        pdf = pdf_for(run, result)
    except Exception as error:
        RUN.update(this_run, "fail", timezone.now(), error=f"{type(error).__name__}: {error}"[:2000])
        raise
    RUN.update(this_run, "finish", timezone.now(), progress=1.0, result=result, pdf=pdf)
    return {"run": str(run.pk)}
