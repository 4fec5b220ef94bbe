"""A manager edits a procedure's conditions in a browser: a typo is named at its field in Japanese, and the
preview names the scenario households the change would alter, before anything is saved."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_roles import sign_in
from tests.live import RunningServer

pytestmark = pytest.mark.browser


def test_a_manager_sees_what_a_rule_change_does_before_saving(
    page: Any, live: RunningServer, screenshot: Any
) -> None:
    sign_in(page, live.url, "manager")
    page.wait_for_url("**/home/manager/")
    page.get_by_role("link", name="手続カタログ").click()
    page.get_by_role("link", name="kokuho-kanyu").click()
    condition = page.locator("#rule-0-when")
    original = condition.input_value()
    condition.fill(original + " and member.agee >= 75")
    page.get_by_role("button", name="変更を確認する").click()
    assert "「member.agee」という事項はありません" in page.locator("#rule-0-when-error").inner_text()
    screenshot("catalog-edit-error")
    page.locator("#rule-0-when").fill(original + " and member.age >= 75")
    page.get_by_role("button", name="変更を確認する").click()
    preview = page.get_by_role("alertdialog")
    assert "必要な手続が変わります" in preview.inner_text()
    assert preview.locator("tr[data-scenario]").count() >= 1
    assert "が出なくなります" in preview.inner_text()
    screenshot("catalog-edit-preview")
    # leaving without saving changes nothing
    page.goto(f"{live.url}/catalog/kokuho-kanyu/")
    assert page.locator("#rule-0-when").input_value() == original
