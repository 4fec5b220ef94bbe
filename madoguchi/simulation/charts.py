"""The report's charts (matplotlib, the IPAex Gothic font that ships with madoguchi) and its PDF.

The charts speak the language of the page that shows them (drawn when asked for); the PDF's are Japanese
(`report.pdf_for`)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a server

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from matplotlib import font_manager
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from madoguchi.printing.fonts import FONT_DIR
from madoguchi.simulation.assumptions import PARAMETER_LABELS
from madoguchi.simulator.parameters import HOURS
from madoguchi.ui.languages import is_english

# Font subsetting reports every table it touches at INFO: not for the city's logs.
logging.getLogger("fontTools").setLevel(logging.WARNING)

PARTS = (
    ("waiting", gettext_lazy("待ち")),
    ("served", gettext_lazy("窓口")),
    ("walking", gettext_lazy("移動")),
    ("writing", gettext_lazy("記入")),
    ("documents", gettext_lazy("交付物の待ち")),
)
COLOURS = {
    "waiting": "#d4493c",
    "served": "#0017c1",
    "walking": "#8f8f8f",
    "writing": "#e0a100",
    "documents": "#1d8a4e",
}
DESIGN_LABELS = {"before": gettext_lazy("導入前"), "after": gettext_lazy("導入後")}
SHORT_LABELS = {"before": pgettext_lazy("chart bar", "前"), "after": pgettext_lazy("chart bar", "後")}


@cache
def _font() -> str:
    path = FONT_DIR / "ipaexg.ttf"
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _figure(width: float = 8.0, height: float = 4.2) -> Figure:
    matplotlib.rcParams["font.family"] = _font()
    matplotlib.rcParams["axes.unicode_minus"] = False
    figure = Figure(figsize=(width, height), dpi=110)
    figure.set_layout_engine("constrained")
    return figure


def savings_figure(result: dict[str, Any]) -> Figure:
    """Minutes in the office by household size, before and after: waiting, counter, walking, writing."""
    rows = result["households"]
    return _stacked(
        rows,
        [ngettext("%(size)s人", "%(size)s人", row["size"]) % {"size": row["size"]} for row in rows],
        _("転入する世帯の人数（左：導入前、右：導入後）"),
        _("世帯人数別の所要時間"),
    )


def household_figure(result: dict[str, Any]) -> Figure:
    """Minutes in the office of each household given by its facts, before and after."""
    rows = result["households"]
    return _stacked(
        rows, [row["label"] for row in rows], _("世帯（左：導入前、右：導入後）"), _("世帯ごとの所要時間")
    )


def _stacked(rows: list[dict[str, Any]], names: list[str], xlabel: str, title: str) -> Figure:
    figure = _figure()
    axes = figure.add_subplot()
    rows = [{**row, "size": number} for number, row in enumerate(rows, start=1)]
    width = 0.38
    for offset, design in ((-width / 2, "before"), (width / 2, "after")):
        bottom = [0.0] * len(rows)
        for part, label in PARTS:
            values = [row[design].get(part, 0.0) for row in rows]  # runs stored before "documents"
            axes.bar(
                [row["size"] + offset for row in rows],
                values,
                width * 0.95,
                bottom=bottom,
                color=COLOURS[part],
                label=str(label) if design == "before" else None,
                alpha=1.0 if design == "before" else 0.55,
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        for row, top in zip(rows, bottom, strict=True):
            axes.annotate(
                str(SHORT_LABELS[design]), (row["size"] + offset, top), ha="center", va="bottom", fontsize=8
            )
    # room above the tallest bar for its before/after label (margins do not apply: a zero-height part's
    # bottom is a sticky edge at the bar's top)
    tallest = max(
        (sum(row[design].get(part, 0.0) for part, _ in PARTS) for row in rows for design in DESIGN_LABELS),
        default=0.0,
    )
    axes.set_ylim(0, tallest * 1.25 or 1.0)  # and for the legend, which sits above the bars
    axes.set_xticks([row["size"] for row in rows], names)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(_("庁舎にいる時間（分）"))
    axes.set_title(title)
    axes.legend(loc="upper left", ncols=5, fontsize=8)
    axes.grid(axis="y", alpha=0.3)
    return figure


def waits_by_hour_figure(result: dict[str, Any]) -> Figure:
    """Mean wait per hour of the day, over all queues, before and after."""
    figure = _figure()
    axes = figure.add_subplot()
    for design, style in (("before", "-o"), ("after", "-s")):
        per_hour: dict[int, list[float]] = {}
        for queue in result[design]["queues"]:
            for slot in queue["by_hour"]:
                tickets, wait = slot["tickets"], slot["mean_wait_min"]
                total = per_hour.setdefault(slot["hour"], [0.0, 0.0])
                total[0] += tickets
                total[1] += tickets * wait
        # A ticket taken after the last hour block (a resident walking on to the next counter after the
        # closing) counts in the last one: the axis is the office's business hours, not the evening.
        folded: dict[int, list[float]] = {}
        for hour, (tickets, minutes) in per_hour.items():
            slot = folded.setdefault(min(max(hour, HOURS[0]), HOURS[-1]), [0.0, 0.0])
            slot[0] += tickets
            slot[1] += minutes
        hours = sorted(folded)
        axes.plot(
            hours,
            [folded[h][1] / folded[h][0] if folded[h][0] else 0 for h in hours],
            style,
            label=str(DESIGN_LABELS[design]),
        )
    axes.set_xticks(
        list(HOURS),
        [_("%(hour)s時") % {"hour": hour} for hour in HOURS[:-1]] + [_("%(hour)s時〜") % {"hour": HOURS[-1]}],
    )
    axes.set_xlabel(_("時刻"))
    axes.set_ylabel(_("平均待ち時間（分）"))
    axes.set_title(_("時間帯別の平均待ち時間（全窓口）"))
    axes.legend()
    axes.grid(alpha=0.3)
    return figure


def utilisation_figure(result: dict[str, Any]) -> Figure:
    """Utilisation of each queue's counters; a queue that exists in one design only has one bar."""
    figure = _figure(height=4.6)
    axes = figure.add_subplot()
    by_design = {
        design: {q["queue"]: q["utilisation"] for q in result[design]["queues"]} for design in DESIGN_LABELS
    }
    # the busiest queue on top (barh draws the first at the bottom)
    codes = sorted(
        set(by_design["before"]) | set(by_design["after"]),
        key=lambda code: (max(by_design["before"].get(code, 0.0), by_design["after"].get(code, 0.0)), code),
    )
    labels = result.get("queue_names_en" if is_english() else "queue_names") or result.get("queue_names", {})
    for offset, design in ((-0.2, "before"), (0.2, "after")):
        axes.barh(
            [i + offset for i in range(len(codes))],
            [by_design[design].get(code, 0.0) * 100 for code in codes],
            0.38,
            label=str(DESIGN_LABELS[design]),
        )
    axes.set_yticks(range(len(codes)), [labels.get(code, code) for code in codes], fontsize=8)
    axes.set_xlabel(_("窓口の稼働率（%）"))
    axes.set_title(_("窓口別の稼働率"), pad=26)
    # above the bars, not over them: the longest bars reach the right edge
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    return figure


def tornado_figure(result: dict[str, Any]) -> Figure:
    """How the 3-person household's saving moves as each assumption goes to the ends of its range."""
    figure = _figure(height=4.8)
    axes = figure.add_subplot()
    found = result.get("sensitivity")
    axes.set_title(_("仮定ごとの感度（3人世帯の転入で短縮される時間）"))
    if not found:
        axes.text(0.5, 0.5, _("この試算には感度分析がありません"), ha="center", va="center")
        axes.set_axis_off()
        return figure
    base = found["base"]
    swings = list(reversed(found["swings"]))  # the widest on top
    positions = range(len(swings))
    ends = (("low_result", _("範囲の下端"), "#4f7bd9"), ("high_result", _("範囲の上端"), "#d4493c"))
    for key, label, colour in ends:
        axes.barh(
            list(positions),
            [swing[key] - base for swing in swings],
            0.6,
            left=base,
            color=colour,
            alpha=0.8,
            label=label,
        )
    axes.axvline(base, color="#333333", linewidth=1)
    axes.set_yticks(
        list(positions),
        [str(PARAMETER_LABELS.get(swing["name"], swing["name"])) for swing in swings],
        fontsize=8,
    )
    axes.set_xlabel(_("短縮される時間（分）　基準 %(base)s分") % {"base": f"{base:.1f}"})
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    return figure


Chart = Callable[[dict[str, Any]], Figure]
CHARTS: dict[str, tuple[Chart, ...]] = {
    "savings": (savings_figure, tornado_figure),
    "year": (waits_by_hour_figure, utilisation_figure),
    "household": (household_figure,),
}


def chart_count(kind: str) -> int:
    """How many charts a run of `kind` has, without drawing any."""
    return len(CHARTS[kind])


def figure(kind: str, number: int, result: dict[str, Any]) -> Figure:
    """Chart `number` of a run of `kind` (IndexError when there is no such chart)."""
    return CHARTS[kind][number](result)


def figures(kind: str, result: dict[str, Any]) -> list[Figure]:
    return [chart(result) for chart in CHARTS[kind]]


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def report_pdf(title: str, lines: list[str], kind: str, result: dict[str, Any]) -> bytes:
    """A4 landscape pages: the summary, then one chart per page. Fonts are embedded (Type 42)."""
    matplotlib.rcParams["pdf.fonttype"] = 42
    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        cover = _figure(11.69, 8.27)
        cover.text(0.06, 0.92, title, fontsize=18)
        for number, line in enumerate(lines):
            cover.text(0.06, 0.84 - number * 0.045, line, fontsize=11)
        pdf.savefig(cover)
        for figure in figures(kind, result):
            figure.set_size_inches(11.69, 8.27)
            pdf.savefig(figure)
    return buffer.getvalue()
