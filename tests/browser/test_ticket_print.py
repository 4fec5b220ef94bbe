"""Printed tickets, as the printers get them: the PDF Chromium prints for each paper, rasterised at the
receipt printers' 203 dpi, and the QR code read back with a real decoder (ZXing)."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
import pytest
import zxingcpp

from tests.browser.test_roles import sign_in
from tests.live import RunningServer

MM_PER_POINT = 25.4 / 72
PRINTER_DPI = 203  # thermal receipt printers; A6 goes to the office printer, read here at the same


def _printed(page: Any) -> tuple[tuple[float, float], list[str]]:
    """The first printed page's size in mm and the texts of the QR codes on it, as a printer would print."""
    page.emulate_media(media="print")
    pdf = pypdfium2.PdfDocument(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    first = pdf[0]
    width, height = first.get_size()
    image = first.render(scale=PRINTER_DPI / 72).to_pil()
    codes = [
        result.text
        for result in zxingcpp.read_barcodes(image)
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]
    return (width * MM_PER_POINT, height * MM_PER_POINT), codes


@pytest.mark.parametrize(("paper", "size_mm"), [("80mm", (80, 110)), ("58mm", (58, 95)), ("a6", (105, 148))])
def test_each_paper_prints_on_its_size_with_a_qr_code_that_reads_back_as_the_wait_page(
    page: Any, live: RunningServer, paper: str, size_mm: tuple[int, int]
) -> None:
    sign_in(page, live.url, "concierge")
    page.goto(f"{live.url}/reception/")
    page.locator("button.purpose", has_text="転入").first.click()
    page.wait_for_url("**/reception/tickets/**")
    page.goto(page.url.split("?")[0] + f"?format={paper}")
    status_url = page.locator(".ticket__qr").get_attribute("data-status-url")
    (width, height), codes = _printed(page)
    assert (round(width), round(height)) == size_mm
    assert codes == [status_url]


def test_the_kiosk_ticket_prints_a_qr_code_that_reads_back(browser: Any, live: RunningServer) -> None:
    token = live.madoguchi("kiosk-token", "--office", "chuo").stdout.split()[-1]
    kiosk = browser.new_context(viewport={"width": 1080, "height": 1400}, locale="ja-JP").new_page()
    # the kiosk page prints itself on load (to the receipt printer); here page.pdf() is that printer
    kiosk.add_init_script("window.print = function () {};")
    kiosk.goto(f"{live.url}/kiosk/?token={token}")
    kiosk.get_by_role("button", name="転入").click()
    status_url = kiosk.locator(".ticket__qr").get_attribute("data-status-url")
    (width, _height), codes = _printed(kiosk)
    assert round(width) == 80  # the kiosk's receipt printer
    assert codes == [status_url]
    kiosk.context.close()
