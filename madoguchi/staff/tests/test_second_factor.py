"""The optional second factor (staff/second_factor.py): enrolment, the code step at sign-in, throttled
wrong codes, and the admin areas that want a verified session."""

from __future__ import annotations

import binascii
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import DEMO_PASSWORD
from madoguchi.audit.models import AuditEntry
from madoguchi.staff import second_factor
from madoguchi.staff.actions import do_enrol_second_factor
from madoguchi.staff.models import Staff
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db

LOGIN = reverse("staff:login")
CODE = reverse("staff:login-code")
ENROL = reverse("staff:second-factor")
KEY = "3132333435363738393031323334353637383930"  # hex of the RFC 6238 test secret


def code_for(hex_key: str, offset: int = 0) -> str:
    return f"{totp(binascii.unhexlify(hex_key), t0=0, step=30, digits=6, drift=offset):06d}"


def enrolled(staff: Staff) -> TOTPDevice:
    """`staff` with a confirmed authenticator whose last used step is long past."""
    return do_enrol_second_factor(staff, hex_key=KEY, last_t=0)


def sign_in_with_password(client: Client, username: str = "admin") -> Any:
    return client.post(LOGIN, {"username": username, "password": DEMO_PASSWORD})


def actions_of(username: str) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            target_type="staff.staff", target_id=str(Staff.objects.get(username=username).pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_enrol_shows_a_qr_code_and_the_secret_then_a_first_code_confirms_it(
    staff_of: Any, signed_in: Any
) -> None:
    # given
    clerk = staff_of(Role.ONESTOP_CLERK)
    client = signed_in(clerk)
    # when
    page = client.get(ENROL)
    # then: an inline SVG QR code (nothing fetched from elsewhere) and the base32 secret for typing
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert "otpauth" not in html  # the address is inside the QR code only
    key = client.session[second_factor.ENROL_KEY]
    assert second_factor.base32_secret(key) in html
    assert not TOTPDevice.objects.exists()  # nothing stored until a code confirms it
    # a wrong first code: nothing enrolled, the field says why
    wrong = client.post(ENROL, {"code": "000000" if code_for(key) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "確認コードが正しくありません" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()
    # the right one: confirmed, audited, and this session counts as verified
    done = client.post(ENROL, {"code": code_for(key)})
    assert done.status_code == 302
    device = TOTPDevice.objects.get(user=clerk)
    assert device.confirmed
    assert device.key == key
    assert "staff.second_factor.enrol" in actions_of("clerk")
    assert "2段階認証を登録しました" in client.get(ENROL).content.decode()
    assert client.session.get("otp_device_id") == device.persistent_id


def test_a_malformed_code_is_refused_with_a_message_at_the_field(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    for bad in ["12345", "abcdef", "１２３４５６", "1234567", ""]:
        response = client.post(ENROL, {"code": bad})
        assert response.status_code == 400, bad
        html = response.content.decode()
        assert 'aria-invalid="true"' in html, bad
        assert "6桁の数字で入力してください" in html or "このフィールドは必須です" in html, bad
    assert not TOTPDevice.objects.exists()


def test_without_a_device_the_password_alone_signs_in(staff_of: Any) -> None:
    client = Client()
    response = sign_in_with_password(client, "clerk")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:home")
    assert "_auth_user_id" in client.session


def test_with_a_device_sign_in_asks_for_the_code_and_then_rotates_the_session(staff_of: Any) -> None:
    # given
    admin = staff_of(Role.ADMINISTRATOR)
    device = enrolled(admin)
    client = Client()
    # when: the right password
    response = sign_in_with_password(client)
    # then: not signed in yet, the code step is next
    assert response.status_code == 302
    assert response["Location"] == CODE
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("staff:home")).status_code == 302  # still sent to sign in
    assert not AuditEntry.objects.filter(action="staff.login").exists()
    page = client.get(CODE)
    assert page.status_code == 200
    assert "確認コードの入力" in page.content.decode()
    pending_key = client.session.session_key
    # when: the code
    done = client.post(CODE, {"code": code_for(KEY)})
    # then: signed in, verified, with a new session key
    assert done.status_code == 302
    assert done["Location"] == reverse("staff:home")
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.session.session_key != pending_key
    assert second_factor.PENDING_KEY not in client.session
    assert AuditEntry.objects.filter(action="staff.login", actor="admin").count() == 1
    # the same code cannot be used twice
    again = Client()
    sign_in_with_password(again)
    assert again.post(CODE, {"code": code_for(KEY)}).status_code == 400


def test_a_wrong_code_is_refused_audited_and_throttled(staff_of: Any) -> None:
    # given
    enrolled(staff_of(Role.ADMINISTRATOR))
    client = Client()
    sign_in_with_password(client)
    wrong = "000000" if code_for(KEY) != "000000" else "111111"
    # when
    first = client.post(CODE, {"code": wrong})
    # then
    assert first.status_code == 400
    assert "確認コードが正しくありません" in first.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="staff.login.code_failed").count() == 1
    # at once again: refused without being checked, even the right code; nothing more in the audit log
    throttled = client.post(CODE, {"code": code_for(KEY)})
    assert throttled.status_code == 429
    assert "秒たってから入力してください" in throttled.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="staff.login.code_failed").count() == 1
    assert TOTPDevice.objects.get().throttling_failure_count == 1


def test_after_the_wait_the_right_code_signs_in(staff_of: Any) -> None:
    device = enrolled(staff_of(Role.ADMINISTRATOR))
    client = Client()
    sign_in_with_password(client)
    client.post(CODE, {"code": "000000" if code_for(KEY) != "000000" else "111111"})
    device.refresh_from_db()
    assert device.throttling_failure_timestamp is not None
    waited = device.throttling_failure_timestamp - timedelta(seconds=2)  # the 1 s wait is over
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=waited)
    assert client.post(CODE, {"code": code_for(KEY)}).status_code == 302
    assert "_auth_user_id" in client.session
    assert TOTPDevice.objects.get().throttling_failure_count == 0


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(staff_of: Any) -> None:
    enrolled(staff_of(Role.ADMINISTRATOR))
    client = Client()
    response = client.post(CODE, {"code": code_for(KEY)})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(action="staff.login.code_failed").exists()


def test_a_pending_sign_in_expires(staff_of: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    enrolled(staff_of(Role.ADMINISTRATOR))
    client = Client()
    sign_in_with_password(client)
    later = time.time() + second_factor.PENDING_SECONDS + 1
    monkeypatch.setattr(second_factor.time, "time", lambda: later)
    response = client.post(CODE, {"code": code_for(KEY)})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_admin_areas_want_a_verified_session_when_the_user_has_a_device(
    staff_of: Any, signed_in: Any
) -> None:
    # given: an administrator signed in before enrolling on another terminal (not verified here)
    admin = staff_of(Role.ADMINISTRATOR)
    client = signed_in(admin)
    assert client.get(reverse("staff:staff-list")).status_code == 200
    enrolled(admin)
    # when / then: every admin area sends them to the code step, with the way back
    for path in ["/admin/", reverse("staff:staff-list"), reverse("organization:offices")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(CODE + "?next="), path
    # other pages go on as before
    assert client.get(reverse("staff:role-home", args=["administrator"])).status_code == 200
    # the code verifies this session; then the admin areas open
    done = client.post(f"{CODE}?next=/admin/", {"code": code_for(KEY)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("staff:staff-list")).status_code == 200


def test_the_admin_sites_own_sign_in_and_password_pages_lead_to_the_staff_ones(demo_city: None) -> None:
    client = Client()
    login = client.get("/admin/login/?next=/admin/")
    assert login.status_code == 302
    assert login["Location"].startswith(LOGIN + "?next=")
    # and a password posted to it signs nobody in
    client.post("/admin/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_admin_site_password_change_goes_to_the_audited_page(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ADMINISTRATOR))
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:password-change")


def test_required_setting_sends_an_administrator_without_a_device_to_enrol(
    staff_of: Any, signed_in: Any, settings: Any
) -> None:
    # given
    client = signed_in(staff_of(Role.ADMINISTRATOR))
    assert client.get("/admin/").status_code == 200  # optional by default
    settings.MADOGUCHI_ADMIN_2FA_REQUIRED = True
    # when
    response = client.get("/admin/")
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL + "?next=")
    page = client.get(response["Location"])
    assert "管理画面を使う前に2段階認証を登録する必要があります" in page.content.decode()
    key = client.session[second_factor.ENROL_KEY]
    done = client.post(response["Location"], {"code": code_for(key)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # a manager (not an administrator) is not required to enrol
    manager = signed_in(staff_of(Role.MANAGER))
    assert manager.get("/admin/").status_code == 200


def test_removing_ones_own_second_factor_needs_a_current_code(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    enrolled(clerk)
    client = signed_in(clerk)
    remove = reverse("staff:second-factor-remove")
    wrong = client.post(remove, {"code": "000000" if code_for(KEY) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert TOTPDevice.objects.filter(user=clerk).exists()
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert client.post(remove, {"code": code_for(KEY)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert "staff.second_factor.remove" in actions_of("clerk")
    # and the password alone signs in again
    assert sign_in_with_password(Client(), "clerk")["Location"] == reverse("staff:home")


def test_an_administrator_removes_a_lost_authenticator_with_a_reason(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    enrolled(clerk)
    client = signed_in(staff_of(Role.ADMINISTRATOR))
    edit = client.get(reverse("staff:staff-edit", args=[clerk.pk])).content.decode()
    assert "2段階認証を解除する" in edit
    url = reverse("staff:staff-remove-second-factor", args=[clerk.pk])
    assert client.post(url, {"second_factor-reason": " "}).status_code == 303
    assert TOTPDevice.objects.filter(user=clerk).exists()
    assert client.post(url, {"second_factor-reason": "スマートフォン紛失"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    entry = AuditEntry.objects.get(action="staff.second_factor.remove")
    assert entry.actor == "admin"
    assert entry.summary["reason"] == "スマートフォン紛失"
    # other roles cannot
    enrolled(clerk)
    other = signed_in(staff_of(Role.MANAGER))
    assert other.post(url, {"second_factor-reason": "x"}).status_code == 403
    assert TOTPDevice.objects.filter(user=clerk).exists()


def test_the_second_factor_pages_and_events_in_english_say_nothing_in_japanese(
    staff_of: Any, signed_in: Any
) -> None:
    from madoguchi.ui.tests.test_english_pages import english, japanese_in, report

    clerk = staff_of(Role.ONESTOP_CLERK)
    found: dict[str, list[str]] = {}
    client = english(signed_in(clerk))
    enrol = client.post(ENROL, {"code": "12"})
    assert "Two-step verification" in enrol.content.decode()
    found["enrol"] = japanese_in(enrol.content.decode())
    enrolled(clerk)
    found["enrolled"] = japanese_in(client.get(ENROL).content.decode())
    step = english(Client())
    sign_in_with_password(step, "clerk")
    wrong = step.post(CODE, {"code": "000000" if code_for(KEY) != "000000" else "111111"})
    assert "The code is not correct" in wrong.content.decode()
    found["code step"] = japanese_in(wrong.content.decode())
    found["throttled"] = japanese_in(step.post(CODE, {"code": "123456"}).content.decode())
    admin = english(signed_in(staff_of(Role.ADMINISTRATOR)))
    assert (
        admin.post(
            reverse("staff:staff-remove-second-factor", args=[clerk.pk]), {"second_factor-reason": "lost"}
        ).status_code
        == 302
    )
    found["audit"] = japanese_in(admin.get("/audit/").content.decode())
    assert not any(found.values()), report({k: v for k, v in found.items() if v})
