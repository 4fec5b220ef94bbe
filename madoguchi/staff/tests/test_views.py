from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import DEMO_PASSWORD
from madoguchi.audit.models import AuditEntry
from madoguchi.organization.models import Office
from madoguchi.staff.models import Staff
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db

HEADINGS = {
    Role.CONCIERGE: "コンシェルジュ（フロア案内）",
    Role.ONESTOP_CLERK: "総合窓口",
    Role.CONTRACTOR_CLERK: "総合窓口（委託事業者）",
    Role.CENTER_STAFF: "集中事務センター",
    Role.CENTER_APPROVER: "集中事務センター（決裁）",
    Role.DEPARTMENT_STAFF: "保険年金課の窓口",
    Role.BRANCH_STAFF: "北区役所 山手支所",
    Role.MANAGER: "管理職",
    Role.ADMINISTRATOR: "システム管理",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_home(staff_of: Any, role: Role) -> None:
    # given
    staff = staff_of(role)
    client = Client()
    # when
    response = client.post(
        reverse("staff:login"), {"username": staff.username, "password": DEMO_PASSWORD}, follow=True
    )
    # then
    assert response.redirect_chain[-1][0] == reverse("staff:role-home", args=[role.value])
    assert response.status_code == 200
    assert f"<h1>{HEADINGS[role]}</h1>" in response.content.decode()
    assert AuditEntry.objects.filter(action="staff.login", actor=staff.username).exists()


def test_contractor_home_lists_the_decisions_it_must_hand_over(staff_of: Any, signed_in: Any) -> None:
    page = signed_in(staff_of(Role.CONTRACTOR_CLERK)).get(
        reverse("staff:role-home", args=["contractor_clerk"])
    )
    html = page.content.decode()
    assert "委託事業者が行えない判断業務" in html
    assert "処理案件の決裁（承認）" in html


def test_concierge_home_shows_the_one_stop_queue_of_its_office(staff_of: Any, signed_in: Any) -> None:
    page = signed_in(staff_of(Role.CONCIERGE)).get(reverse("staff:role-home", args=["concierge"]))
    html = page.content.decode()
    assert "中央区役所の受付区分と窓口" in html
    assert "総合窓口" in html
    assert "おくやみ窓口" in html


def test_another_roles_home_is_refused(staff_of: Any, signed_in: Any) -> None:
    response = signed_in(staff_of(Role.CONTRACTOR_CLERK)).get(
        reverse("staff:role-home", args=["center_approver"])
    )
    assert response.status_code == 403
    assert "別の役割のホーム" in response.content.decode()


def test_unknown_role_home_is_not_found(staff_of: Any, signed_in: Any) -> None:
    response = signed_in(staff_of(Role.MANAGER)).get("/home/nobody/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(demo_city: None) -> None:
    response = Client().get(reverse("staff:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_wrong_password_is_refused_in_japanese_and_audited(staff_of: Any) -> None:
    response = Client().post(reverse("staff:login"), {"username": "clerk", "password": "nope"})
    assert response.status_code == 200
    assert "ログインIDまたはパスワードが正しくありません" in response.content.decode()
    failed = AuditEntry.objects.get(action="staff.login.failed")
    assert failed.summary == {"username": "clerk"}


def test_deactivated_staff_cannot_sign_in(staff_of: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    response = Client().post(reverse("staff:login"), {"username": "clerk", "password": DEMO_PASSWORD})
    assert "ログインできませんでした" in response.content.decode()


def test_logout_is_a_post_and_audited(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    assert client.get(reverse("staff:logout")).status_code == 405
    response = client.post(reverse("staff:logout"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="staff.logout", actor="clerk").exists()
    assert client.get(reverse("staff:home")).status_code == 302


def test_idle_session_times_out(staff_of: Any, settings: Any) -> None:
    # given: a signed-in clerk whose session was last used longer ago than the idle timeout
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # renewed at most once a minute (staff/middleware.py)
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    client.post(reverse("staff:login"), {"username": "clerk", "password": DEMO_PASSWORD})
    assert client.get(reverse("staff:home")).status_code == 302  # to the role home
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    # when
    response = client.get(reverse("staff:role-home", args=["onestop_clerk"]))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_a_page_renews_the_idle_timeout(staff_of: Any) -> None:
    client = Client()
    client.post(reverse("staff:login"), {"username": "clerk", "password": DEMO_PASSWORD})
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get(reverse("staff:role-home", args=["onestop_clerk"]))
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


def test_password_change(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.CONTRACTOR_CLERK))
    url = reverse("staff:password-change")
    wrong = client.post(
        url, {"old_password": "x", "new_password1": "new-passphrase-1", "new_password2": "new-passphrase-1"}
    )
    assert wrong.status_code == 400
    assert "現在のパスワードが正しくありません" in wrong.content.decode()
    mismatch = client.post(
        url,
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "new-passphrase-1",
            "new_password2": "other-passphrase",
        },
    )
    assert "確認のパスワードが一致しません" in mismatch.content.decode()
    ok = client.post(
        url,
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "new-passphrase-1",
            "new_password2": "new-passphrase-1",
        },
    )
    assert ok.status_code == 302
    assert Staff.objects.get(username="contractor").check_password("new-passphrase-1")
    # still signed in after the change
    assert client.get(reverse("staff:role-home", args=["contractor_clerk"])).status_code == 200


def staff_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "username": "suzuki",
        "last_name": "鈴木",
        "first_name": "一郎",
        "email": "",
        "role": "onestop_clerk",
        "office": Office.objects.get(code="minami").pk,
        "department": "",
        "password": "a-long-enough-passphrase",
    }
    data.update(overrides)
    return data


def test_administrator_manages_staff_through_the_screens(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ADMINISTRATOR))
    assert client.get(reverse("staff:staff-list")).status_code == 200
    response = client.post(reverse("staff:staff-create"), staff_form())
    assert response.status_code == 302
    created = Staff.objects.get(username="suzuki")
    edit = client.post(
        reverse("staff:staff-edit", args=[created.pk]), staff_form(role="concierge", username="ignored")
    )
    assert edit.status_code == 302
    created.refresh_from_db()
    assert created.role == "concierge"
    assert created.username == "suzuki"
    client.post(reverse("staff:staff-set-active", args=[created.pk]), {"active": "0", "reason": "異動"})
    client.post(reverse("staff:staff-reset-password", args=[created.pk]), {"password": "reset-passphrase-9"})
    created.refresh_from_db()
    assert not created.is_active
    assert created.check_password("reset-passphrase-9")
    entries = AuditEntry.objects.filter(target_type="staff.staff", target_id=str(created.pk))
    actions = set(entries.values_list("action", flat=True))
    assert actions == {"staff.create", "staff.update", "staff.deactivate", "staff.password.reset"}


def test_bad_staff_input_gets_japanese_messages_at_the_field(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ADMINISTRATOR))
    response = client.post(
        reverse("staff:staff-create"), staff_form(username="x y", role="department_staff", password="short")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "ログインIDは半角英数字" in html
    assert 'aria-invalid="true"' in html
    response = client.post(
        reverse("staff:staff-create"), staff_form(role="department_staff", password="short")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "所管課職員には所属課を選んでください" in html
    assert not Staff.objects.filter(username="suzuki").exists()


def data_changing_requests(target: Staff) -> list[tuple[str, dict[str, Any]]]:
    return [
        (reverse("staff:staff-create"), staff_form()),
        (reverse("staff:staff-edit", args=[target.pk]), staff_form(role="manager")),
        (reverse("staff:staff-set-active", args=[target.pk]), {"active": "0", "reason": "test"}),
        (reverse("staff:staff-reset-password", args=[target.pk]), {"password": "reset-passphrase-9"}),
    ]


@pytest.mark.parametrize("role", [Role.CONTRACTOR_CLERK, Role.MANAGER, Role.CENTER_APPROVER])
def test_staff_management_is_refused_to_other_roles(staff_of: Any, role: Role, signed_in: Any) -> None:
    # given
    target = staff_of(Role.ONESTOP_CLERK)
    client = signed_in(staff_of(role))
    entries_before = AuditEntry.objects.count()
    # when / then
    assert client.get(reverse("staff:staff-list")).status_code == 403
    for url, data in data_changing_requests(target):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "権限がありません" in response.content.decode()
    target.refresh_from_db()
    assert target.is_active
    assert target.role == Role.ONESTOP_CLERK
    assert not Staff.objects.filter(username="suzuki").exists()
    assert AuditEntry.objects.count() == entries_before


def test_language_switch_to_english_and_back(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    home = reverse("staff:role-home", args=["onestop_clerk"])
    client.post(reverse("set_language"), {"language": "en", "next": home})
    english = client.get(home).content.decode()
    assert '<html lang="en">' in english
    assert "One-stop counter" in english
    client.post(reverse("set_language"), {"language": "ja", "next": home})
    assert '<html lang="ja">' in client.get(home).content.decode()


def test_japanese_is_the_default_whatever_the_browser_says(staff_of: Any) -> None:
    response = Client(headers={"accept-language": "en-US,en;q=0.9"}).get(reverse("staff:login"))
    assert '<html lang="ja">' in response.content.decode()


def test_password_change_needs_a_signed_in_staff_member(demo_city: None) -> None:
    response = Client().post(
        reverse("staff:password-change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "new-passphrase-1",
            "new_password2": "new-passphrase-1",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))
    assert Staff.objects.get(username="clerk").check_password(DEMO_PASSWORD)


def test_the_language_switch_names_each_language_in_its_own_words(staff_of: Any) -> None:
    # on a Japanese page and on an English one, the choices read the same
    for language in ("ja", "en"):
        client = Client()
        client.cookies["django_language"] = language
        page = client.get(reverse("staff:login")).content.decode()
        switch = page[page.index('id="language-select"') : page.index("</select>")]
        assert ">日本語</option>" in switch
        assert ">English</option>" in switch
        assert ">やさしい日本語</option>" in switch
        assert "米国" not in switch
