from __future__ import annotations

from typing import Any

import pytest

from madoguchi.audit.models import AuditEntry
from madoguchi.simulation.models import SimulationRun
from madoguchi.staff.roles import Role
from madoguchi.tasks.worker import drain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_process(settings: Any) -> None:
    settings.MADOGUCHI_SIMULATION_WORKERS = 1


def test_a_manager_starts_a_savings_run_follows_it_and_reads_the_report(
    staff_of: Any, signed_in: Any
) -> None:
    client = signed_in(staff_of(Role.MANAGER))
    assert "効果試算" in client.get("/simulations/").content.decode()
    response = client.post(
        "/simulations/", {"kind": "savings", "office": "chuo", "seed": "3", "replications": "2"}
    )
    run = SimulationRun.objects.get()
    assert response["Location"] == f"/simulations/{run.pk}/"
    waiting = client.get(f"/simulations/{run.pk}/?part=status").content.decode()
    assert 'hx-trigger="every 1s"' in waiting  # the page polls until the run is done
    assert drain("test") == 1
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.DONE
    assert run.progress == 1.0
    sizes = [row["size"] for row in run.result["households"]]
    assert sizes == [1, 2, 3, 4, 5, 6]
    page = client.get(f"/simulations/{run.pk}/").content.decode()
    assert "転入 3人世帯：導入前" in page
    assert 'hx-trigger="every 1s"' not in page
    chart = client.get(f"/simulations/{run.pk}/charts/0.png")
    assert chart["Content-Type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG")
    # the second chart is the sensitivity of the 3-person saving to each assumption (the tornado chart)
    assert client.get(f"/simulations/{run.pk}/charts/1.png").content.startswith(b"\x89PNG")
    assert client.get(f"/simulations/{run.pk}/charts/2.png").status_code == 404
    found = run.result["sensitivity"]
    names = [swing["name"] for swing in found["swings"]]
    from madoguchi.simulator.sensitivity import RANGES

    assert sorted(names) == sorted(item.name for item in RANGES)
    spans = [abs(swing["high_result"] - swing["low_result"]) for swing in found["swings"]]
    assert spans == sorted(spans, reverse=True)
    assert "感度（3人世帯の転入" in page
    # the chart is drawn around the table's own 3-person figure: the two never disagree
    three = next(row for row in run.result["households"] if row["size"] == 3)
    assert found["base"] == pytest.approx(three["saved_min"], abs=0.01)
    pdf = client.get(f"/simulations/{run.pk}/report.pdf")
    assert pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="simulation.start").exists()


def test_a_year_run_compares_both_designs(staff_of: Any) -> None:
    from madoguchi.simulation.actions import do_start_run

    run = do_start_run(
        staff_of(Role.MANAGER), kind="year", office="kita", raw={"seed": "1", "visits": "2000"}
    )
    drain("test")
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.DONE, run.error
    assert set(run.result) == {"before", "after", "office_name", "queue_names", "queue_names_en"}
    assert run.result["before"]["visits"] > 0
    assert bytes(run.pdf).startswith(b"%PDF")
    # names as the office's signs say them, not codes; the run's time in the city's time zone
    assert run.result["office_name"] == "北区役所"
    assert run.result["queue_names"]["one_stop"] == "総合窓口"
    assert run.result["queue_names"]["kodomo"] == "こども家庭課"
    from django.utils import timezone

    from madoguchi.simulation.report import summary_lines

    first = summary_lines(run, run.result)[0]
    assert "北区役所" in first
    assert f"{timezone.localtime(run.created_at):%Y-%m-%d %H:%M}" in first
    from django.utils import translation

    with translation.override("en"):  # the English page says it in English, the office's English name
        english = summary_lines(run, run.result)
    assert english[0].startswith("Office: ")
    assert "Kita Ward Office" in english[0]
    assert english[1].startswith("Before the change: ")
    assert not any("分" in line or "来庁" in line for line in english)
    errands = run.result["before"]["errands"]
    assert errands > 0  # the departments' own residents (assumed: this office has no ticket history), apart
    assert f"(and {errands:,} on a department's own business)" in english[1]


def test_the_savings_chart_stacks_every_part_of_the_time() -> None:
    from madoguchi.simulation.charts import savings_figure

    parts = {"waiting": 1.0, "served": 2.0, "walking": 3.0, "writing": 4.0, "documents": 5.0}
    row = {"size": 3, "before": parts, "after": parts}
    figure = savings_figure({"households": [row]})
    tops = [patch.get_y() + patch.get_height() for patch in figure.axes[0].patches]
    assert max(tops) == sum(parts.values())  # the bar is as tall as the time in the office


def test_the_hourly_wait_chart_stays_within_business_hours() -> None:
    from madoguchi.simulation.charts import waits_by_hour_figure

    late = {"queue": "shomei", "by_hour": [{"hour": 9, "tickets": 4, "mean_wait_min": 5.0}]}
    late["by_hour"].append({"hour": 29, "tickets": 1, "mean_wait_min": 50.0})
    figure = waits_by_hour_figure({"before": {"queues": [late]}, "after": {"queues": [late]}})
    axes = figure.axes[0]
    lines = axes.get_lines()
    assert max(lines[0].get_xdata()) == 17  # the evening ticket counts in the last hour block
    assert [tick.get_text() for tick in axes.get_xticklabels()][-1] == "17時〜"


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"kind": "savings", "office": "chuo", "seed": "x", "replications": "2"}, "seed-error"),
        ({"kind": "savings", "office": "chuo", "seed": "1", "replications": "0"}, "replications-error"),
        ({"kind": "year", "office": "chuo", "seed": "1", "visits": "5"}, "visits-error"),
    ],
)
def test_bad_parameters_are_refused_at_their_field(
    staff_of: Any, signed_in: Any, form: dict[str, str], field: str
) -> None:
    response = signed_in(staff_of(Role.MANAGER)).post("/simulations/", form)
    assert response.status_code == 400
    assert f'id="{field}"' in response.content.decode()
    assert not SimulationRun.objects.exists()


def test_only_planners_open_the_simulator(staff_of: Any, signed_in: Any) -> None:
    assert signed_in(staff_of(Role.ONESTOP_CLERK)).get("/simulations/").status_code == 403
    assert (
        signed_in(staff_of(Role.CONTRACTOR_CLERK)).post("/simulations/", {"kind": "savings"}).status_code
        == 403
    )


def test_a_run_whose_worker_died_is_interrupted_and_its_page_says_so(
    staff_of: Any, signed_in: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from madoguchi.simulation.actions import do_start_run, execute
    from madoguchi.tasks import worker
    from madoguchi.tasks.models import Task

    # given: a worker claimed the run's task, started it, then died (its heartbeat stopped)
    settings.MADOGUCHI_TASK_STALE_SECONDS = 300
    manager = staff_of(Role.MANAGER)
    run = do_start_run(manager, kind="savings", office="chuo", raw={"seed": "1", "replications": "2"})
    assert run.task is not None
    claimed = worker.claim_next("dead-worker")
    assert claimed is not None
    assert claimed.pk == run.task.pk
    SimulationRun.objects.filter(pk=run.pk).update(status=SimulationRun.Status.RUNNING)
    client = signed_in(manager)
    assert 'hx-trigger="every 1s"' in client.get(f"/simulations/{run.pk}/?part=status").content.decode()
    # when: the stale period passes and the workers come round (claiming, then the periodic jobs)
    later = timezone.now() + timedelta(seconds=301)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(worker, "_periodic_last", {})
    assert worker.run_one("live-worker") is False  # the task has no attempt left: failed, not rerun
    worker.run_periodic(now=1000.0)
    # then: the task failed with the reason, the run is interrupted, audited, and the page stops polling
    task = Task.objects.get(pk=claimed.pk)
    assert task.status == Task.Status.FAILED
    assert "worker dead-worker stopped answering" in task.error
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.INTERRUPTED
    assert run.finished_at == later
    assert AuditEntry.objects.filter(action="simulation.interrupt", target_id=str(run.pk)).count() == 1
    page = client.get(f"/simulations/{run.pk}/?part=status").content.decode()
    assert "試算は中断されました" in page
    assert 'hx-trigger="every 1s"' not in page
    assert "中断" in client.get("/simulations/").content.decode()
    # and: the dead worker, should it wake up, does not bring the run back
    assert execute(str(run.pk)) == {"run": str(run.pk), "skipped": "interrupted"}
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.INTERRUPTED
    # and: the periodic job does it once
    worker.run_periodic(now=2000.0)
    assert AuditEntry.objects.filter(action="simulation.interrupt").count() == 1


def test_a_live_run_is_left_alone(staff_of: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from madoguchi.simulation.actions import do_interrupt_lost_runs, do_start_run
    from madoguchi.tasks import worker

    # given: two unfinished runs, one of them marked running, and a task claimed by a live worker
    manager = staff_of(Role.MANAGER)
    queued = do_start_run(manager, kind="savings", office="chuo", raw={"seed": "1", "replications": "2"})
    running = do_start_run(manager, kind="savings", office="kita", raw={"seed": "1", "replications": "2"})
    worker.claim_next("live-worker")
    SimulationRun.objects.filter(pk=running.pk).update(status=SimulationRun.Status.RUNNING)
    # when
    marked = do_interrupt_lost_runs()
    # then
    assert marked == 0
    statuses = dict(SimulationRun.objects.values_list("pk", "status"))
    assert statuses[queued.pk] == SimulationRun.Status.QUEUED
    assert statuses[running.pk] == SimulationRun.Status.RUNNING


def test_a_household_run_takes_the_facts_from_the_page(staff_of: Any, signed_in: Any) -> None:
    import json

    from madoguchi.simulation.views import EXAMPLE_FACTS

    client = signed_in(staff_of(Role.MANAGER))
    assert "&quot;tennyu&quot;" in client.get("/simulations/").content.decode()  # the example to start from
    one = json.loads(EXAMPLE_FACTS)
    alone = {**one, "members": one["members"][:1]}
    facts = json.dumps([one, alone])
    response = client.post(
        "/simulations/",
        {"kind": "household", "office": "kita", "seed": "2", "replications": "3", "facts": facts},
    )
    run = SimulationRun.objects.get()
    assert response["Location"] == f"/simulations/{run.pk}/"
    assert run.parameters["facts"] == [one, alone]
    drain("test")
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.DONE, run.error
    rows = run.result["households"]
    assert [(row["label"], row["size"]) for row in rows] == [("世帯:1", 2), ("世帯:2", 1)]
    assert rows[0]["undecided"] == []  # the example answers every question its procedures ask
    page = client.get(f"/simulations/{run.pk}/").content.decode()
    assert "世帯:1（転入・2人）：導入前" in page
    assert client.get(f"/simulations/{run.pk}/charts/0.png").content.startswith(b"\x89PNG")
    assert bytes(run.pdf).startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="simulation.start")
    assert entry.summary["after"]["households"] == 2
    assert "facts" not in entry.summary["after"]  # the audit log keeps the count, not the household's facts


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ("", "世帯の事実（household-facts/v1 の JSON）を入力してください。"),
        ('{"event": "tennyu"', "世帯の事実を読めません"),
        ('{"event": "tennyu", "event_date": "2026-02-30", "members": []}', "event_date"),
    ],
)
def test_household_facts_that_cannot_be_read_are_refused_at_their_field(
    staff_of: Any, signed_in: Any, facts: str, message: str
) -> None:
    form = {"kind": "household", "office": "chuo", "seed": "1", "replications": "2", "facts": facts}
    response = signed_in(staff_of(Role.MANAGER)).post("/simulations/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="facts-error"' in page
    assert message in page
    assert not SimulationRun.objects.exists()


def test_every_assumption_of_the_sensitivity_has_a_label_for_the_report() -> None:
    from madoguchi.simulation.assumptions import PARAMETER_LABELS
    from madoguchi.simulator.sensitivity import RANGES

    assert sorted(PARAMETER_LABELS) == sorted(item.name for item in RANGES)


def test_the_same_form_sent_twice_starts_one_run(staff_of: Any, signed_in: Any) -> None:
    import re

    client = signed_in(staff_of(Role.MANAGER))
    page = client.get("/simulations/").content.decode()
    key = re.search(r'name="request_key" value="([0-9a-f]{32})"', page)
    assert key is not None
    form = {"kind": "savings", "office": "chuo", "seed": "3", "replications": "2", "request_key": key[1]}
    first = client.post("/simulations/", form)
    second = client.post("/simulations/", form)  # a double click, or Back and send again
    run = SimulationRun.objects.get()
    assert first["Location"] == second["Location"] == f"/simulations/{run.pk}/"
    assert AuditEntry.objects.filter(action="simulation.start").count() == 1
    # the next page shown has a new key: a new run
    again = client.get("/simulations/").content.decode()
    assert key[1] not in again
    fresh = re.findall(r'name="request_key" value="(\w+)"', again)[0]
    client.post("/simulations/", {**form, "request_key": fresh})
    assert SimulationRun.objects.count() == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_start_one_run(staff_of: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from madoguchi.simulation.actions import do_start_run

    manager = staff_of(Role.MANAGER)

    def start(_: int) -> str:
        try:
            run = do_start_run(
                manager,
                kind="savings",
                office="chuo",
                raw={"seed": "1", "replications": "2"},
                request_key="k1",
            )
            return str(run.pk)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        started = set(pool.map(start, range(6)))
    assert len(started) == 1
    assert SimulationRun.objects.count() == 1
    assert AuditEntry.objects.filter(action="simulation.start").count() == 1


def test_a_household_run_with_the_minutes_the_office_recorded(staff_of: Any, signed_in: Any) -> None:
    """The recorded period replaces the catalog's minutes with the office's own; half a period, or a
    period without enough visits, is refused at its field with what was entered kept."""
    from datetime import date

    from madoguchi.demo.case_visits import CaseVisits
    from madoguchi.demo.history import HistoryRates, QueueRates, generate_history
    from madoguchi.organization.models import Office
    from madoguchi.rules.calendar import business_days_between
    from madoguchi.simulation.views import EXAMPLE_FACTS

    client = signed_in(staff_of(Role.MANAGER))
    form = {"kind": "household", "office": "kita", "seed": "2", "replications": "3", "facts": EXAMPLE_FACTS}
    for period, field, message in (
        ({"measured_from": "2026-09-01"}, "measured_to", "両方入力してください"),
        ({"measured_from": "2026-09-01", "measured_to": "2026-09-31"}, "measured_to", "2026-04-01 のように"),
        ({"measured_from": "2026-09-30", "measured_to": "2026-09-01"}, "measured_to", "始めの日より後"),
        ({"measured_from": "2026-09-01", "measured_to": "2026-09-30"}, "measured_from", "30件以上必要です"),
    ):
        response = client.post("/simulations/", {**form, **period})
        assert response.status_code == 400, period
        page = response.content.decode()
        assert f'id="{field}-error"' in page, period
        assert message in page, period
        assert 'value="2026-09' in page  # what was entered is kept
    assert not SimulationRun.objects.exists()

    moves = CaseVisits(tuple(("tennyu", size) for size in range(1, 5)))
    rates = HistoryRates(queues={"one-stop": QueueRates(0.6, 38.0, 0.5, cases=moves)}, transfer=0.0)
    office = Office.objects.get(code="kita")
    generate_history(office, business_days_between(date(2026, 9, 1), date(2026, 9, 30)), rates, seed=5)
    period = {"measured_from": "2026-09-01", "measured_to": "2026-09-30"}
    response = client.post("/simulations/", {**form, **period})
    run = SimulationRun.objects.get()
    assert run.parameters["measured"] == {"from": "2026-09-01", "to": "2026-09-30"}
    drain("test")
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.DONE, run.error
    measured = run.result["measured"]
    assert measured["office"] == "kita"
    assert measured["visits"] > 30
    assert measured["procedures"]
    page = client.get(f"/simulations/{run.pk}/").content.decode()
    assert "手続ごとの窓口時間：2026-09-01〜2026-09-30 の記録から推定" in page


def test_a_year_run_with_the_minutes_the_office_recorded(staff_of: Any, signed_in: Any) -> None:
    """The recorded period applies to every kind of run: a year with the office's own minutes says so."""
    from datetime import date

    from madoguchi.demo.case_visits import CaseVisits
    from madoguchi.demo.history import HistoryRates, QueueRates, generate_history
    from madoguchi.organization.models import Office
    from madoguchi.rules.calendar import business_days_between

    client = signed_in(staff_of(Role.MANAGER))
    form = {"kind": "year", "office": "kita", "seed": "2", "visits": "1000"}
    period = {"measured_from": "2026-09-01", "measured_to": "2026-09-30"}
    response = client.post("/simulations/", {**form, **period})
    assert response.status_code == 400
    assert "30件以上必要です" in response.content.decode()

    moves = CaseVisits(tuple(("tennyu", size) for size in range(1, 5)))
    rates = HistoryRates(queues={"one-stop": QueueRates(0.6, 38.0, 0.5, cases=moves)}, transfer=0.0)
    office = Office.objects.get(code="kita")
    generate_history(office, business_days_between(date(2026, 9, 1), date(2026, 9, 30)), rates, seed=7)
    client.post("/simulations/", {**form, **period})
    run = SimulationRun.objects.get()
    drain("test")
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.DONE, run.error
    assert run.result["measured"]["visits"] >= 30
    page = client.get(f"/simulations/{run.pk}/").content.decode()
    assert "手続ごとの窓口時間：2026-09-01〜2026-09-30 の記録から推定" in page


def test_the_charts_speak_the_language_of_the_page() -> None:
    from django.utils import translation

    from madoguchi.simulation.charts import savings_figure

    parts = {"waiting": 1.0, "served": 2.0, "walking": 3.0, "writing": 4.0, "documents": 5.0}
    result = {"households": [{"size": 3, "before": parts, "after": parts}]}
    with translation.override("en"):
        axes = savings_figure(result).axes[0]
        assert axes.get_title() == "Time in the office by household size"
        assert [text.get_text() for text in axes.texts] == ["before", "after"]  # above each bar
        assert axes.get_xticklabels()[0].get_text() == "3 people"
        one = {"households": [{"size": 1, "before": parts, "after": parts}]}
        assert savings_figure(one).axes[0].get_xticklabels()[0].get_text() == "1 person"
    with translation.override("ja"):
        assert savings_figure(result).axes[0].get_title() == "世帯人数別の所要時間"


def test_the_year_runs_queues_are_named_in_the_language_of_the_page(demo_city: None) -> None:
    from django.utils import translation

    from madoguchi.simulation.charts import utilisation_figure
    from madoguchi.simulation.households import queue_name
    from madoguchi.simulation.offices import office_config

    config = office_config("chuo")
    assert queue_name(config, "hoken_nenkin") == "保険年金課"
    assert queue_name(config, "hoken_nenkin", english=True) == "Health Insurance and Pension"
    assert queue_name(config, "concierge", english=True) == "Concierge"
    queues = [{"queue": "hoken_nenkin", "utilisation": 0.5}, {"queue": "concierge", "utilisation": 0.2}]
    result = {
        "before": {"queues": queues[:1]},
        "after": {"queues": queues},
        "queue_names": {"hoken_nenkin": "保険年金課", "concierge": "コンシェルジュ"},
        "queue_names_en": {"hoken_nenkin": "Health Insurance and Pension", "concierge": "Concierge"},
    }
    with translation.override("en"):
        labels = [label.get_text() for label in utilisation_figure(result).axes[0].get_yticklabels()]
        assert labels == ["Concierge", "Health Insurance and Pension"]  # the busiest on top
    with translation.override("ja"):
        labels = [label.get_text() for label in utilisation_figure(result).axes[0].get_yticklabels()]
        assert labels == ["コンシェルジュ", "保険年金課"]
