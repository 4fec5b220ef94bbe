"""A manager uploads the demo inventory, screens it, changes the criteria and exports the selection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from madoguchi.screening.demo_inventory import DEMO_INVENTORY
from tests.browser.test_roles import sign_in
from tests.live import RunningServer

pytestmark = pytest.mark.browser


def test_upload_screen_and_export(page: Any, live: RunningServer, screenshot: Any, tmp_path: Path) -> None:
    # given
    sign_in(page, live.url, "manager")
    page.wait_for_url("**/home/manager/")
    page.get_by_role("link", name="業務選定").click()
    page.wait_for_url("**/screening/")
    screenshot("screening-empty")
    # when the manager uploads the demo inventory file (read by a background task; its page follows it)
    page.get_by_label("業務棚卸表のファイル").set_input_files(str(DEMO_INVENTORY))
    page.get_by_role("button", name="読み込む").click()
    page.wait_for_url("**/screening/upload/*/")
    page.wait_for_url("**/screening/", timeout=60_000)
    # then Chiba's criteria keep 148 of 762
    assert page.locator("#selected-count").inner_text() == "148"
    assert "762 行" in page.locator(".notice--success").inner_text()
    assert page.locator("svg .chart__point--selected").count() == 148
    assert page.locator("#selection tbody tr").count() == 148
    screenshot("screening-demo")
    # when the criteria are widened
    page.get_by_label("ライフイベント関連度", exact=True).select_option("中")
    page.get_by_label("平均受付時間（分）がこの値未満").fill("15")
    page.get_by_role("button", name="この基準で選定する").click()
    page.wait_for_load_state()
    widened = int(page.locator("#selected-count").inner_text())
    assert widened > 148
    screenshot("screening-widened")
    # and the selection is exported
    with page.expect_download() as download:
        page.get_by_role("link", name="CSVで出力").click()
    content = download.value.path().read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").count("\r\n") == widened + 1
    # applying to the catalog first shows what would change; going back changes nothing
    page.get_by_role("button", name="カタログに反映").click()
    page.get_by_role("heading", level=1, name="カタログへの反映の確認").wait_for()
    assert page.locator("tr[data-code]").count() > 0
    assert page.get_by_role("button", name="カタログに反映する").is_visible()
    screenshot("screening-catalog-confirm")
    page.get_by_role("link", name="選定に戻る").click()
    page.wait_for_url("**/screening/?*")
    assert int(page.locator("#selected-count").inner_text()) == widened
    # a file that is not an inventory: the task's page says why
    page.goto(f"{live.url}/screening/")
    notes = tmp_path / "notes.txt"
    notes.write_text("memo\nhello\n", encoding="utf-8")
    page.get_by_label("業務棚卸表のファイル").set_input_files(str(notes))
    page.get_by_role("button", name="読み込む").click()
    page.wait_for_url("**/screening/upload/*/")
    alert = page.locator("#read-status [role=alert]")
    alert.wait_for(timeout=60_000)
    assert "必須の列がありません" in alert.inner_text()
    screenshot("screening-read-failed")
