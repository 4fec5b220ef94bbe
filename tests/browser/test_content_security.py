"""The main pages of every role under the strict Content-Security-Policy: nothing on them is refused.

The policy (ui/headers.py) allows no inline script or style; a page that still had one would look or
work differently in the browser without any server test noticing. Chromium reports each refusal as a
`securitypolicyviolation` event and a console message: either fails the test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_roles import sign_in
from tests.live import RunningServer

pytestmark = pytest.mark.browser

# Collects the page's refusals from its first moment (Playwright's init scripts run before the page's own).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " at " +
                           event.sourceFile + ":" + event.lineNumber);
});
"""
POLICY_MESSAGE = re.compile(
    r"Content Security Policy|Content-Security-Policy|Permissions-Policy", re.IGNORECASE
)

# A submitted case (for the center's item) and an open one with a My Number (for the reveal).
SETUP = """
from datetime import date
from madoguchi.cases.actions import CaseDetails, do_create_case, do_save_case_details
from madoguchi.center.models import WorkItem
from madoguchi.demo.cases import make_submitted_case, person
from madoguchi.staff.models import Staff
clerk = Staff.objects.get(username="clerk")
submitted = make_submitted_case(clerk)
item = WorkItem.objects.filter(source_key=f"case:{submitted.pk}").first()
head = person("m1", "head", "花子", date(1990, 1, 1), "female")
head.my_number = "123456789018"
case = do_create_case(clerk, office=clerk.office, event="tennyu", event_date=date(2026, 11, 20))
address = {"postal_code": "2600013", "prefecture": "千葉県", "city": "みなと市中央区", "town": "港町"}
do_save_case_details(clerk, case, CaseDetails(
    event_date=date(2026, 11, 20), address=address, previous_address={}, moved_from_kind="other_municipality",
    contact_phone="", household_facts={}, people=[head]))
print(case.pk, item.pk)
"""


class Watched:
    """A browser page whose policy refusals and console messages about policies are collected."""

    def __init__(self, browser: Any, **context: Any) -> None:
        self.context = browser.new_context(locale="ja-JP", **context)
        self.context.add_init_script(RECORD_VIOLATIONS)
        # printing is counted, not done (the kiosk's ticket prints itself, the slip has a print button)
        self.context.add_init_script(
            "window.printed = 0; window.print = function () { window.printed += 1; };"
        )
        self.page = self.context.new_page()
        self.messages: list[str] = []
        self.page.on("console", self._console)
        self.visited: list[str] = []

    def _console(self, message: Any) -> None:
        if POLICY_MESSAGE.search(message.text):
            self.messages.append(f"{self.page.url}: {message.text}")

    def open(self, url: str) -> Any:
        response = self.page.goto(url)
        assert response is not None
        assert response.status < 400, f"{url} answered {response.status}"
        self.settle()
        return response

    def settle(self) -> None:
        self.page.wait_for_load_state("load")
        self.visited.append(self.page.url)
        violations = self.page.evaluate("window.__violations || []")
        self.messages.extend(f"{self.page.url}: {violation}" for violation in violations)

    def assert_clean(self) -> None:
        assert self.messages == [], "\n".join(self.messages)


def test_the_detector_sees_an_inline_script_refused(browser: Any, live: RunningServer) -> None:
    # a test that could not fail would prove nothing: an inline script added to a page is reported
    watched = Watched(browser)
    watched.open(f"{live.url}/accounts/login/")
    watched.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.appendChild(s); }"
    )
    watched.page.wait_for_function("() => window.__violations.length > 0")
    assert watched.page.evaluate("window.ran") is None
    watched.settle()
    assert any("script-src" in message for message in watched.messages), watched.messages
    watched.context.close()


def test_every_roles_main_pages_run_under_the_policy(
    browser: Any, live: RunningServer, screenshot: Any
) -> None:
    base = live.url
    made = live.madoguchi("shell", "--no-imports", "-c", SETUP)
    assert made.returncode == 0, made.stderr
    case_id, item_id = made.stdout.split()[-2:]
    kiosk_token = live.madoguchi("kiosk-token", "--office", "chuo").stdout.split()[-1]

    staff = Watched(browser, viewport={"width": 1280, "height": 900})
    page = staff.page
    staff.open(f"{base}/accounts/login/")

    # the one-stop clerk: home, the counter, the case with its htmx reveal, the navigator
    sign_in(page, base, "clerk")
    page.wait_for_url("**/home/**")
    staff.settle()
    for path in ("/reception/counter/", "/cases/", "/navigator/"):
        staff.open(base + path)
    staff.open(f"{base}/cases/{case_id}/")
    page.get_by_label("個人番号を表示する理由").first.fill("本人確認書類との照合")
    page.get_by_role("button", name="個人番号を表示").first.click()
    page.locator(".my-number").first.wait_for()
    staff.settle()
    page.screenshot(path=str(screenshot.directory / "csp-case.png"), full_page=True)
    page.get_by_role("button", name="ログアウト").click()

    # the concierge: reception, a printed ticket with its print button, reservations
    sign_in(page, base, "concierge")
    page.wait_for_url("**/home/**")
    staff.settle()
    staff.open(f"{base}/reception/")
    page.locator("button.purpose", has_text="転入").first.click()
    page.wait_for_url("**/reception/tickets/**")
    staff.settle()
    page.get_by_role("button", name="印刷").click()  # js/print.js, not an onclick attribute
    page.wait_for_function("() => window.printed === 1")
    assert page.evaluate("window.__violations.length") == 0
    page.screenshot(path=str(screenshot.directory / "csp-ticket.png"), full_page=True)
    staff.open(f"{base}/reception/reservations/")
    page.get_by_role("button", name="ログアウト").click()

    # the center: batches and an item
    sign_in(page, base, "center")
    page.wait_for_url("**/home/**")
    staff.settle()
    staff.open(f"{base}/center/")
    staff.open(f"{base}/center/items/{item_id}/")
    page.get_by_role("button", name="ログアウト").click()

    # the department counter
    sign_in(page, base, "department")
    page.wait_for_url("**/home/**")
    staff.settle()
    staff.open(f"{base}/departments/")
    page.get_by_role("button", name="ログアウト").click()

    # the manager: screening, simulations, the center's dashboard (bars drawn by CSS classes), office
    # status, the audit log
    sign_in(page, base, "manager")
    page.wait_for_url("**/home/**")
    staff.settle()
    for path in ("/screening/", "/simulations/", "/reception/status/", "/audit/"):
        staff.open(base + path)
    staff.open(f"{base}/center/dashboard/")
    page.screenshot(path=str(screenshot.directory / "csp-center-dashboard.png"), full_page=True)
    page.get_by_role("button", name="ログアウト").click()

    # the administrator: the admin site's index, a list and a change form
    sign_in(page, base, "admin")
    page.wait_for_url("**/home/**")
    staff.settle()
    staff.open(f"{base}/admin/")
    staff.open(f"{base}/admin/organization/office/")
    page.locator("#result_list tbody th a").first.click()
    staff.settle()
    page.screenshot(path=str(screenshot.directory / "csp-admin-office.png"), full_page=True)
    staff.open(f"{base}/admin/organization/queue/add/")
    staff.assert_clean()
    staff.context.close()

    # the public side: the board, the kiosk and its ticket, the resident's wait page, a reservation
    public = Watched(browser, viewport={"width": 1080, "height": 1400})
    public.open(f"{base}/board/chuo/")
    public.page.wait_for_function("() => document.getElementById('board').dataset.connection === 'open'")
    public.open(f"{base}/kiosk/?token={kiosk_token}")
    public.page.get_by_role("button", name="転入").click()
    public.page.locator("#ticket-number").wait_for()
    public.page.wait_for_function("() => window.printed === 1")  # printed once loaded, by js/print.js
    public.settle()
    public.page.screenshot(path=str(screenshot.directory / "csp-kiosk-ticket.png"), full_page=True)
    status_url = public.page.locator(".ticket__qr").get_attribute("data-status-url")
    public.open(status_url)
    public.page.wait_for_function(
        "() => document.getElementById('wait-status').dataset.connection === 'open'"
    )
    public.open(f"{base}/reserve/")
    public.page.get_by_role("link", name=re.compile("中央区役所")).click()
    public.page.get_by_role("link", name=re.compile("総合窓口")).click()
    public.page.locator("a.day").last.click()
    public.page.locator("label.slot").first.click()
    public.page.get_by_label("お名前（フリガナ）").fill("みなと　はなこ")
    public.page.get_by_label("電話番号").fill("090-1234-5678")
    public.page.get_by_role("button", name="この内容で予約する").click()
    public.settle()  # the confirmation page: nothing held yet
    with public.page.expect_navigation():
        public.page.get_by_role("button", name="予約を確定する").click()
    assert "/reserve/manage/" in public.page.url
    public.settle()
    public.assert_clean()
    public.context.close()
    assert len(staff.visited) + len(public.visited) >= 25
