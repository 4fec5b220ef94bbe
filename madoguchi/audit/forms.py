from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("実行者（ログインID）"), required=False, max_length=150)
    action = forms.CharField(
        label=_("操作"), required=False, max_length=80, help_text=_("前方一致（例：staff.）")
    )
    office = forms.CharField(label=_("庁舎コード"), required=False, max_length=40)
    target_id = forms.CharField(label=_("対象ID"), required=False, max_length=80)
    date_from = forms.DateField(
        label=_("開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("終了日は開始日以降の日付にしてください。"))
        return data
