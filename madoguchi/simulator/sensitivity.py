"""How much a result moves when each assumption moves over its plausible range (a tornado chart's data).

One parameter at a time goes to the low and the high end of its range, the others stay; the household is
followed through the same days with the same draws (common random numbers), so each swing is the
parameter's and not the dice's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from madoguchi.simulator.households import HouseholdTable, with_measured_table
from madoguchi.simulator.parameters import OfficeConfig, Timings
from madoguchi.simulator.runs import Progress, SimulationError, default_table, follow

ERRAND_LOAD = "errand_load"  # not a Timings field: the scale of the office's departments' own residents


@dataclass(frozen=True)
class Range:
    """The plausible range of one parameter of `Timings` (or of ERRAND_LOAD), as a multiple of its value or
    as bounds."""

    name: str
    what: str
    low: float
    high: float
    relative: bool = True  # low and high multiply the parameter's value; else they are the values
    ceiling: float | None = None  # a share cannot pass 1

    def values(self, timings: Timings) -> tuple[float, float]:
        value = 1.0 if self.name == ERRAND_LOAD else float(getattr(timings, self.name))
        low, high = (value * self.low, value * self.high) if self.relative else (self.low, self.high)
        if self.ceiling is not None:
            low, high = min(low, self.ceiling), min(high, self.ceiling)
        return low, high


# Every assumption of the model that is a number, with the range it might really have in a city.
RANGES: tuple[Range, ...] = (
    Range("handwritten_entry_seconds", "seconds to write one entry by hand", 0.6, 1.4),
    Range("catalog_factor", "scale of the catalog's counter minutes", 0.75, 1.25),
    Range("counter_call", "minutes of a call (identity, receipt)", 0.5, 1.5),
    Range("one_stop_factor", "share of the work left at the one-stop counter", 0.8, 1.2, ceiling=1.0),
    Range("interview", "minutes of the one-stop interview", 0.5, 1.5),
    Range("form_review", "minutes explaining a pre-filled form", 0.0, 2.0),
    Range("prefilled_factor", "share of the work left when the clerk keys nothing", 0.8, 1.2, ceiling=1.0),
    Range("processing_factor", "share of the work of issuing a same-day document", 0.5, 1.5, ceiling=1.0),
    Range("walk_between_counters", "minutes walking between counters", 0.5, 2.0),
    Range("walk_from_entrance", "minutes from the entrance", 0.5, 2.0),
    Range("concierge", "minutes at the concierge", 0.5, 2.0),
    Range("signature_seconds", "seconds of the one signature", 0.5, 2.0),
    Range("service_cv", "variability of counter times (CV)", 0.5, 1.6),
    Range("writing_cv", "variability of writing speed (CV)", 0.5, 1.6),
    Range(ERRAND_LOAD, "residents on a department's own business", 0.5, 1.5),
)


@dataclass(frozen=True)
class Swing:
    name: str
    what: str
    low_value: float
    high_value: float
    low_result: float
    high_result: float

    @property
    def span(self) -> float:
        return abs(self.high_result - self.low_result)


@dataclass(frozen=True)
class Sensitivity:
    """The base result and each parameter's swing, the widest first."""

    output: str
    base: float
    swings: tuple[Swing, ...]

    def centred_on(self, base: float) -> Sensitivity:
        """The same swings around another estimate of the base (the run's own figure, from more days):
        each swing is a difference measured on common random numbers, so it moves with the base."""
        shift = base - self.base
        return Sensitivity(
            self.output,
            base,
            tuple(
                replace(swing, low_result=swing.low_result + shift, high_result=swing.high_result + shift)
                for swing in self.swings
            ),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "base": round(self.base, 2),
            "swings": [
                {
                    "name": swing.name,
                    "what": swing.what,
                    "low_value": round(swing.low_value, 4),
                    "high_value": round(swing.high_value, 4),
                    "low_result": round(swing.low_result, 2),
                    "high_result": round(swing.high_result, 2),
                }
                for swing in self.swings
            ],
        }


def sensitivity(
    config: OfficeConfig,
    event: str = "tennyu",
    size: int = 3,
    replications: int = 40,
    seed: int = 0,
    *,
    ranges: Sequence[Range] = RANGES,
    table: HouseholdTable | None = None,
    measured: Mapping[str, float] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Sensitivity:
    """Minutes saved by the typical household of `event` and `size`, at each end of each range.

    With `measured` (the office's minutes per procedure), the table's work is inferred from them again at
    each swing (`with_measured_table`): a measured minute is data, so a swing of the catalog scale or of a
    share moves only what is inferred from it (the time before the change), not the measured time."""
    table = table or default_table()
    try:
        kind = table.index(event, size)
    except KeyError as error:
        raise SimulationError(f"no household type {error.args[0]} in the catalog") from error
    steps = 1 + 2 * len(ranges)
    done = [0]

    def saved(run: OfficeConfig) -> float:
        kinds = table if measured is None else with_measured_table(table, measured, run.timings)
        report = follow(run, [kind], replications, seed, table=kinds, workers=workers, key="sensitivity")
        done[0] += 1
        if progress is not None:
            progress(done[0] / steps)
        return report.rows[0].saved or 0.0

    base = saved(config)
    swings = []
    for item in ranges:
        low, high = item.values(config.timings)
        swings.append(
            Swing(
                item.name,
                item.what,
                low,
                high,
                saved(_at(config, item.name, low)),
                saved(_at(config, item.name, high)),
            )
        )
    swings.sort(key=lambda swing: swing.span, reverse=True)
    return Sensitivity(f"minutes saved, {event} of {size}", base, tuple(swings))


def _at(config: OfficeConfig, name: str, value: float) -> OfficeConfig:
    """The office with one parameter at `value`."""
    if name == ERRAND_LOAD:
        errands = {
            queue: replace(errand, per_day=errand.per_day * value) for queue, errand in config.errands.items()
        }
        return replace(config, errands=errands)
    return replace(config, timings=_with(config.timings, name, value))


def _with(timings: Timings, name: str, value: float) -> Timings:
    current = getattr(timings, name)
    changed: dict[str, Any] = {name: type(current)(value) if isinstance(current, int) else value}
    return replace(timings, **changed)
