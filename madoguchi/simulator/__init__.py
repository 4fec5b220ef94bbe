"""The effect simulator: a discrete-event model of a ward office, before and after the one-stop counter.

Plain Python on SimPy with no Django import (enforced by a test); it takes plain parameters and returns
immutable results. The API for pages, reports and the `simulate` command:

- `savings(config, sizes, replications, seed)` → `SavingsReport`: minutes before and after by household size;
- `simulate_year(config, visits, seed, design=..., progress=callback)` → `YearReport`;
- `fewest_counters(config, StaffingTarget(...))` → `StaffingPlan`.

The model, its parameters and their sources are described in `docs/simulator.md`.
"""

from madoguchi.simulator.parameters import AFTER, BEFORE, DESIGNS, OFFICES, OfficeConfig, Timings, flat
from madoguchi.simulator.reports import (
    HouseholdFigures,
    QueueFigures,
    Saving,
    SavingsReport,
    TimeSplit,
    YearReport,
)
from madoguchi.simulator.runs import SimulationError, default_table, savings, simulate_year
from madoguchi.simulator.staffing import StaffingPlan, StaffingTarget, fewest_counters

__all__ = [
    "AFTER",
    "BEFORE",
    "DESIGNS",
    "OFFICES",
    "HouseholdFigures",
    "OfficeConfig",
    "QueueFigures",
    "Saving",
    "SavingsReport",
    "SimulationError",
    "StaffingPlan",
    "StaffingTarget",
    "TimeSplit",
    "Timings",
    "YearReport",
    "default_table",
    "fewest_counters",
    "flat",
    "savings",
    "simulate_year",
]
