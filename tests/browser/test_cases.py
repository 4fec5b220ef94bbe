"""書かない窓口 end to end: a clerk enters a family of five once and prints the bundle; the case awaits
signature; a contractor cannot see a My Number; a permitted reveal is in the audit log."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.test_roles import sign_in
from tests.live import RunningServer

pytestmark = pytest.mark.browser

FAMILY = [
    # family, given, kana family, kana given, birth (和暦 accepted), relationship, sex, insurance, school
    ("髙﨑", "健一", "たかさき", "けんいち", "昭和59年7月1日", "head", "male", "national", "none"),
    ("髙﨑", "美咲", "タカサキ", "ミサキ", "1986-01-15", "spouse", "female", "national", "none"),
    ("髙﨑", "翔", "タカサキ", "ショウ", "H24.5.5", "child", "male", "national", "junior_high"),
    ("髙﨑", "結衣", "タカサキ", "ユイ", "2017-10-10", "child", "female", "national", "elementary"),
    ("髙﨑", "トメ", "タカサキ", "トメ", "1950-03-03", "parent", "female", "late_elderly", "none"),
]


def fill_person(page: Any, index: int, person: tuple[str, ...]) -> None:
    family, given, kana_family, kana_given, birth, relationship, sex, insurance, school = person
    page.locator(f"#p-{index}-family_name").fill(family)
    page.locator(f"#p-{index}-given_name").fill(given)
    page.locator(f"#p-{index}-family_name_kana").fill(kana_family)
    page.locator(f"#p-{index}-given_name_kana").fill(kana_given)
    page.locator(f"#p-{index}-birth_date").fill(birth)
    page.locator(f"#p-{index}-relationship").select_option(relationship)
    page.locator(f"#p-{index}-sex").select_option(sex)
    page.locator(f"#p-{index}-health_insurance").select_option(insurance)
    page.locator(f"#p-{index}-f-school").select_option(school)
    page.locator(f"#p-{index}-subject").check()


def test_clerk_enters_a_family_of_five_once_and_prints_the_bundle(
    page: Any, live: RunningServer, screenshot: Any
) -> None:
    sign_in(page, live.url, "clerk")
    page.wait_for_url("**/home/onestop_clerk/")
    page.get_by_role("link", name="受付案件", exact=True).first.click()
    page.get_by_role("button", name="転入").click()
    page.wait_for_url("**/cases/*/")

    page.get_by_label("届出の事由が生じた日").fill("令和8年4月1日")
    page.get_by_label("他の市区町村").check()
    postal = page.locator("#addr-postal_code")
    postal.fill("2600013")
    postal.dispatch_event("change")
    page.locator("#addr-prefecture").wait_for()
    page.wait_for_function("() => document.getElementById('addr-prefecture').value !== ''")
    assert page.locator("#addr-prefecture").input_value() == "千葉県"
    page.locator("#addr-city").fill("みなと市中央区")
    page.locator("#addr-town").fill("港町")
    page.locator("#addr-block").fill("1-2-3")
    page.locator("#prev-municipality").fill("千代田区")
    page.locator("#prev-town").fill("千代田1-1")
    page.locator("#contact_phone").fill("090-1234-5678")
    fill_person(page, 0, FAMILY[0])
    page.locator("#p-0-my_number").fill("123456789018")
    for index in range(1, len(FAMILY)):
        page.get_by_role("button", name="世帯の方を追加").click()
        page.locator(f"#p-{index}-family_name").wait_for()
        for earlier in range(index):
            # the page came back from the server with what was typed; only the new row is empty
            assert page.locator(f"#p-{earlier}-family_name").input_value() == FAMILY[earlier][0]
        fill_person(page, index, FAMILY[index])
    page.get_by_label("届出人").first.check()
    # every remaining fact: no (the family has no dog, no car, nobody pregnant ...)
    for summary in page.get_by_text("手続の判定に使う事項").all():
        summary.click()
    for select in page.locator("select[name^='h-'], select[name*='-f-']").all():
        if select.input_value() == "":
            select.select_option("no")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    assert "保存しました" in page.locator(".notices").inner_text()
    screenshot("case-interview")
    # the plan has the child allowance and the children change schools: the counter asks what those forms
    # need (the account, the previous schools), so that the resident writes nothing but the signature
    page.get_by_label("金融機関名").fill("みなと銀行")
    page.get_by_label("支店名").fill("港町支店")
    page.get_by_label("口座番号").fill("１２３４５")  # full-width and short, as people say it
    page.get_by_label("口座名義（カナ）").fill("ﾀｶｻｷ ｹﾝｲﾁ")
    page.locator("#p-2-previous_school").fill("千代田区立神田中学校")
    page.locator("#p-3-previous_school").fill("千代田区立お茶の水小学校")
    assert page.locator("#p-0-previous_school").count() == 0  # not asked of the adults
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    assert "保存しました" in page.locator(".notices").inner_text()
    assert page.get_by_label("口座番号").input_value() == "0012345"
    assert page.get_by_label("口座名義（カナ）").input_value() == "タカサキ　ケンイチ"
    screenshot("case-interview-account")

    with page.expect_navigation():
        page.get_by_role("button", name="申請書を作成（署名待ちへ）").click()
    notices = page.locator(".notices")
    assert notices.count() == 0 or "確認が済んでいない" not in notices.inner_text(), notices.inner_text()
    assert page.locator(".state").inner_text() == "署名待ち"
    written = page.locator(".written").inner_text()
    # everything the forms need was asked: the signature is all the resident writes
    assert "今回 1か所（署名のみ）" in written
    screenshot("case-ready-for-signature")
    page.screenshot(path=str(screenshot.directory / "case-ready-for-signature-top.png"))

    bundle_url = page.get_by_role("link", name="申請書を印刷（PDF）").get_attribute("href")
    response = page.request.get(live.url + bundle_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    (screenshot.directory / "case-bundle.pdf").write_bytes(response.body())
    printed = "".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(response.body())).pages)
    printed = printed.replace("\n", "")
    assert "みなと銀行　港町支店" in printed
    assert "普通　0012345" in printed
    assert "千代田区立神田中学校" in printed
    assert "ご記入いただく欄" not in printed  # the signature sheet names no blank cell

    # the clerk (a city employee) may reveal the stored My Number, with a reason that is audited
    case_url = page.url
    page.get_by_label("個人番号を表示する理由").first.fill("本人確認書類との照合")
    page.get_by_role("button", name="個人番号を表示").first.click()
    page.locator(".my-number").wait_for()
    assert "1234 5678 9018" in page.locator(".my-number").inner_text()
    page.get_by_role("button", name="ログアウト").click()

    # a contractor sees no reveal button, and a forged request is refused
    sign_in(page, live.url, "contractor")
    page.wait_for_url("**/home/contractor_clerk/")
    page.goto(case_url)
    assert page.get_by_role("button", name="個人番号を表示").count() == 0
    assert "123456789018" not in page.content()
    person_id = page.locator("input[name='p-0-member_id']").get_attribute("value")
    assert person_id == "m1"
    page.get_by_role("button", name="ログアウト").click()

    sign_in(page, live.url, "manager")
    page.wait_for_url("**/home/manager/")
    page.goto(f"{live.url}/audit/?action=case.my_number.reveal")
    results = page.locator("#audit-results").inner_text()
    assert "個人番号の表示" in results  # the event's label; the code is in the details for auditors
    assert "窓口 太郎" in results  # the clerk's name, not the login ID
    assert "本人確認書類との照合" in results
    screenshot("audit-my-number-reveal")


def test_a_postal_code_of_several_towns_asks_which_one(
    page: Any, live: RunningServer, screenshot: Any
) -> None:
    sign_in(page, live.url, "clerk")
    page.wait_for_url("**/home/onestop_clerk/")
    page.get_by_role("link", name="受付案件", exact=True).first.click()
    page.get_by_role("button", name="転入").click()
    page.wait_for_url("**/cases/*/")
    postal = page.locator("#addr-postal_code")
    postal.fill("260-0822")  # 千葉市中央区 蘇我 and 蘇我町
    postal.press("Tab")
    page.get_by_text("この郵便番号には町域が複数あります。選んでください：").wait_for()
    # what the towns share is filled in; the town is not guessed
    assert page.locator("#addr-prefecture").input_value() == "千葉県"
    assert page.locator("#addr-city").input_value() == "千葉市中央区"
    assert page.locator("#addr-town").input_value() == ""
    screenshot("case-postal-several-towns")
    page.get_by_role("button", name="蘇我町", exact=True).click()
    assert page.locator("#addr-town").input_value() == "蘇我町"
