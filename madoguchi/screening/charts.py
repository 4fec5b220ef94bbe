"""Geometry of the two screening charts, drawn as inline SVG by the template (no JavaScript, no library).

Plain Python (no Django): coordinates are in SVG user units of a WIDTH × HEIGHT view box.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

from madoguchi.screening.inventory import RELEVANCE_LEVELS
from madoguchi.screening.select import Screening

WIDTH = 720
HEIGHT = 340
LEFT, RIGHT, TOP, BOTTOM = 72, 56, 20, 52
PLOT_W = WIDTH - LEFT - RIGHT
PLOT_H = HEIGHT - TOP - BOTTOM
SCATTER_MAX_MINUTES = 60.0
PARETO_MAX_BARS = 100  # more would be hairlines; the cumulative share still counts every operation


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    selected: bool
    title: str


@dataclass(frozen=True)
class Band:
    y: float
    height: float
    label: str
    label_y: float


@dataclass(frozen=True)
class ScatterChart:
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    bands: tuple[Band, ...]
    threshold_x: float
    area: tuple[float, float, float, float]  # x, y, width, height of the selection's corner
    x_max: float
    clipped: int  # points beyond x_max drawn at the right edge


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    selected: bool
    title: str


@dataclass(frozen=True)
class ParetoChart:
    bars: tuple[Bar, ...]
    line: str  # the cumulative share as a polyline "x,y x,y …"
    y_ticks: tuple[Tick, ...]  # hours a year, left axis
    share_ticks: tuple[Tick, ...]  # cumulative %, right axis
    eighty_y: float
    count: int  # operations in the inventory
    shown: int  # bars drawn: the largest operations
    shown_share: float  # their share of the total counter time


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / count if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _jitter(code: str, salt: int) -> float:
    """A stable offset in [-0.5, 0.5) so that points with equal values do not hide each other."""
    return (zlib.crc32(f"{salt}:{code}".encode()) % 1000) / 1000 - 0.5


def scatter(screening: Screening) -> ScatterChart:
    """Life-event relevance (bands) against average reception minutes; selected points highlighted."""
    minutes = [r.operation.avg_minutes for r in screening.results]
    threshold = screening.criteria.max_minutes
    top = max([threshold * 1.5, *minutes]) if minutes else threshold * 2
    step = _nice_step(min(top, SCATTER_MAX_MINUTES))
    x_max = min(math.ceil(top / step) * step, SCATTER_MAX_MINUTES)

    def x_of(value: float) -> float:
        return LEFT + PLOT_W * min(value, x_max) / x_max

    band_h = PLOT_H / 3
    order = sorted(RELEVANCE_LEVELS, key=RELEVANCE_LEVELS.__getitem__, reverse=True)  # 高, 中, 低
    band_top = {level: TOP + band_h * i for i, level in enumerate(order)}
    points = tuple(
        Point(
            x=round(x_of(r.operation.avg_minutes + 0.3 * _jitter(r.operation.code, 1)), 1),
            y=round(
                band_top[r.operation.life_event_relevance]
                + band_h * (0.5 + 0.8 * _jitter(r.operation.code, 2)),
                1,
            ),
            selected=r.selected,
            title=(
                f"{r.operation.code} {r.operation.name}"
                f"（{r.operation.avg_minutes:g}分・関連度{r.operation.life_event_relevance}）"
            ),
        )
        for r in screening.results
    )
    lowest = RELEVANCE_LEVELS[screening.criteria.min_relevance]
    selected_bands = [level for level in order if RELEVANCE_LEVELS[level] >= lowest]
    threshold_x = round(x_of(threshold), 1)
    return ScatterChart(
        points=points,
        x_ticks=tuple(
            Tick(round(x_of(i * step), 1), f"{i * step:g}") for i in range(round(x_max / step) + 1)
        ),
        bands=tuple(
            Band(round(band_top[level], 1), round(band_h, 1), level, round(band_top[level] + band_h / 2, 1))
            for level in order
        ),
        threshold_x=threshold_x,
        area=(LEFT, TOP, round(threshold_x - LEFT, 1), round(band_h * len(selected_bands), 1)),
        x_max=x_max,
        clipped=sum(1 for m in minutes if m > x_max),
    )


def pareto(screening: Screening) -> ParetoChart:
    """Counter hours a year of the largest operations, with the cumulative share of the whole inventory."""
    ranked = sorted(screening.results, key=lambda r: (-r.operation.counter_minutes, r.operation.code))
    results = ranked[:PARETO_MAX_BARS]
    total = screening.total_minutes
    largest_hours = results[0].operation.counter_minutes / 60 if results else 1.0
    step = _nice_step(largest_hours)
    y_max = max(math.ceil(largest_hours / step) * step, step)
    width = PLOT_W / len(results) if results else PLOT_W
    bars: list[Bar] = []
    line: list[str] = [f"{LEFT},{TOP + PLOT_H}"]
    cumulative = 0.0
    for i, r in enumerate(results):
        hours = r.operation.counter_minutes / 60
        height = PLOT_H * hours / y_max
        x = LEFT + i * width
        bars.append(
            Bar(
                x=round(x, 2),
                y=round(TOP + PLOT_H - height, 2),
                width=round(max(width - (1 if width > 4 else 0), 0.6), 2),
                height=round(height, 2),
                selected=r.selected,
                title=f"{r.operation.code} {r.operation.name}（年{hours:,.0f}時間）",
            )
        )
        cumulative += r.operation.counter_minutes
        share = cumulative / total if total > 0 else 0.0
        line.append(f"{x + width:.1f},{TOP + PLOT_H * (1 - share):.1f}")
    return ParetoChart(
        bars=tuple(bars),
        line=" ".join(line),
        y_ticks=tuple(
            Tick(round(TOP + PLOT_H * (1 - i * step / y_max), 1), f"{i * step:,.0f}")
            for i in range(round(y_max / step) + 1)
        ),
        share_ticks=tuple(Tick(round(TOP + PLOT_H * (1 - p / 100), 1), f"{p}%") for p in range(0, 101, 20)),
        eighty_y=round(TOP + PLOT_H * 0.2, 1),
        count=len(ranked),
        shown=len(results),
        shown_share=cumulative / total if total > 0 else 0.0,
    )
