from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import categories, registered_events
from madoguchi.ui.inputs import date_in_range

CATEGORY_PREFIX = "category:"


def action_choices() -> list[tuple[str, Any]]:
    """Every registered event by category, each category first as "all of it"; read at each request."""
    events = sorted(registered_events().values(), key=lambda event: event.code)
    choices: list[tuple[str, Any]] = [("", _("すべて"))]
    for category in categories():
        own = [(event.code, event.label) for event in events if event.category == category.code]
        if own:
            everything = _("%(category)sのすべて") % {"category": category.label}
            choices.append((str(category.label), [(CATEGORY_PREFIX + category.code, everything), *own]))
    return choices


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("実行者（ログインID）"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    office = forms.CharField(label=_("庁舎コード"), required=False, max_length=40)
    target_id = forms.CharField(label=_("対象ID"), required=False, max_length=80)
    date_from = forms.DateField(
        label=_("開始日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[date_in_range],
    )
    date_to = forms.DateField(
        label=_("終了日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[date_in_range],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("終了日は開始日以降の日付にしてください。"))
        return data

    def action_codes(self) -> list[str] | None:
        """The codes the chosen action stands for (a category: all of its events); None for all."""
        chosen = self.cleaned_data.get("action") or ""
        if not chosen:
            return None
        if chosen.startswith(CATEGORY_PREFIX):
            wanted = chosen.removeprefix(CATEGORY_PREFIX)
            return [code for code, event in registered_events().items() if event.category == wanted]
        return [chosen]
