"""Prepared at home: a family of four prepares a move-in on a phone in English, brings the QR code, and
the counter reads it from a screenshot of the phone: the case opens filled in and the forms print with
nothing to write but the signature. axe-core checks every step of the phone pages."""

from __future__ import annotations

from typing import Any

import pytest

from madoguchi.preparation import qr
from tests.browser.a11y import assert_accessible, axe_violations
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_roles import sign_in
from tests.live import RunningServer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FAMILY = [
    # family, given, kana family, kana given, birth, sex, relationship
    ("𠮷田", "髙志", "ヨシダ", "タカシ", "1984-05-17", "male", "head"),
    ("𠮷田", "美﨑", "ヨシダ", "ミサキ", "1986-11-02", "female", "spouse"),
    ("𠮷田", "陽葵", "ヨシダ", "ヒマリ", "2016-07-21", "female", "child"),
    ("𠮷田", "蒼", "ヨシダ", "アオイ", "2022-02-09", "male", "child"),
]


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US", bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def next_step(page: Any, button: str = "Next") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_a_family_prepares_a_move_in_on_a_phone_in_english_and_the_counter_types_nothing(
    phone: Any, page: Any, live: RunningServer
) -> None:
    phone.goto(f"{live.url}/prepare/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="English").click()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert "Step 1 of 7" in phone.locator(".prep-progress").inner_text()
    assert_accessible(phone, "event step")
    shot(phone, "prepare-1-event-en-phone")

    # a mistake first: a date that does not exist
    phone.get_by_label("Moving into the city").check()
    phone.get_by_label("Date of the event").fill("2026-02-30")
    next_step(phone)
    assert phone.locator("#prep-errors").is_visible()
    assert phone.locator("#f-event_date").get_attribute("aria-invalid") == "true"
    assert_accessible(phone, "event step with an error")
    shot(phone, "prepare-1-event-wrong-date-en-phone")
    phone.get_by_label("Date of the event").fill("2026-11-28")
    next_step(phone)

    for _index in range(len(FAMILY) - 1):
        next_step(phone, "Add household member")
    for index, (family, given, kana_f, kana_g, birth, sex, relationship) in enumerate(FAMILY):
        person = phone.locator(f"#person-{index}")
        person.locator(f"#f-p-{index}-family_name").fill(family)
        person.locator(f"#f-p-{index}-given_name").fill(given)
        person.locator(f"#f-p-{index}-family_name_kana").fill(kana_f)
        person.locator(f"#f-p-{index}-given_name_kana").fill(kana_g)
        person.locator(f"#f-p-{index}-birth_date").fill(birth)
        person.locator(f"input[name='p-{index}-sex'][value='{sex}']").check()
        person.locator(f"#f-p-{index}-relationship").select_option(relationship)
        person.locator(f"#f-p-{index}-health_insurance").select_option(
            "employee" if index == 0 else "employee_dependent"
        )
    phone.locator("#f-p-2-previous_school").fill("港区立芝小学校")
    assert_accessible(phone, "people step")
    shot(phone, "prepare-2-people-en-phone")
    next_step(phone)

    for name, value in {
        "addr-postal_code": "2600013",
        "addr-prefecture": "千葉県",
        "addr-city": "千葉市中央区",
        "addr-town": "中央四丁目",
        "addr-block": "5番1号",
        "addr-building": "髙﨑ハイツ305",
        "prev-prefecture": "東京都",
        "prev-city": "港区",
        "prev-town": "芝公園四丁目",
        "prev-block": "2番8号",
        "contact_phone": "090-1234-5678",
    }.items():
        phone.locator(f"#f-{name}").fill(value)
    phone.get_by_label("Another municipality in Japan").check()
    phone.locator("summary").click()
    phone.locator("#f-bank-bank").fill("千葉銀行")
    phone.locator("#f-bank-branch").fill("本店営業部")
    phone.locator("#f-bank-kind").select_option("ordinary")
    phone.locator("#f-bank-number").fill("1234567")
    phone.locator("#f-bank-holder_kana").fill("ヨシダ タカシ")
    assert_accessible(phone, "address step")
    shot(phone, "prepare-3-address-en-phone")
    next_step(phone)

    for _round in range(4):  # the plan asks; each answer may raise the next question
        if phone.locator("input[name=step]").get_attribute("value") != "questions":
            break
        assert_accessible(phone, "questions step")
        shot(phone, f"prepare-4-questions-{_round}-en-phone")
        for radio in phone.locator("fieldset.prep-choice").all():
            options = radio.locator("input[type=radio]")
            values = [options.nth(i).get_attribute("value") for i in range(options.count())]
            child = "Hima" in radio.inner_text() or "陽葵" in radio.inner_text()
            choice = (
                "elementary" if child and "elementary" in values else ("no" if "no" in values else "none")
            )
            radio.locator(f"input[value='{choice}']").check()
        next_step(phone)

    assert "Step 5 of 7" in phone.locator(".prep-progress").inner_text()
    plan = phone.locator("main").inner_text()
    assert "Notification of moving in" in plan or "procedure" in plan.lower()
    assert_accessible(phone, "plan step")
    shot(phone, "prepare-5-plan-en-phone")
    next_step(phone)
    phone.locator("#f-office").select_option("chuo")
    assert_accessible(phone, "visit step")
    shot(phone, "prepare-6-visit-en-phone")
    next_step(phone, "Finish and make the QR code")

    assert "Your preparation is complete" in phone.locator("h1").inner_text()
    assert_accessible(phone, "the QR code page")
    shot(phone, "prepare-7-code-en-phone")
    # the counter reads the code from a screenshot of the phone's screen
    screen = SCREENSHOTS / "prepare-7-code-phone-screen.png"
    phone.locator(".prep-code__image").first.screenshot(path=str(screen))
    texts = qr.read_image(screen)
    assert len(texts) == 1
    assert texts[0].startswith("MDG1")

    # at the counter: the clerk's scanner types the code into the scan page
    sign_in(page, live.url, "clerk")
    page.wait_for_url("**/home/onestop_clerk/")
    page.goto(f"{live.url}/prepared/scan/")
    page.locator("#scan-code").fill(texts[0])
    with page.expect_navigation():
        page.locator("#scan-code").press("Enter")
    page.wait_for_url("**/cases/*/")
    assert page.locator("#prepared-notice").is_visible()
    assert page.locator("#p-0-family_name").input_value() == "𠮷田"
    assert page.locator("#p-1-given_name").input_value() == "美﨑"
    assert page.locator(".tag--source").count() > 20
    page.screenshot(path=str(SCREENSHOTS / "prepare-8-counter-case.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="申請書を作成（署名待ちへ）").click()
    assert page.locator(".state").inner_text() == "署名待ち"
    assert "今回 1か所（署名のみ）" in page.locator(".written").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "prepare-9-counter-ready.png"), full_page=True)


def test_the_first_step_in_japanese_at_desk_size_is_accessible(browser: Any, live: RunningServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live.url}/prepare/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "7ステップ中 1" in page.locator(".prep-progress").inner_text()
    assert_accessible(page, "event step, Japanese, desk")
    shot(page, "prepare-1-event-ja-desk")
    context.close()


def test_the_accessibility_check_finds_what_it_should(browser: Any) -> None:
    # a check that never fails proves nothing: an unlabelled field and unreadable contrast are found
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(
        '<html lang="en"><body><main><input type="text">'
        '<p style="color:#eee;background:#fff">faint</p></main></body></html>'
    )
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "color-contrast"} <= found
    context.close()
