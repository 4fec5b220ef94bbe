"""The password policy (AUTH_PASSWORD_VALIDATORS, MADOGUCHI_PASSWORD_MIN_LENGTH) holds wherever a password is
set: the staff screens, the administrator's reset, `createsuperuser` and `changepassword`; changes are
audited."""

from __future__ import annotations

import getpass
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from conftest import DEMO_PASSWORD
from madoguchi.audit.models import AuditEntry
from madoguchi.organization.models import Office
from madoguchi.staff.models import Staff
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db

ELEVEN = "kqzv-rmtw-x"  # 11 characters, otherwise fine
TWELVE = "kqzv-rmtw-xp"


def test_the_policy_is_twelve_characters_by_default_and_the_demo_password_meets_it() -> None:
    validators = {v["NAME"].rsplit(".", 1)[-1]: v for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert settings.MADOGUCHI_PASSWORD_MIN_LENGTH == 12
    assert validators["MinimumLengthValidator"]["OPTIONS"] == {"min_length": 12}
    assert {"UserAttributeSimilarityValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= set(
        validators
    )
    from django.contrib.auth.password_validation import validate_password

    validate_password(DEMO_PASSWORD, Staff(username="admin", last_name="情報", first_name="管理者"))


def own_change(client: Client, new: str) -> Any:
    return client.post(
        reverse("staff:password-change"),
        {"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (ELEVEN, "このパスワードは短すぎます。最低 12 文字以上必要です。"),
        ("password1234", "このパスワードは一般的すぎます。"),
        ("739184625017", "このパスワードは数字しか使われていません。"),
        ("contractor-1", "このパスワードは"),  # like the login ID (and short)
    ],
)
def test_a_password_against_the_policy_is_refused_in_japanese_at_the_field(
    staff_of: Any, signed_in: Any, password: str, message: str
) -> None:
    client = signed_in(staff_of(Role.CONTRACTOR_CLERK))
    response = own_change(client, password)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'aria-invalid="true"' in html
    assert Staff.objects.get(username="contractor").check_password(DEMO_PASSWORD)
    assert not AuditEntry.objects.filter(action="staff.password.change").exists()


def test_a_password_like_the_login_id_is_refused(staff_of: Any, signed_in: Any) -> None:
    response = own_change(signed_in(staff_of(Role.CONTRACTOR_CLERK)), "contractor2026")
    assert response.status_code == 400
    assert "このパスワードは ユーザー名 と似すぎています。" in response.content.decode()  # Django's words


def test_the_policy_messages_in_english(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.CONTRACTOR_CLERK))
    client.cookies["django_language"] = "en"
    html = own_change(client, ELEVEN).content.decode()
    assert "This password is too short. It must contain at least 12 characters." in html
    assert "At least 12 characters. Not like your login ID or name" in html


def test_the_form_says_what_the_policy_is(staff_of: Any, signed_in: Any, settings: Any) -> None:
    settings.MADOGUCHI_PASSWORD_MIN_LENGTH = 14
    html = signed_in(staff_of(Role.CONTRACTOR_CLERK)).get(reverse("staff:password-change")).content.decode()
    assert "14文字以上。ログインIDや氏名に似たもの、よく使われるもの、数字だけのものは使えません。" in html


def test_a_good_change_is_audited(staff_of: Any, signed_in: Any) -> None:
    response = own_change(signed_in(staff_of(Role.CONTRACTOR_CLERK)), TWELVE)
    assert response.status_code == 302
    assert Staff.objects.get(username="contractor").check_password(TWELVE)
    entry = AuditEntry.objects.get(action="staff.password.change")
    assert entry.actor == "contractor"
    assert TWELVE not in str(entry.summary)


def test_new_staff_and_resets_follow_the_policy(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ADMINISTRATOR))
    clerk = staff_of(Role.ONESTOP_CLERK)
    reset = client.post(
        reverse("staff:staff-reset-password", args=[clerk.pk]), {"password": ELEVEN}, follow=True
    )
    assert "このパスワードは短すぎます。最低 12 文字以上必要です。" in reset.content.decode()
    assert Staff.objects.get(pk=clerk.pk).check_password(DEMO_PASSWORD)
    created = client.post(
        reverse("staff:staff-create"),
        {
            "username": "suzuki",
            "last_name": "鈴木",
            "first_name": "一郎",
            "role": "onestop_clerk",
            "office": Office.objects.get(code="minami").pk,
            "password": ELEVEN,
        },
    )
    assert created.status_code == 400
    assert "このパスワードは短すぎます" in created.content.decode()
    assert not Staff.objects.filter(username="suzuki").exists()


def test_createsuperuser_without_a_prompt_checks_the_password(
    demo_city: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ELEVEN)
    with pytest.raises(CommandError) as refused:
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "")
    assert refused.value.returncode == 2
    assert "DJANGO_SUPERUSER_PASSWORD" in str(refused.value)
    assert not Staff.objects.filter(username="root").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", TWELVE)
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "")
    assert Staff.objects.get(username="root").check_password(TWELVE)


def test_createsuperuser_at_a_prompt_offers_no_bypass(
    demo_city: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins
    import io

    from django.contrib.auth.management.commands import createsuperuser as django_command

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    typed = iter([ELEVEN, ELEVEN, TWELVE, TWELVE])
    monkeypatch.setattr(django_command.getpass, "getpass", lambda prompt="": next(typed))
    # whoever sits at the prompt answers "y" to everything, the bypass question included
    monkeypatch.setattr(builtins, "input", lambda prompt="": "y")
    call_command(
        "createsuperuser",
        username="root2",
        email="",
        stdin=Terminal(),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Staff.objects.get(username="root2").check_password(TWELVE)  # the first, short one was not kept
    assert not hasattr(django_command, "input")  # the override is only in place while the command runs


def test_changepassword_checks_the_policy_and_is_audited(
    staff_of: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    staff_of(Role.ONESTOP_CLERK)
    typed = iter([ELEVEN, ELEVEN, TWELVE, TWELVE])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    call_command("changepassword", "clerk")
    assert "このパスワードは短すぎます" in capsys.readouterr().err
    assert Staff.objects.get(username="clerk").check_password(TWELVE)
    entry = AuditEntry.objects.get(action="staff.password.reset")
    assert entry.actor == "system:changepassword"
    with pytest.raises(CommandError) as unknown:
        call_command("changepassword", "nobody")
    assert unknown.value.returncode == 2
