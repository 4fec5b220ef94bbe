"""A staff member of each role signs in with the demo password and sees their own home screen."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import DEMO_PASSWORD
from tests.live import RunningServer

pytestmark = pytest.mark.browser

ROLES = [
    ("concierge", "concierge", "コンシェルジュ（フロア案内）"),
    ("clerk", "onestop_clerk", "総合窓口"),
    ("contractor", "contractor_clerk", "総合窓口（委託事業者）"),
    ("center", "center_staff", "集中事務センター"),
    ("approver", "center_approver", "集中事務センター（決裁）"),
    ("department", "department_staff", "保険年金課の窓口"),
    ("branch", "branch_staff", "北区役所 山手支所"),
    ("manager", "manager", "管理職"),
    ("admin", "administrator", "システム管理"),
]


def sign_in(page: Any, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("ログインID").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def test_each_role_signs_in_and_sees_its_home(page: Any, live: RunningServer, screenshot: Any) -> None:
    page.goto(f"{live.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "職員ログイン"
    screenshot("login")
    for username, role, heading in ROLES:
        # when
        sign_in(page, live.url, username)
        # then
        page.wait_for_url(f"**/home/{role}/")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.locator("main").is_visible()
        screenshot(f"home-{role}")
        page.get_by_role("button", name="ログアウト").click()
        page.wait_for_url("**/accounts/login/")


def test_wrong_password_and_english_switch(page: Any, live: RunningServer, screenshot: Any) -> None:
    sign_in(page, live.url, "clerk", "wrong-password")
    assert page.get_by_role("alert").is_visible()
    screenshot("login-error")
    sign_in(page, live.url, "manager")
    page.wait_for_url("**/home/manager/")
    page.get_by_label("表示言語").select_option("en")
    page.get_by_role("button", name="切替").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot("home-manager-en")
    page.get_by_label("Language").select_option("ja")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"


def test_manager_searches_the_audit_log_with_htmx(page: Any, live: RunningServer, screenshot: Any) -> None:
    sign_in(page, live.url, "manager")
    page.wait_for_url("**/home/manager/")
    page.get_by_role("link", name="監査ログ", exact=True).click()
    page.get_by_label("操作").select_option("staff.login")  # events by their labels, grouped by category
    page.get_by_role("button", name="検索").click()
    page.wait_for_url("**action=staff.login**")
    results = page.locator("#audit-results")
    assert "ログイン" in results.inner_text()  # the event's label, not its code
    assert "庁舎の登録" not in results.inner_text()
    screenshot("audit-search")


def test_contractor_is_refused_the_staff_screens(page: Any, live: RunningServer, screenshot: Any) -> None:
    sign_in(page, live.url, "contractor")
    page.wait_for_url("**/home/contractor_clerk/")
    assert page.get_by_role("heading", name="委託事業者が行えない判断業務").is_visible()
    response = page.goto(f"{live.url}/staff/new/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "権限がありません"
    screenshot("refused-contractor")


def test_administrator_creates_a_clerk_and_sees_field_errors(
    page: Any, live: RunningServer, screenshot: Any
) -> None:
    sign_in(page, live.url, "admin")
    page.wait_for_url("**/home/administrator/")
    page.get_by_role("link", name="職員管理", exact=True).first.click()
    page.get_by_role("link", name="職員を追加").click()
    page.get_by_label("ログインID").fill("bad id")
    page.get_by_label("姓").fill("佐藤")
    page.get_by_role("textbox", name="名", exact=True).fill("次郎")
    page.get_by_label("役割").select_option("department_staff")
    page.get_by_label("所属庁舎").select_option(label="南区役所")
    page.get_by_label("初期パスワード").fill("short")
    page.get_by_role("button", name="作成する").click()
    assert page.get_by_role("alert").is_visible()
    screenshot("staff-form-errors")
    page.get_by_label("ログインID").fill("sato")
    page.get_by_label("所属課").select_option(label="こども家庭課")
    page.get_by_label("初期パスワード").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="作成する").click()
    page.wait_for_url("**/staff/")
    assert "職員アカウント「sato」を作成しました。" in page.locator(".notices").inner_text()
    screenshot("staff-list")
