"""The booking form of the resident pages and of the staff screen.

It parses, and shows every message at once: the resident's details go through the same `check_contact`
that `do_book` applies, so a form with a missing time still tells what is wrong with the phone number.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from madoguchi.organization.models import Office, Queue
from madoguchi.reservations.actions import BookingError, check_contact
from madoguchi.reservations.models import RESERVABLE_KINDS
from madoguchi.ui.inputs import date_in_range


def reservable_queues(office: Office) -> QuerySet[Queue]:
    """The office's queues that take reservations now."""
    return Queue.objects.filter(
        office=office, kind__in=RESERVABLE_KINDS, reservation_schedule__active=True
    ).order_by("sort_order", "code")


class BookingForm(forms.Form):
    queue = forms.ModelChoiceField(
        label=_("受付窓口"),
        queryset=Queue.objects.none(),
        to_field_name="code",
        error_messages={
            "required": _("受付窓口を選んでください。"),
            "invalid_choice": _("受付窓口を選んでください。"),
        },
    )
    day = forms.DateField(
        label=_("日付"),
        input_formats=["%Y-%m-%d"],
        validators=[date_in_range],
        error_messages={"required": _("日付を選んでください。"), "invalid": _("日付を選んでください。")},
    )
    start = forms.TimeField(
        label=_("時間"),
        input_formats=["%H:%M"],
        error_messages={"required": _("時間を選んでください。"), "invalid": _("時間を選んでください。")},
    )
    name_kana = forms.CharField(
        label=_("お名前（フリガナ）"),
        max_length=80,
        help_text=_("例：ミナト　ハナコ"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("お名前をフリガナで入力してください。")},
    )
    phone = forms.CharField(
        label=_("電話番号"),
        max_length=30,
        required=False,
        help_text=_("電話番号かメールアドレスのどちらかを入力してください。"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("メールアドレス"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    purpose = forms.CharField(
        label=_("ご用件"),
        max_length=100,
        required=False,
        help_text=_("任意・100文字以内（例：転入の手続、父の死亡に伴う手続）"),
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Queue]", self.fields["queue"]).queryset = reservable_queues(office)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            check_contact(
                name_kana=data.get("name_kana", ""),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                purpose=data.get("purpose", ""),
            )
        except BookingError as error:
            self.add_booking_error(error)
        return data

    def add_booking_error(self, error: BookingError) -> None:
        """Show each message of the refused booking at its field (one message per field)."""
        for name, message in error.errors.items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, message)
