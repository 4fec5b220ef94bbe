"""予約 end to end: a resident books the one-stop counter on a phone and keeps the manage link; the
concierge finds the reservation on the day's list and by its code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_roles import sign_in
from tests.live import RunningServer

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized page (iPhone 14 width) with touch."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_resident_books_on_a_phone_and_the_concierge_finds_it(
    phone: Any, page: Any, live: RunningServer, screenshot: Any
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.goto(f"{live.url}/reserve/")
    phone.get_by_role("link", name=re.compile("中央区役所")).click()
    phone.get_by_role("link", name=re.compile("総合窓口")).click()
    days = phone.locator("a.day")
    assert days.count() >= 20
    days.last.click()  # the furthest day: its slots are all still ahead, whatever the time now
    day = re.search(r"date=(\d{4}-\d\d-\d\d)", phone.url)
    assert day is not None
    phone.locator("label.slot").first.click()
    # sent without a name or a contact: the page comes back with a message at each field, the time kept
    with phone.expect_navigation():
        phone.get_by_role("button", name="この内容で予約する").click()
    errors = phone.locator(".field__error").all_inner_texts()
    assert errors == [
        "お名前をフリガナで入力してください。",
        "電話番号かメールアドレスのどちらかを入力してください。",
    ]
    assert phone.locator("input[name='start']:checked").count() == 1
    phone.screenshot(path=str(SCREENSHOTS / "reservation-phone-errors.png"), full_page=True)
    phone.get_by_label("お名前（フリガナ）").fill("みなと　はなこ")
    phone.get_by_label("電話番号").fill("090-1234-5678")
    phone.get_by_label("ご用件").fill("転入の手続")
    # nothing may be wider than the phone's screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SCREENSHOTS / "reservation-phone-form.png"), full_page=True)

    with phone.expect_navigation():
        phone.get_by_role("button", name="この内容で予約する").click()
    # a confirmation page first: nothing is held until the resident confirms
    assert "まだ予約は確定していません" in phone.content()
    assert "ミナト　ハナコ" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SCREENSHOTS / "reservation-phone-check.png"), full_page=True)
    with phone.expect_navigation():
        phone.get_by_role("button", name="予約を確定する").click()
    assert "/reserve/manage/" in phone.url
    assert "予約を受け付けました。" in phone.locator(".notices").inner_text()
    code = phone.locator(".reservation-code__value").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert "本人確認書類" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SCREENSHOTS / "reservation-phone-confirmation.png"), full_page=True)

    sign_in(page, live.url, "concierge")
    page.wait_for_url("**/home/concierge/")
    page.get_by_role("link", name="予約", exact=True).click()
    page.goto(f"{live.url}/reception/reservations/?date={day.group(1)}")
    assert "ミナト　ハナコ" in page.locator(".reservation-table").first.inner_text()
    screenshot("reservation-staff-list")
    page.get_by_label("予約番号で照会").fill(code.lower())
    page.get_by_role("button", name="照会").click()
    assert code in page.locator(".found").inner_text()
    assert "ミナト　ハナコ" in page.locator(".found").inner_text()
