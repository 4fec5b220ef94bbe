"""The fit from ticket records finds the rates a generated history was drawn from, and the simulation of
the fitted office waits as the recorded one did."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from madoguchi.demo.history import HistoryRates, QueueRates, generate_history
from madoguchi.organization.models import Office
from madoguchi.rules.calendar import business_days_between
from madoguchi.simulation.fit import NoHistory, fit_office
from madoguchi.simulator.fitted import simulate_fitted

pytestmark = pytest.mark.django_db

START, END = date(2026, 10, 1), date(2026, 11, 30)
# Busy but not saturated, even on Mondays (1.3 × 0.65): a queue near saturation waits so differently from
# one day to the next that two months cannot pin its 90th percentile down.
RATES = HistoryRates(
    queues={
        "shomei": QueueRates(0.65, 5.0, 0.5),
        "one-stop": QueueRates(0.5, 38.0, 0.6, seasonal=True),
        "hoken-nenkin": QueueRates(0.6, 12.0, 0.5),
        "kodomo": QueueRates(0.6, 14.0, 0.5),
    },
    no_show=0.04,
    transfer=0.2,
)
CALL_TO_COUNTER = 0.5  # demo.history: the counter is held from the call


@pytest.fixture
def history(demo_city: None) -> Office:
    office = Office.objects.get(code="chuo")
    assert generate_history(office, business_days_between(START, END), RATES, seed=3) > 10_000
    return office


def test_the_fit_recovers_the_rates_the_history_was_drawn_from(history: Office) -> None:
    fitted = fit_office(history, START, END)
    days = business_days_between(START, END)
    assert fitted.days == tuple(days)
    # weekday: Monday 1.3 against Tuesday 1.0, within 10 %
    monday, tuesday = fitted.weekday_factors[0], fitted.weekday_factors[1]
    assert monday / tuesday == pytest.approx(1.3, rel=0.1)
    # hours: each block's share of the day within 1.5 points (8:30-9:00 is the first block)
    weights = RATES.hour_weights
    for hour, weight in weights.items():
        assert fitted.hour_shares.get(hour, 0.0) == pytest.approx(weight / sum(weights.values()), abs=0.015)
    # tickets a day: the certificate counter's mean business day within 5 %
    shomei = fitted.queue("shomei")
    expected = sum(RATES.daily_mean("shomei", day, 3) for day in days) / len(days)
    recorded = sum(shomei.daily(day, fitted.weekday_factors) for day in days) / len(days)
    assert recorded == pytest.approx(expected, rel=0.05)
    # service: the call plus a lognormal of mean 5 and CV 0.5 (the standard deviation 2.5 of 5.5)
    assert shomei.service_mean == pytest.approx(CALL_TO_COUNTER + 5.0, rel=0.03)
    assert shomei.service_cv == pytest.approx(2.5 / 5.5, rel=0.1)
    assert fitted.queue("kodomo").service_mean == pytest.approx(CALL_TO_COUNTER + 14.0, rel=0.05)
    assert shomei.counters == 3
    # no-shows and hand-overs within 1 and 3 points
    assert shomei.no_show == pytest.approx(0.04, abs=0.01)
    assert fitted.transfer == pytest.approx(0.2, abs=0.03)


def test_the_fitted_office_waits_as_the_recorded_one(history: Office) -> None:
    compared = {row.code: row for row in simulate_fitted(fit_office(history, START, END), seed=1)}
    shomei = compared["shomei"]
    assert shomei.recorded.mean > 3  # a busy counter: there is a wait to compare
    # The recorded period is one draw of days whose waits change much from draw to draw: two months of these
    # rates at the certificate counter gave, over 8 seeds of the history, a mean wait of 5.4 to 9.1 minutes
    # and a 90th percentile of 15.6 to 34.2. The simulated runs (20, pooled) must come within 35 % (or 2
    # minutes) of the recorded mean and 90th percentile of each busy queue, with as many tickets (5 %).
    for code in ("shomei", "hoken-nenkin", "kodomo"):
        row = compared[code]
        assert row.simulated.mean == pytest.approx(row.recorded.mean, rel=0.35, abs=2.0), (code, row)
        assert row.simulated.p90 == pytest.approx(row.recorded.p90, rel=0.35, abs=2.0), (code, row)
        assert row.simulated.tickets / 20 == pytest.approx(row.recorded.tickets, rel=0.05), code
    # the simulated band of the period's mean is narrow enough to say something
    low, high = shomei.mean_band
    assert low < shomei.simulated.mean < high < low + shomei.recorded.mean


def test_simulate_fit_prints_the_fit_and_the_comparison(history: Office) -> None:
    out = io.StringIO()
    call_command(
        "simulate",
        "fit",
        "--office",
        "chuo",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert (data["office"], data["from"], data["to"]) == ("chuo", "2026-10-01", "2026-10-30")
    assert data["business_days"] == len(business_days_between(date(2026, 10, 1), date(2026, 10, 31)))
    queue = next(row for row in data["queues"] if row["queue"] == "shomei")
    assert queue["name"] == "証明書発行"
    assert set(queue["recorded"]) == set(queue["simulated"]) == {"tickets", "mean", "median", "p90"}
    text = io.StringIO()
    call_command("simulate", "fit", "--from", "2026-10-01", "--to", "2026-10-31", stdout=text)
    assert "証明書発行: 3 counters" in text.getvalue()


def test_a_period_without_tickets_is_a_clear_error(demo_city: None) -> None:
    with pytest.raises(NoHistory):
        fit_office(Office.objects.get(code="kita"), START, END)
    with pytest.raises(CommandError) as raised:
        call_command("simulate", "fit", "--office", "kita", "--from", "2026-10-01", "--to", "2026-10-31")
    assert raised.value.returncode == 2
    assert "recorded no ticket" in str(raised.value)
