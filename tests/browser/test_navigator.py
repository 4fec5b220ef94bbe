"""A clerk walks a family of five through moving in and prints the resident's checklist."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_roles import sign_in
from tests.live import RunningServer

pytestmark = pytest.mark.browser

FAMILY = [
    # label, relationship, birth date, health insurance
    ("父", "head", "1984-07-01", "national"),
    ("母", "spouse", "1986-01-15", "national"),
    ("長男", "child", "2012-05-05", "national"),
    ("長女", "child", "2017-10-10", "national"),
    ("祖母", "parent", "1950-03-03", "late_elderly"),
]


def settle(page: Any) -> None:
    """Wait until htmx has sent and applied every request the last action started."""
    page.wait_for_timeout(150)
    page.wait_for_function("() => document.querySelector('.htmx-request') === null")


def test_five_person_move_in_and_checklist(page: Any, live: RunningServer, screenshot: Any) -> None:
    sign_in(page, live.url, "clerk")
    page.wait_for_url("**/home/onestop_clerk/")
    page.get_by_role("link", name="ライフイベント・ナビ", exact=True).first.click()
    page.get_by_role("link", name="転入").click()
    page.wait_for_url("**/navigator/tennyu/")

    page.get_by_label("届出の事由が生じた日").fill("2026-04-01")
    page.get_by_label("他の市区町村").check()
    for index, (label, relationship, birth, _insurance) in enumerate(FAMILY):
        if index > 0:
            page.get_by_role("button", name="世帯の方を追加").click()
            page.locator(f"#m-{index}-label").wait_for()
            settle(page)
        page.locator(f"#m-{index}-label").fill(label)
        page.locator(f"#m-{index}-relationship").select_option(relationship)
        page.locator(f"#m-{index}-birth_date").fill(birth)
        page.locator(f"#m-{index}-birth_date").dispatch_event("change")
        settle(page)

    # the plan already lists the move-in notification; insurance is asked for each member
    plan = page.locator("#plan-panel")
    assert "転入届" in plan.inner_text(), page.locator("#form-problems").inner_text()
    # the father's sex settles that he is not asked about pregnancy; an 8-year-old is never asked about a seal
    assert page.locator('[name="m-0-f-pregnant"]').count() > 0  # はい・いいえ・未確認
    page.locator("#m-0-sex").select_option("male")
    settle(page)
    assert page.locator('[name="m-0-f-pregnant"]').count() == 0
    assert page.locator('[name="m-3-f-has_seal_registration"]').count() == 0
    # what is not decided yet says whose answer, to which question, it waits for
    waiting = plan.locator(".plan-item--ask").first.inner_text()
    assert "次の答えで決まります" in waiting
    assert f"{FAMILY[0][0]}：" in waiting
    screenshot("navigator-5-person-waits-for-answers")
    # on a phone (or a tablet held upright at the counter) the open questions wrap inside the page
    desk = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    plan.locator(".plan-item__waits").first.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    waits = plan.locator(".plan-item__waits").first.bounding_box()
    assert waits is not None
    assert 0 <= waits["x"] <= waits["x"] + waits["width"] <= 390
    screenshot("navigator-5-person-waits-for-answers-phone")
    page.set_viewport_size(desk)
    for index, (_label, _rel, _birth, insurance) in enumerate(FAMILY):
        page.locator(f"#m-{index}-f-health_insurance").select_option(insurance)
        settle(page)
    screenshot("navigator-5-person-tennyu")
    text = plan.inner_text()
    for name in ["国民健康保険 加入", "後期高齢者医療", "児童手当", "転入学"]:
        assert name in text, name

    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="チェックリストを印刷").click()
    checklist = popup_info.value
    checklist.wait_for_load_state()
    assert "転入の手続チェックリスト" in checklist.locator("h1").inner_text()
    assert checklist.locator("tbody tr").count() >= 8
    checklist.screenshot(path=str(screenshot.directory / "checklist-tennyu.png"), full_page=True)
    checklist.pdf(path=str(screenshot.directory / "checklist-tennyu.pdf"), format="A4", print_background=True)
    checklist.close()

    # the same household's checklist in やさしい日本語 and in English: the catalog's own texts in each
    for button, language, expected in [
        ("やさしい日本語のチェックリスト", "ja-easy", ["ひっこして きた ことを しらせる", "（転入届）"]),
        ("英語のチェックリスト", "en", ["Moving-in notification"]),
    ]:
        with page.expect_popup() as popup_info:
            page.get_by_role("button", name=button).click()
        other = popup_info.value
        other.wait_for_load_state()
        text = other.locator("main").inner_text()
        for phrase in expected:
            assert phrase in text, (language, phrase)
        assert "国民健康保険 加入（資格取得）" not in text, language  # not the standard Japanese name
        other.set_viewport_size({"width": 390, "height": 844})
        phone = screenshot.directory / f"checklist-tennyu-{language}-phone.png"
        other.screenshot(path=str(phone), full_page=True)
        other.close()

    # the interview becomes the case: nothing the family said is typed again
    with page.expect_navigation():
        page.get_by_role("button", name="この聞き取りで受付案件を作る").click()
    page.wait_for_url("**/cases/*/")
    assert "ナビの聞き取りから受付案件を作りました" in page.locator(".notices").inner_text()
    for index, (_label, relationship, birth, insurance) in enumerate(FAMILY):
        assert page.locator(f"#p-{index}-relationship").input_value() == relationship
        assert page.locator(f"#p-{index}-birth_date").input_value() == birth
        assert page.locator(f"#p-{index}-health_insurance").input_value() == insurance
    assert page.locator("#p-0-family_name").input_value() == ""  # the names come next, on the case page
    screenshot("case-from-navigator")

    # back in the navigator from the case, the household is there and an answer is saved into the case
    page.get_by_role("link", name="ライフイベント・ナビで聞き取る").click()
    page.wait_for_url("**/interview/")
    assert page.locator("#m-4-relationship").input_value() == "parent"
    page.locator("input[name='m-4-f-care_certified'][value='yes']").check()
    settle(page)
    screenshot("case-interview-navigator")
    with page.expect_navigation():
        page.get_by_role("button", name="聞き取りを受付案件に保存").click()
    assert "聞き取りの内容を受付案件に保存しました" in page.locator(".notices").inner_text()
    assert page.locator("#p-4-f-care_certified").input_value() == "yes"
