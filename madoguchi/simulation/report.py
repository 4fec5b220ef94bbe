"""What a finished run says, in words and tables: shared by the web page and the PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from madoguchi.organization.models import Office
from madoguchi.rules.facts import EVENTS, EVENTS_EN
from madoguchi.simulation.assumptions import PARAMETER_LABELS
from madoguchi.simulation.models import SimulationRun
from madoguchi.ui.languages import is_english


def summary_lines(run: SimulationRun, result: dict[str, Any]) -> list[str]:
    """The run in a few sentences, in the reader's language (the page's; the PDF's task writes Japanese)."""
    office = Office.objects.filter(code=run.office).first()
    started = timezone.localtime(run.created_at)  # the city's time (Asia/Tokyo), not the database's UTC
    lines = [
        _("庁舎：%(office)s　乱数の種：%(seed)s　実行：%(started)s")
        % {
            "office": office.name if office else (result.get("office_name") or run.office),
            "seed": run.parameters.get("seed"),
            "started": f"{started:%Y-%m-%d %H:%M}",
        }
    ]
    if run.kind in {SimulationRun.Kind.SAVINGS, SimulationRun.Kind.HOUSEHOLD}:
        lines.append(
            _("反復回数：%(replications)s（同じ来庁者で導入前と導入後を比較）")
            % {"replications": result["replications"]}
        )
    measured = result.get("measured")
    if measured:
        lines.append(
            _(
                "手続ごとの窓口時間：%(start)s〜%(end)s の記録から推定（受付案件のある来庁 %(visits)s件、"
                "%(count)s手続）。ほかはカタログの時間"
            )
            % {
                "start": measured["from"],
                "end": measured["to"],
                "visits": f"{measured['visits']:,}",
                "count": len(measured["procedures"]),
            }
        )
    if run.kind == SimulationRun.Kind.SAVINGS:
        for row in result["households"]:
            lines.append(
                _("転入 %(size)s人世帯：%(change)s") % {"size": row["size"], "change": _before_after(row)}
            )
        lines.extend(_sensitivity_lines(result.get("sensitivity")))
    elif run.kind == SimulationRun.Kind.HOUSEHOLD:
        events = EVENTS_EN if is_english() else EVENTS
        for row in result["households"]:
            lines.append(
                _("%(label)s（%(event)s・%(size)s人）：%(change)s、手続 %(procedures)s件")
                % {
                    "label": row["label"],
                    "event": events.get(row["event"], row["event"]),
                    "size": row["size"],
                    "change": _before_after(row),
                    "procedures": len(row["procedures"]),
                }
            )
            if row["undecided"]:
                lines.append(
                    _("　未確定のため試算に含めない手続：%(count)s件") % {"count": len(row["undecided"])}
                )
    else:
        for design, label in (("before", _("導入前")), ("after", _("導入後"))):
            year = result[design]
            waits = [q for q in year["queues"] if q["tickets"]]
            tickets = sum(q["tickets"] for q in waits) or 1
            mean = sum(q["mean_wait_min"] * q["tickets"] for q in waits) / tickets
            lines.append(
                _(
                    "%(design)s：来庁 %(visits)s件（ほかに各課だけの用件 %(errands)s件）・%(days)s開庁日・"
                    "整理券1枚あたりの平均待ち %(wait)s分（%(events)sイベント、%(seconds)s秒）"
                )
                % {
                    "design": label,
                    "visits": f"{year['visits']:,}",
                    "errands": f"{year.get('errands', 0):,}",
                    "days": year["days"],
                    "wait": f"{mean:.1f}",
                    "events": f"{year['events']:,}",
                    "seconds": f"{year['wall_s']:.1f}",
                }
            )
    return lines


def _sensitivity_lines(found: dict[str, Any] | None) -> list[str]:
    """The assumptions that move the 3-person saving most (the tornado chart in words)."""
    if not found:
        return []
    widest = [
        _("%(assumption)s（%(low)s〜%(high)s分）")
        % {
            "assumption": PARAMETER_LABELS.get(swing["name"], swing["name"]),
            "low": _minutes(min(swing["low_result"], swing["high_result"])),
            "high": _minutes(max(swing["low_result"], swing["high_result"])),
        }
        for swing in found["swings"][:3]
    ]
    return [
        _("感度（3人世帯の転入、基準 %(base)s分短縮）：仮定を妥当な範囲で動かしたとき最も効くのは%(widest)s")
        % {"base": _minutes(found["base"]), "widest": _("、").join(widest)}
    ]


def _minutes(value: float) -> str:
    """One decimal, without a minus sign on a value that rounds to zero."""
    return f"{round(value, 1) + 0.0:.1f}"


def _before_after(row: dict[str, Any]) -> str:
    saved = row["saved_min"]
    change = (
        _("%(minutes)s分短縮") % {"minutes": f"{saved:.1f}"}
        if saved >= 0
        else _("%(minutes)s分増加") % {"minutes": f"{-saved:.1f}"}
    )
    return _("導入前 %(before)s分 → 導入後 %(after)s分（%(change)s）") % {
        "before": f"{row['before_min']:.1f}",
        "after": f"{row['after_min']:.1f}",
        "change": change,
    }


def pdf_for(run: SimulationRun, result: dict[str, Any]) -> bytes:
    """The report as a PDF, in Japanese whatever the language of the request that started it: it is the
    city's record of the run."""
    from madoguchi.simulation.charts import report_pdf  # matplotlib: only the task that writes the PDF

    with translation.override(settings.LANGUAGE_CODE):
        title = f"効果試算：{run.get_kind_display()}"
        return report_pdf(title, summary_lines(run, result), run.kind, result)
