"""What a finished run says, in words and tables: shared by the web page and the PDF."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from madoguchi.rules.facts import EVENTS
from madoguchi.simulation.assumptions import PARAMETER_LABELS
from madoguchi.simulation.models import SimulationRun


def summary_lines(run: SimulationRun, result: dict[str, Any]) -> list[str]:
    office = result.get("office_name") or run.office
    started = timezone.localtime(run.created_at)  # the city's time (Asia/Tokyo), not the database's UTC
    lines = [f"庁舎：{office}　乱数の種：{run.parameters.get('seed')}　実行：{started:%Y-%m-%d %H:%M}"]
    if run.kind in {SimulationRun.Kind.SAVINGS, SimulationRun.Kind.HOUSEHOLD}:
        lines.append(f"反復回数：{result['replications']}（同じ来庁者で導入前と導入後を比較）")
    if run.kind == SimulationRun.Kind.SAVINGS:
        for row in result["households"]:
            lines.append(f"転入 {row['size']}人世帯：{_before_after(row)}")
        lines.extend(_sensitivity_lines(result.get("sensitivity")))
    elif run.kind == SimulationRun.Kind.HOUSEHOLD:
        for row in result["households"]:
            event = EVENTS.get(row["event"], row["event"])
            procedures = len(row["procedures"])
            lines.append(
                f"{row['label']}（{event}・{row['size']}人）：{_before_after(row)}、手続 {procedures}件"
            )
            if row["undecided"]:
                lines.append(f"　未確定のため試算に含めない手続：{len(row['undecided'])}件")
    else:
        for design, label in (("before", "導入前"), ("after", "導入後")):
            year = result[design]
            waits = [q for q in year["queues"] if q["tickets"]]
            tickets = sum(q["tickets"] for q in waits) or 1
            mean = sum(q["mean_wait_min"] * q["tickets"] for q in waits) / tickets
            lines.append(
                f"{label}：来庁 {year['visits']:,}件・{year['days']}開庁日・平均待ち {mean:.1f}分"
                f"（{year['events']:,}イベント、{year['wall_s']:.1f}秒）"
            )
    return lines


def _sensitivity_lines(found: dict[str, Any] | None) -> list[str]:
    """The assumptions that move the 3-person saving most (the tornado chart in words)."""
    if not found:
        return []
    widest = [
        f"{PARAMETER_LABELS.get(swing['name'], swing['name'])}"
        f"（{_minutes(min(swing['low_result'], swing['high_result']))}〜"
        f"{_minutes(max(swing['low_result'], swing['high_result']))}分）"
        for swing in found["swings"][:3]
    ]
    return [
        f"感度（3人世帯の転入、基準 {_minutes(found['base'])}分短縮）："
        f"仮定を妥当な範囲で動かしたとき最も効くのは{'、'.join(widest)}"
    ]


def _minutes(value: float) -> str:
    """One decimal, without a minus sign on a value that rounds to zero."""
    return f"{round(value, 1) + 0.0:.1f}"


def _before_after(row: dict[str, Any]) -> str:
    saved = row["saved_min"]
    change = f"{saved:.1f}分短縮" if saved >= 0 else f"{-saved:.1f}分増加"
    return f"導入前 {row['before_min']:.1f}分 → 導入後 {row['after_min']:.1f}分（{change}）"


def pdf_for(run: SimulationRun, result: dict[str, Any]) -> bytes:
    from madoguchi.simulation.charts import report_pdf  # matplotlib: only the task that writes the PDF

    title = f"効果試算：{run.get_kind_display()}"
    return report_pdf(title, summary_lines(run, result), run.kind, result)
