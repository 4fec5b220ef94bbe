"""The screening page's forms: the criteria (read from the query string) and the inventory upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.screening.select import Criteria

CHIBA = Criteria()  # Chiba City's rule: the defaults of every field

RELEVANCE_CHOICES = [("高", _("高")), ("中", _("中以上")), ("低", _("低以上（すべて）"))]
CRITERIA_FIELDS = (
    "relevance",
    "max_minutes",
    "exclude_discretionary",
    "exclude_high_expertise",
    "min_volume",
    "min_score",
    "feasibility_weight",
    "effect_weight",
)


class CriteriaForm(forms.Form):
    relevance = forms.ChoiceField(label=_("ライフイベント関連度"), choices=RELEVANCE_CHOICES, required=False)
    max_minutes = forms.FloatField(
        label=_("平均受付時間（分）がこの値未満"),
        min_value=0.5,
        max_value=600,
        required=False,
    )
    min_volume = forms.IntegerField(label=_("年間件数の下限"), min_value=0, required=False)
    min_score = forms.FloatField(
        label=_("スコアの下限（0〜100）"), min_value=0, max_value=100, required=False
    )
    feasibility_weight = forms.FloatField(
        label=_("重み：実現しやすさ"), min_value=0, max_value=5, required=False
    )
    effect_weight = forms.FloatField(label=_("重み：効果"), min_value=0, max_value=5, required=False)
    exclude_discretionary = forms.BooleanField(label=_("判断業務を除く"), required=False)
    exclude_high_expertise = forms.BooleanField(label=_("専門性が高い業務を除く"), required=False)

    def criteria(self) -> Criteria:
        """The criteria of a valid form; empty fields take Chiba's defaults."""
        data = self.cleaned_data

        def number(name: str, default: float) -> float:
            value = data.get(name)
            return default if value is None else float(value)

        return Criteria(
            min_relevance=data.get("relevance") or CHIBA.min_relevance,
            max_minutes=number("max_minutes", CHIBA.max_minutes),
            exclude_discretionary=bool(data.get("exclude_discretionary")),
            exclude_high_expertise=bool(data.get("exclude_high_expertise")),
            min_annual_volume=int(number("min_volume", CHIBA.min_annual_volume)),
            min_score=number("min_score", CHIBA.min_score),
            feasibility_weight=number("feasibility_weight", CHIBA.feasibility_weight),
            effect_weight=number("effect_weight", CHIBA.effect_weight),
        )


# The query a page without criteria is screened with: Chiba's rule, as the form shows it.
DEFAULT_CRITERIA = {
    "relevance": CHIBA.min_relevance,
    "max_minutes": f"{CHIBA.max_minutes:g}",
    "min_volume": f"{CHIBA.min_annual_volume:g}",
    "min_score": f"{CHIBA.min_score:g}",
    "feasibility_weight": f"{CHIBA.feasibility_weight:g}",
    "effect_weight": f"{CHIBA.effect_weight:g}",
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("業務棚卸表のファイル"),
        help_text=_(
            "CSV（UTF-8 または Shift_JIS）か Excel（.xlsx、最初のシート）。1行目は見出しにしてください。"
        ),
    )
