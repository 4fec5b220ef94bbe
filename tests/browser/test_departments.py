"""The department counter in a browser: a bereaved resident handed over from the bereavement counter with a
signed case is called at 保険年金課, whose clerk opens the case from the counter, makes a mistake (a
rejection without its reason), then accepts the pension claim after the confirmation step. Desk and phone
sizes, Japanese and English."""

from __future__ import annotations

from typing import Any

from tests.browser.test_reception import open_counter
from tests.browser.test_roles import sign_in
from tests.live import RunningServer

HAND_OVER = (
    "from madoguchi.demo.cases import bereavement_handed_over;"
    "from madoguchi.staff.models import Staff;"
    "case, ticket = bereavement_handed_over(Staff.objects.get(username='clerk'));"
    "print(case.number, ticket.display)"
)


def test_the_department_calls_the_hand_over_opens_its_case_and_decides(
    browser: Any, live: RunningServer, screenshot: Any
) -> None:
    result = live.madoguchi("shell", "--no-imports", "-c", HAND_OVER)
    case_number, handed = result.stdout.split()[-2:]
    base = live.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
    open_counter(page, base, "department", "保険年金課 1番")
    while page.locator("[data-ticket]").count() and page.locator("[data-ticket]").inner_text() != handed:
        page.get_by_role("button", name="不在").click()  # earlier tests' residents
    if not page.locator("[data-ticket]").count():
        page.get_by_role("button", name="次の方を呼ぶ").click()
    assert page.locator("[data-ticket]").inner_text() == handed
    assert "未支給年金の請求" in page.locator(".notice--info").inner_text()

    page.get_by_role("link", name=f"受付案件 {case_number} を見る（この課の手続と決定）").click()
    page.get_by_role("heading", level=1, name=case_number).wait_for()
    procedure = page.locator('[data-procedure="kokumin-nenkin-mishikyu"]')
    assert "未支給年金・遺族基礎年金の請求" in procedure.inner_text()
    assert "港　一郎" in procedure.inner_text()
    assert "港　花子（届出人）" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot.directory / "department-case.png"), full_page=True)

    # a rejection without its reason is refused at the field, and nothing is recorded
    procedure.get_by_role("radio", name="不受理").check()
    procedure.get_by_role("button", name="決定の確認へ").click()
    assert "不受理の「理由」を入力してください" in page.get_by_role("alert").inner_text()
    page.screenshot(path=str(screenshot.directory / "department-case-error.png"), full_page=True)
    assert page.get_by_role("radio", name="不受理").is_checked()  # what was chosen stays chosen

    # accept, see it shown back, confirm
    procedure = page.locator('[data-procedure="kokumin-nenkin-mishikyu"]')
    procedure.get_by_role("radio", name="受理", exact=True).check()
    procedure.get_by_role("button", name="決定の確認へ").click()
    confirm = page.get_by_role("alertdialog")
    assert "未支給年金・遺族基礎年金の請求" in confirm.inner_text()
    assert "受理" in confirm.locator(".decision").inner_text()
    page.screenshot(path=str(screenshot.directory / "department-case-confirm.png"), full_page=True)
    confirm.get_by_role("button", name="決定を登録する").click()
    page.get_by_text("未支給年金・遺族基礎年金の請求 を「受理」と決定しました。").wait_for()
    decided = page.locator('[data-procedure="kokumin-nenkin-mishikyu"] .decision--accepted')
    assert decided.inner_text().startswith("受理（")
    assert page.get_by_role("button", name="決定の確認へ").count() == 0

    # the department's list, on a phone, in English
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="en-US"
    ).new_page()
    sign_in(phone, base, "department")
    phone.goto(f"{base}/departments/")
    phone.locator("#language-select").select_option("en")
    phone.locator("form:has(#language-select) button[type=submit]").click()
    phone.get_by_role("heading", level=1, name="Handed-over cases").wait_for()
    row = phone.locator(f'tr[data-case="{case_number}"]')
    assert "Death" in row.inner_text()
    phone.screenshot(path=str(screenshot.directory / "department-list-phone-en.png"), full_page=True)
    row.get_by_role("link").click()
    assert "Accepted (" in phone.locator(".decision--accepted").inner_text()
    phone.screenshot(path=str(screenshot.directory / "department-case-phone-en.png"), full_page=True)

    # the resident is served: the clerk finishes and closes the counter
    page.goto(f"{base}/reception/counter/")
    page.get_by_role("button", name="対応を開始").click()
    page.get_by_role("button", name="対応を終了").click()
    page.get_by_role("button", name="窓口を閉じる").click()
    page.get_by_text("窓口を閉じました。").wait_for()
