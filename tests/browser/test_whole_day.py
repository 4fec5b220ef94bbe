"""One household's whole visit, as the people who live it: a widow reports her husband's death.

Kiosk ticket → her phone follows the queue → the bereavement counter calls her → the clerk opens the case
from the ticket and interviews her in the life-event navigator (which is the case's interview) → names,
address, funeral date and bank account on the case page → the forms print with nothing left to write but
the signature → she signs, the case is submitted, she takes her copy (控え) → she is handed over to 保険年金課
with the case, her phone follows her to the new number → the department calls her, sees the case and
accepts the pension claim → the central processing center processes the case's items, the approver returns
one → the ward corrects the data and she signs again → everything is approved → the completion SMS tells her
what was done here and what was done elsewhere.

Each step leaves a screenshot in test-artifacts/screenshots/day-*.png. The day runs on a server of its own:
the other browser tests count what is on their shared server (queues, return rates), and a whole day of one
household would change their counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_reception import open_counter
from tests.browser.test_roles import sign_in
from tests.live import RunningServer, running_server

pytestmark = pytest.mark.browser

DEATH = "2026-12-01"
PENSION = "kokumin-nenkin-mishikyu"


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of this test's own, with the demo city loaded."""
    with running_server(tmp_path_factory.mktemp("day")) as server:
        yield server


def settle(page: Any) -> None:
    """Wait until htmx has sent and applied every request the last action started."""
    page.wait_for_timeout(150)
    page.wait_for_function("() => document.querySelector('.htmx-request') === null")


def desk(browser: Any) -> Any:
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()


def call_until(page: Any, number: str) -> None:
    """Call the counter's queue until `number` is called (earlier residents who left are marked absent)."""
    for _ in range(30):
        current = page.locator("[data-ticket]")
        if current.count() and current.inner_text() == number:
            return
        if current.count():
            page.get_by_role("button", name="不在").click()
        else:
            page.get_by_role("button", name="次の方を呼ぶ").click()
        page.wait_for_load_state()
    raise AssertionError(f"{number} was never called")


def answer_the_rest_no(page: Any) -> None:
    """Every question still open in the navigator: no (nothing else special in this household)."""
    for _ in range(40):
        open_radio = page.locator("#questions input[type=radio][value='']:checked").first
        if not open_radio.count():
            return
        name = open_radio.get_attribute("name")
        page.locator(f"#questions input[name='{name}'][value='no']").check()
        settle(page)
    raise AssertionError("the navigator kept asking")


def process_center_items(browser: Any, base: str, reference: str, shot: Any) -> int:
    """The center claims and processes each open item of `reference`, from each queue's batch."""
    center = desk(browser)
    sign_in(center, base, "center")
    processed = 0
    for _ in range(20):
        center.goto(f"{base}/center/")
        batches = [a.get_attribute("href") for a in center.locator("tr[data-queue] a.batch").all()]
        found = False
        for href in batches:
            center.goto(f"{base}/center/{href}")
            row = center.locator("section tr", has_text=reference)
            if row.count():
                row.first.get_by_role("button", name="処理する").click()
                center.get_by_label("処理結果").fill("資格・給付を登録した")
                if not processed:
                    shot(center, "day-13-center-item")
                center.get_by_role("button", name="決裁に回す").click()
                center.get_by_text("決裁に回しました。").wait_for()
                processed += 1
                found = True
                break
        if not found:
            return processed
    raise AssertionError("the center kept finding items")


def approve_all(approver: Any, base: str, reference: str, *, return_one: str = "") -> int:
    """The approver decides every item of `reference` awaiting approval; returns one if asked."""
    for decided in range(20):
        approver.goto(f"{base}/center/approvals/")
        row = approver.locator("tr", has_text=reference)
        if not row.count():
            return decided
        row.first.get_by_role("link", name="確認する").click()
        if return_one and decided == 0:
            approver.get_by_label("差戻し理由").fill(return_one)
            approver.get_by_role("button", name="受付庁舎に差し戻す").click()
            approver.get_by_text("受付庁舎に差し戻しました。").wait_for()
            return 1
        approver.get_by_label("処理結果・交付物・署名済みの帳票を確認しました").check()
        approver.get_by_role("button", name="決裁（承認）").click()
        approver.get_by_text("決裁しました。").wait_for()
    raise AssertionError("approvals kept coming")


def test_a_bereaved_wife_finishes_every_procedure_in_one_visit(
    browser: Any, day: RunningServer, screenshot: Any
) -> None:
    live = day
    base = live.url
    directory = screenshot.directory

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(directory / f"{name}.png"), full_page=True)

    # 1. The kiosk: a ticket for the bereavement counter.
    token = live.madoguchi("kiosk-token", "--office", "chuo", "--label", "1階入口").stdout.strip()
    kiosk = browser.new_context(viewport={"width": 1080, "height": 1400}, locale="ja-JP").new_page()
    kiosk.goto(f"{base}/kiosk/?token={token}")
    kiosk.get_by_role("button", name=re.compile("死亡（おくやみ）")).click()
    number = kiosk.locator("#ticket-number").inner_text()
    assert number.startswith("O-")
    status_url = kiosk.locator(".ticket__qr").get_attribute("data-status-url")
    shot(kiosk, "day-01-kiosk-ticket")

    # 2. Her phone follows the queue.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="ja-JP"
    ).new_page()
    phone.goto(status_url)
    phone.locator("[data-ahead]").wait_for()
    shot(phone, "day-02-phone-waiting")

    # 3. The bereavement counter calls her and opens the case from the ticket.
    clerk = desk(browser)
    open_counter(clerk, base, "clerk", "おくやみ窓口 1番")
    call_until(clerk, number)
    phone.get_by_text("お呼びしています").wait_for(timeout=8000)
    clerk.get_by_role("button", name="対応を開始").click()
    clerk.get_by_label("届出の事由が生じた日").fill(DEATH)
    clerk.get_by_role("button", name="受付案件を開く").click()
    clerk.wait_for_url("**/cases/*/")
    case_url = clerk.url
    case_number = clerk.locator("h1").inner_text().split("（")[-1].rstrip("）")
    assert case_number.startswith("chuo-"), case_number
    shot(clerk, "day-03-case-opened")

    # 4. The interview is the navigator, on this case.
    clerk.get_by_role("link", name="ライフイベント・ナビで聞き取る").click()
    clerk.wait_for_url("**/interview/")
    clerk.locator("#m-0-birth_date").fill("1950-03-03")
    clerk.locator("#m-0-birth_date").dispatch_event("change")
    settle(clerk)
    clerk.locator("#m-0-subject").check()
    settle(clerk)
    clerk.get_by_role("button", name="世帯の方を追加").click()
    clerk.locator("#m-1-relationship").wait_for()
    settle(clerk)
    clerk.locator("#m-1-relationship").select_option("spouse")
    settle(clerk)
    clerk.locator("#m-1-birth_date").fill("1953-06-06")
    clerk.locator("#m-1-birth_date").dispatch_event("change")
    settle(clerk)
    for index in (0, 1):
        clerk.locator(f"#m-{index}-f-health_insurance").select_option("late_elderly")
        settle(clerk)
    clerk.locator("#questions input[name='m-0-f-receives_public_pension'][value='yes']").check()
    settle(clerk)
    answer_the_rest_no(clerk)
    plan = clerk.locator("#plan-panel").inner_text()
    assert "未支給年金" in plan
    assert "確認待ち" not in plan
    shot(clerk, "day-04-navigator-interview")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="聞き取りを受付案件に保存").click()
    assert "聞き取りの内容を受付案件に保存しました" in clerk.locator(".notices").inner_text()

    # 5. The case page: what the navigator does not ask (names, sex, address), the funeral and the account.
    for index, (given, given_kana, sex) in enumerate(
        [("一郎", "イチロウ", "male"), ("花子", "ハナコ", "female")]
    ):
        clerk.locator(f"#p-{index}-family_name").fill("港")
        clerk.locator(f"#p-{index}-given_name").fill(given)
        clerk.locator(f"#p-{index}-family_name_kana").fill("ミナト")
        clerk.locator(f"#p-{index}-given_name_kana").fill(given_kana)
        clerk.locator(f"#p-{index}-sex").select_option(sex)
    clerk.get_by_label("届出人").nth(1).check()
    postal = clerk.locator("#addr-postal_code")
    postal.fill("2600013")
    postal.dispatch_event("change")
    clerk.wait_for_function("() => document.getElementById('addr-prefecture').value !== ''")
    clerk.locator("#addr-city").fill("みなと市中央区")
    clerk.locator("#addr-town").fill("港町")
    clerk.locator("#addr-block").fill("1-2-3")
    clerk.locator("#contact_phone").fill("090-1234-5678")
    clerk.get_by_label("葬儀を行った日").fill("2026-12-03")
    clerk.get_by_label("金融機関名").fill("みなと銀行")
    clerk.get_by_label("支店名").fill("港町支店")
    clerk.get_by_label("口座番号").fill("7654321")
    clerk.get_by_label("口座名義（カナ）").fill("ミナト　ハナコ")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="保存する").click()
    assert "保存しました" in clerk.locator(".notices").inner_text(), clerk.locator(
        ".form-errors"
    ).all_inner_texts()
    shot(clerk, "day-05-case-entered")

    # 6. The forms: nothing to write but the signature. She signs; the case is submitted; her copy.
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="申請書を作成（署名待ちへ）").click()
    assert clerk.locator(".state").inner_text() == "署名待ち"
    assert "今回 1か所（署名のみ）" in clerk.locator(".written").inner_text()
    shot(clerk, "day-06-ready-for-signature")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="署名を確認して送付").click()
    assert clerk.locator(".state").inner_text() == "送付済み"
    receipt = clerk.request.get(
        base + clerk.get_by_role("link", name="お客様の控えを印刷").get_attribute("href")
    )
    assert receipt.status == 200
    assert "未支給年金・遺族基礎年金の請求" in receipt.text()  # said to be done at 保険年金課
    shot(clerk, "day-07-submitted")

    # 7. She is handed over to 保険年金課 with the case; her phone follows her.
    clerk.goto(f"{base}/reception/counter/")
    clerk.get_by_label("引継ぎ先").select_option(label="H・保険年金課")
    clerk.get_by_label("引継ぎメモ").fill("未支給年金の請求（奥様）")
    clerk.get_by_role("button", name="引き継ぐ").click()
    handed = clerk.locator("#handed-heading").inner_text().split("（")[0]
    assert handed.startswith("H-")
    phone.get_by_text(f"保険年金課へご案内しました。新しい番号は {handed} です。").wait_for(timeout=8000)
    shot(phone, "day-08-phone-handed-over")
    clerk.get_by_role("button", name="窓口を閉じる").click()

    # 8. The department calls her, sees the case, and accepts the pension claim.
    department = desk(browser)
    open_counter(department, base, "department", "保険年金課 1番")
    call_until(department, handed)
    department.get_by_role("link", name=f"受付案件 {case_number} を見る（この課の手続と決定）").click()
    procedure = department.locator(f'[data-procedure="{PENSION}"]')
    assert "港　一郎" in procedure.inner_text()
    shot(department, "day-09-department-case")
    procedure.get_by_role("radio", name="受理", exact=True).check()
    procedure.get_by_role("button", name="決定の確認へ").click()
    department.get_by_role("alertdialog").get_by_role("button", name="決定を登録する").click()
    department.get_by_text("未支給年金・遺族基礎年金の請求 を「受理」と決定しました。").wait_for()
    shot(department, "day-10-department-decided")
    department.get_by_role(
        "button", name="窓口を閉じる"
    ).count()  # the department page has no counter buttons

    # 9. The center processes the case's items; the approver returns one.
    processed = process_center_items(browser, base, case_number, shot)
    assert processed >= 2
    approver = desk(browser)
    sign_in(approver, base, "approver")
    approve_all(approver, base, case_number, return_one="葬儀を行った日を会葬礼状で確認してください")
    shot(approver, "day-14-returned")

    # 10. The ward sees the return on the case itself, corrects the data, and she signs the changed forms.
    clerk.goto(case_url)
    assert clerk.locator(".state").inner_text() == "訂正中"
    assert "葬儀を行った日を会葬礼状で確認してください" in clerk.locator(".notice--warning").inner_text()
    clerk.get_by_label("葬儀を行った日").fill("2026-12-02")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="保存する").click()
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="申請書を作成（署名待ちへ）").click()
    clerk.get_by_label("訂正した内容").fill("葬儀を行った日を12月2日に訂正")
    shot(clerk, "day-15-correction")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="訂正を送付し直す").click()
    assert clerk.locator(".state").inner_text() == "送付済み"

    # 11. The corrected item is processed again and everything is approved: the case is complete.
    assert process_center_items(browser, base, case_number, shot) == 1
    approve_all(approver, base, case_number)
    clerk.goto(case_url)
    assert clerk.locator(".state").inner_text() == "処理完了"
    assert "不受理" not in clerk.locator("main").inner_text()
    assert "受理" in clerk.locator(".decisions").inner_text()
    shot(clerk, "day-16-completed")

    # 12. The completion SMS says what was done here and what was done elsewhere, by name.
    sms = live.madoguchi(
        "shell",
        "--no-imports",
        "-c",
        "from madoguchi.notifications.models import Notification;"
        "n = Notification.objects.filter(topic='center.case_completed').order_by('-created_at').first();"
        "print(n.body)",
    ).stdout
    assert case_number in sms
    assert "すべて完了" not in sms  # the pension office's claim and others are done elsewhere
    assert "未支給年金・遺族基礎年金の請求" in sms
