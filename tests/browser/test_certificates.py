"""A resident requests a 住民票の写し on the phone, picks it up at a (simulated) store terminal, and the
certificate verifies at /verify/; a resident under DV support measures is refused at the store with a
reason. The printed certificate is rasterised and its QR code read back with a real decoder."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from madoguchi.preparation import qr
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import SCREENSHOTS
from tests.live import RunningServer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
STORE = "/certificates/store/store-minatomachi/"


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def demo_cards(live: RunningServer) -> dict[str, tuple[str, str]]:
    printed = live.madoguchi("demo").stdout
    cards = {}
    for line in printed.splitlines():
        match = re.match(r"\s+(.+?)\s{2,}.*card (\d{12})\s+PIN (\d{4})", line)
        if match:
            cards[match.group(1)] = (match.group(2), match.group(3))
    assert {"ordinary", "support measure (DV)"} <= set(cards), printed
    return cards


def stores_open() -> bool:
    now = datetime.now(ZoneInfo("Asia/Tokyo"))
    closed = now.strftime("%m-%d") in {"12-29", "12-30", "12-31", "01-01", "01-02", "01-03"}
    return not closed and (6, 30) <= (now.hour, now.minute) < (23, 0)


def read_card(page: Any, card: tuple[str, str]) -> None:
    page.get_by_label("マイナンバーカードの番号（12けた）").fill(card[0])
    page.get_by_label("利用者証明用の暗証番号（4けた）").fill(card[1])
    with page.expect_navigation():
        page.get_by_role("button", name="カードを読み取る").click()


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="ja-JP", bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def test_requested_on_a_phone_picked_up_at_a_store_and_verified(
    phone: Any, page: Any, live: RunningServer, tmp_path: Path
) -> None:
    cards = demo_cards(live)
    # the resident requests on the phone, with one wrong PIN first
    phone.goto(live.url + "/certificates/")
    assert_accessible(phone, "phone request: card")
    read_card(phone, (cards["ordinary"][0], "0000" if cards["ordinary"][1] != "0000" else "1111"))
    assert "暗証番号が違います。" in phone.content()
    read_card(phone, cards["ordinary"])
    phone.get_by_label("住民票の写し（200円）").check()
    assert_accessible(phone, "phone request: certificate")
    shot(phone, "certificates-phone-request")
    with phone.expect_navigation():
        phone.get_by_role("button", name="申請する").click()
    pickup_code = phone.locator("[data-pickup-code]").inner_text()
    assert re.fullmatch(r"\d{8}", pickup_code)
    assert_accessible(phone, "phone request: done")
    shot(phone, "certificates-phone-done")
    phone.go_back()  # Back after the request: the draft form is not resubmitted
    assert "カードを読み取る" in phone.content()

    # at the store
    page.goto(live.url + STORE)
    shot(page, "certificates-store-card")
    read_card(page, cards["ordinary"])
    shot(page, "certificates-store-menu")
    if not stores_open():
        with page.expect_navigation():
            page.locator("[data-pickup]").first.click()
        assert "6:30〜23:00" in page.content()
        return
    with page.expect_navigation():
        page.locator("[data-pickup]").first.click()
    assert "印刷しました" in page.content()
    shot(page, "certificates-store-printed")
    with page.expect_download() as download:
        page.locator("[data-paper]").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)

    # the certificate as paper: rasterised, its QR code read back, its code checked
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(SCREENSHOTS / "certificate")],
        check=True,
    )
    codes = qr.read_image(SCREENSHOTS / "certificate.png")
    assert len(codes) == 1
    assert codes[0].startswith("MDG1V")

    # anyone who receives it checks it, by file and by the printed code
    page.goto(live.url + "/verify/")
    page.set_input_files("#f-file", str(pdf))
    with page.expect_navigation():
        page.get_by_role("button", name="確認する").click()
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "valid"
    shot(page, "certificates-verify-valid")
    page.goto(live.url + "/verify/?c=" + codes[0])
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "valid"
    # a changed file does not verify: one byte of the signed content flipped
    data = bytearray(pdf.read_bytes())
    middle = len(data) // 3
    data[middle] ^= 0x01
    tampered = tmp_path / "changed.pdf"
    tampered.write_bytes(bytes(data))
    page.set_input_files("#f-file", str(tampered))
    with page.expect_navigation():
        page.get_by_role("button", name="確認する").click()
    verdict = page.locator("[data-verdict]")
    if verdict.count():
        assert verdict.get_attribute("data-verdict") == "altered"
    else:
        assert "読み取れませんでした" in page.content()
    shot(page, "certificates-verify-altered")


def test_a_resident_under_support_measures_is_refused_at_the_store(page: Any, live: RunningServer) -> None:
    cards = demo_cards(live)
    page.goto(live.url + STORE)
    read_card(page, cards["support measure (DV)"])
    with page.expect_navigation():
        page.get_by_role("button", name="発行する").click()
    text = page.locator("[data-error]").inner_text()
    assert ("安全のための措置により" in text) if stores_open() else ("6:30〜23:00" in text)
    assert "data:application/pdf" not in page.content()
    shot(page, "certificates-store-refused")


def test_verify_page_in_english_on_a_phone(browser: Any, live: RunningServer) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="en-US")
    page = context.new_page()
    page.goto(live.url + "/verify/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check a certificate"
    with page.expect_navigation():
        page.get_by_role("button", name="Review").click()  # nothing entered
    assert "Enter the verification code or choose the PDF file." in page.content()
    shot(page, "certificates-verify-en-phone")
    context.close()
