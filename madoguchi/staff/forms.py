from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from madoguchi.organization.models import Department, Office
from madoguchi.staff.roles import Role


def _password_policy() -> str:
    return gettext(
        "%(length)s文字以上。ログインIDや氏名に似たもの、よく使われるもの、数字だけのものは使えません。"
    ) % {"length": settings.MADOGUCHI_PASSWORD_MIN_LENGTH}


# The help text under every new-password field: the policy of settings.AUTH_PASSWORD_VALIDATORS, in words.
PASSWORD_POLICY = lazy(_password_policy, str)()


class StaffForm(forms.Form):
    username = forms.RegexField(
        label=_("ログインID"),
        regex=r"^[A-Za-z0-9._-]{3,40}$",
        max_length=40,
        help_text=_("半角英数字と「.」「_」「-」で3〜40文字"),
        error_messages={"invalid": _("ログインIDは半角英数字と「.」「_」「-」で3〜40文字です。")},
    )
    last_name = forms.CharField(label=_("姓"), max_length=150)
    first_name = forms.CharField(label=_("名"), max_length=150)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    role = forms.ChoiceField(label=_("役割"), choices=Role.choices)
    office = forms.ModelChoiceField(label=_("所属庁舎"), queryset=Office.objects.all())
    department = forms.ModelChoiceField(
        label=_("所属課"), queryset=Department.objects.all(), required=False, help_text=_("所管課職員は必須")
    )
    password = forms.CharField(
        label=_("初期パスワード"), widget=forms.PasswordInput(render_value=False), help_text=PASSWORD_POLICY
    )

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if editing:
            del self.fields["password"]
            self.fields["username"].disabled = True


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=200)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("新しいパスワード"), widget=forms.PasswordInput, help_text=PASSWORD_POLICY
    )


class OwnPasswordForm(forms.Form):
    old_password = forms.CharField(label=_("現在のパスワード"), widget=forms.PasswordInput)
    new_password1 = forms.CharField(
        label=_("新しいパスワード"), widget=forms.PasswordInput, help_text=PASSWORD_POLICY
    )
    new_password2 = forms.CharField(label=_("新しいパスワード（確認）"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("確認のパスワードが一致しません。"))
        return data


class LoginForm(AuthenticationForm):
    """Django's sign-in form with the words used at a city office."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("ログインID")
        self.fields["password"].label = _("パスワード")

    def clean_username(self) -> str:
        """Django sets the field's max_length after its validators are built, so a login ID of any length
        reached authenticate() and the sign-in throttle's table (a 500 on PostgreSQL): refused here, before
        anything is counted or stored."""
        username = str(self.cleaned_data.get("username", ""))
        longest = getattr(self.fields["username"], "max_length", None) or 150
        if len(username) > longest:
            raise forms.ValidationError(
                _("%(n)s文字以内で入力してください。") % {"n": longest}, code="max_length"
            )
        return username


class CodeForm(forms.Form):
    """The 6-digit code of an authenticator app (spaces between the digits are allowed)."""

    code = forms.CharField(
        label=_("確認コード（6桁）"),
        max_length=20,
        help_text=_("認証アプリに表示されている6桁の数字"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "size": 8}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("確認コードは6桁の数字で入力してください。"))
        return code


class SecondFactorRemoveForm(CodeForm):
    """Removing one's own second factor needs a current code: a session left open cannot remove it."""
