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
    assert client.get(f"/simulations/{run.pk}/charts/1.png").status_code == 404  # a savings run has one chart
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
    assert set(run.result) == {"before", "after"}
    assert run.result["before"]["visits"] > 0
    assert bytes(run.pdf).startswith(b"%PDF")


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
