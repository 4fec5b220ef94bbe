"""A manager starts an effect simulation, watches it progress, reads the report and opens the PDF."""

from __future__ import annotations

from typing import Any

from tests.browser.test_roles import sign_in
from tests.live import RunningServer


def test_a_manager_runs_the_savings_simulation(page: Any, live: RunningServer, screenshot: Any) -> None:
    sign_in(page, live.url, "manager")
    page.goto(f"{live.url}/simulations/")
    page.get_by_label("試算の種類").select_option("savings")
    page.get_by_label("反復回数（世帯人数別の試算）").fill("20")
    page.get_by_role("button", name="試算を始める").click()
    # the run is a background task of the server; the page follows it and shows the report when done
    page.get_by_role("heading", name="結果").wait_for(timeout=120_000)
    page.locator("figure img").first.wait_for()
    page.wait_for_function("() => document.querySelector('figure img').naturalWidth > 0")
    assert "転入 3人世帯：導入前" in page.locator("main").inner_text()
    screenshot("simulation-report")
    pdf = page.request.get(live.url + page.get_by_role("link", name="PDFで開く").get_attribute("href"))
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")
    (screenshot.directory / "simulation-report.pdf").write_bytes(pdf.body())
    page.goto(f"{live.url}/simulations/")
    page.get_by_label("反復回数（世帯人数別の試算）").fill("0")
    page.get_by_role("button", name="試算を始める").click()
    assert page.locator("#replications-error").inner_text() == "1 から 2000 までの数にしてください。"
    screenshot("simulation-form-error")
