"""The central processing center in a browser: batches → claim → result → approval (or return → the ward
corrects) → complete; the dashboard. Screenshots of each screen."""

from __future__ import annotations

from typing import Any

from tests.browser.test_roles import sign_in
from tests.live import RunningServer

SUBMIT_CASES = (
    "from madoguchi.demo.cases import make_submitted_case;"
    "from madoguchi.staff.models import Staff;"
    "clerk = Staff.objects.get(username='clerk');"
    "[make_submitted_case(clerk) for _ in range(3)];"
    "print('ok')"
)


def test_batches_claim_approve_return_and_correct(browser: Any, live: RunningServer, screenshot: Any) -> None:
    result = live.madoguchi("shell", "--no-imports", "-c", SUBMIT_CASES)
    assert result.stdout.strip().endswith("ok"), result.stderr
    base = live.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    center = context.new_page()
    sign_in(center, base, "center")
    center.goto(f"{base}/center/")
    row = center.locator('tr[data-queue="kokuho-kanyu"]')
    assert "受付 3件" in row.inner_text().replace("\n", "")
    row.get_by_role("link").first.click()  # open the day's batch
    center.get_by_role("heading", name="バッチ：国民健康保険 加入（資格取得）").wait_for()
    screenshot_path = screenshot.directory / "center-batches.png"
    center.screenshot(path=str(screenshot_path), full_page=True)
    # claim the next one, enter the result, send it for approval
    row = center.locator('tr[data-queue="kokuho-kanyu"]')
    row.get_by_role("button", name="次を処理").click()
    center.get_by_label("処理結果").fill("資格取得を登録（世帯2人）")
    center.get_by_label("交付物（郵送するもの）").fill("国民健康保険資格確認書")
    center.screenshot(path=str(screenshot.directory / "center-item.png"), full_page=True)
    center.get_by_role("button", name="決裁に回す").click()
    center.get_by_text("決裁に回しました。").wait_for()

    # the approver returns it to the ward with a reason
    approver_page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
    sign_in(approver_page, base, "approver")
    approver_page.goto(f"{base}/center/approvals/")
    approver_page.screenshot(path=str(screenshot.directory / "center-approvals.png"), full_page=True)
    approver_page.get_by_role("link", name="確認する").first.click()
    approver_page.get_by_label("差戻し理由").fill("前住所の転出予定日が未記入")
    approver_page.get_by_role("button", name="受付庁舎に差し戻す").click()
    approver_page.get_by_text("受付庁舎に差し戻しました。").wait_for()

    # the ward sees the return and corrects it
    ward = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
    sign_in(ward, base, "clerk")
    ward.goto(f"{base}/center/returns/")
    assert "前住所の転出予定日が未記入" in ward.locator("main").inner_text()
    ward.screenshot(path=str(screenshot.directory / "ward-returns.png"), full_page=True)
    # the return opens the case itself, editable again: the clerk corrects the data, not a note about it
    ward.get_by_role("link", name="訂正する").first.click()
    ward.get_by_text("集中事務センターから差し戻されました").wait_for()
    assert "訂正中" in ward.locator(".page-lead").inner_text()
    ward.get_by_label("番地・号").fill("1-2-3")
    ward.get_by_role("button", name="保存する").click()
    ward.get_by_text("保存しました。").wait_for()
    ward.get_by_role("button", name="申請書を作成（署名待ちへ）").click()
    ward.screenshot(path=str(screenshot.directory / "ward-correction-ready.png"), full_page=True)
    ward.get_by_label("訂正した内容").fill("番地 1-2-3 を補記")
    ward.get_by_role("button", name="訂正を送付し直す").click()
    ward.get_by_text("訂正した内容（第2版）を集中事務センターへ送付しました。").wait_for()

    # the center processes it again, on the second version; the approver approves
    center.goto(f"{base}/center/")
    center.locator('tr[data-queue="kokuho-kanyu"]').get_by_role("button", name="次を処理").click()
    main = center.locator("main").inner_text()
    assert "番地 1-2-3 を補記" in main
    assert "1-2-3" in center.locator(".facts").inner_text()
    assert "第2版" in main
    center.get_by_label("処理結果").fill("資格取得を登録（世帯2人）")
    center.get_by_role("button", name="決裁に回す").click()
    approver_page.goto(f"{base}/center/approvals/")
    approver_page.get_by_role("link", name="確認する").first.click()
    approver_page.get_by_label("処理結果・交付物・署名済みの帳票を確認しました").check()
    approver_page.get_by_role("button", name="決裁（承認）").click()
    approver_page.get_by_text("決裁しました。").wait_for()
    approver_page.goto(f"{base}/center/dashboard/")
    approver_page.screenshot(path=str(screenshot.directory / "center-dashboard.png"), full_page=True)
    assert approver_page.locator("[data-return-rate]").inner_text() == "50.0%"
    context.close()
