"""The goals of the benchmarks: what each promises, a PASS/MISS table, and the exit code of the run.

Every benchmark states its goals at the top of its docstring, measures, builds one `Goal` per promise and
ends with `return report(goals)`: exit 0 when every goal is met, 1 when any is missed. Bad arguments exit 2
with a message (argparse's own convention), never a traceback.
"""

from __future__ import annotations

import argparse
import math
import operator
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

MET = 0
MISSED = 1
BAD_ARGUMENTS = 2

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Goal:
    """One promise of a benchmark: `measured comparison target`, e.g. 212 tickets/s >= 200 tickets/s."""

    name: str
    measured: float
    comparison: str  # one of COMPARISONS
    target: float
    unit: str
    meaning: str  # what meeting it means for a user, in one line

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise ValueError(f"comparison must be one of {sorted(COMPARISONS)}, not {self.comparison!r}")

    @property
    def met(self) -> bool:
        return not math.isnan(self.measured) and COMPARISONS[self.comparison](self.measured, self.target)


def figure(value: float) -> str:
    """A figure with as many decimals as it needs to be read: 0.712, 12.3, 4512."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def report(goals: Sequence[Goal], out: TextIO | None = None) -> int:
    """Print one PASS or MISS line per goal and return the exit code: 0 all met, 1 any missed."""
    out = out or sys.stdout
    width = max(len(goal.name) for goal in goals)
    print("goals:", file=out)
    for goal in goals:
        verdict = "PASS" if goal.met else "MISS"
        print(
            f"  {verdict}  {goal.name:<{width}}  {figure(goal.measured)} {goal.unit}"
            f"  (goal {goal.comparison} {figure(goal.target)} {goal.unit}): {goal.meaning}",
            file=out,
        )
    missed = [goal.name for goal in goals if not goal.met]
    if missed:
        print(f"MISSED {len(missed)} of {len(goals)} goals: {', '.join(missed)}", file=out)
        return MISSED
    print(f"all {len(goals)} goals met", file=out)
    return MET


def percentile(values: Iterable[float], q: float) -> float:
    """The nearest-rank q-th percentile (0 < q <= 100): the smallest value with q % of values at or below."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser showing the benchmark's docstring (its goals first) as --help."""
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a finite number above 0."""
    return _float(text, minimum_exclusive=True)


def non_negative_float(text: str) -> float:
    """An argparse type: a finite number of 0 or more (a goal of 0 is always reachable by a rate)."""
    return _float(text, minimum_exclusive=False)


def _float(text: str, *, minimum_exclusive: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    if value < 0 or (minimum_exclusive and value == 0):
        raise argparse.ArgumentTypeError(f"{text!r} must be {'above' if minimum_exclusive else 'at least'} 0")
    return value
