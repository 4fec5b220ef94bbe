"""Reception end to end: kiosk ticket → the board calls it → the clerk serves and hands over → the
department calls it; the resident's phone follows along; the board reconnects after the server restarts."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

from tests.browser.test_roles import sign_in
from tests.live import MADOGUCHI, RunningServer, get, running_server


def open_counter(page: Any, base: str, username: str, counter: str) -> None:
    sign_in(page, base, username)
    page.goto(f"{base}/reception/counter/")
    choice = page.get_by_label("この端末の窓口")
    choice.select_option(choice.locator("option", has_text=counter).first.get_attribute("value"))
    page.get_by_role("button", name="この窓口を開く").click()
    page.get_by_role("button", name="次の方を呼ぶ").wait_for()


def test_kiosk_board_counter_and_department_hand_off(
    browser: Any, live: RunningServer, screenshot: Any
) -> None:
    base = live.url
    token = live.madoguchi("kiosk-token", "--office", "chuo", "--label", "1階入口").stdout.strip()
    hall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="ja-JP")
    board = hall.new_page()
    board.goto(f"{base}/board/chuo/")
    board.wait_for_function("document.getElementById('board').dataset.connection === 'open'")

    # A resident takes a ticket at the kiosk.
    kiosk = browser.new_context(viewport={"width": 1080, "height": 1400}, locale="ja-JP").new_page()
    kiosk.goto(f"{base}/kiosk/?token={token}")
    kiosk.get_by_role("button", name="転入").click()
    number = kiosk.locator("#ticket-number").inner_text()
    assert number.startswith("A-")
    status_url = kiosk.locator(".ticket__qr").get_attribute("data-status-url")
    kiosk.screenshot(path=str(screenshot.directory / "kiosk-ticket.png"), full_page=True)
    kiosk.emulate_media(media="print")
    kiosk.screenshot(path=str(screenshot.directory / "kiosk-ticket-print.png"), full_page=True)

    # The resident follows the queue on their phone (from the QR code).
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="ja-JP"
    ).new_page()
    phone.goto(status_url)
    phone.locator("[data-ahead]").wait_for()
    phone.screenshot(path=str(screenshot.directory / "wait-phone.png"), full_page=True)

    # The one-stop clerk calls: the board shows it within a second, and the phone changes by itself.
    clerk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
    open_counter(clerk, base, "clerk", "総合窓口 1番")
    while (
        clerk.locator("[data-ticket]").count() == 0 or clerk.locator("[data-ticket]").inner_text() != number
    ):
        if clerk.locator("[data-ticket]").count():
            clerk.get_by_role("button", name="不在").click()  # earlier tests' tickets
        clerk.get_by_role("button", name="次の方を呼ぶ").click()
    started = time.monotonic()
    board.locator(".board-call--new", has_text=number).wait_for(timeout=2000)
    assert time.monotonic() - started < 1.0
    assert "総合窓口 1番" in board.locator(".board-call--new").inner_text()
    assert (
        board.locator("#board-announce").inner_text() == f"{number} 番の方、総合窓口 1番 へお越しください。"
    )
    board.screenshot(path=str(screenshot.directory / "board-call.png"))
    phone.get_by_text("お呼びしています").wait_for(timeout=8000)
    assert phone.get_by_text("総合窓口 1番 へお越しください。").is_visible()
    phone.screenshot(path=str(screenshot.directory / "wait-phone-called.png"), full_page=True)

    # The clerk serves, opens the one-stop case, and hands over to 保険年金課 with a note.
    clerk.get_by_role("button", name="対応を開始").click()
    clerk.get_by_role("button", name="受付案件を開く").click()
    clerk.wait_for_url("**/cases/*/")
    case_number = clerk.locator("h1").inner_text()
    clerk.goto(f"{base}/reception/counter/")
    clerk.get_by_label("引継ぎ先").select_option(label="H・保険年金課")
    clerk.get_by_label("引継ぎメモ").fill("国保の加入（世帯4人）")
    clerk.get_by_role("button", name="引き継ぐ").click()
    handed = clerk.locator(".notice", has_text="として引き継ぎました").inner_text().split(" ")[0]
    assert handed.startswith("H-")
    screenshot_path = screenshot.directory / "counter-after-transfer.png"
    clerk.screenshot(path=str(screenshot_path), full_page=True)

    # The department calls the hand-off first (priority) and sees the note and the case.
    department = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
    open_counter(department, base, "department", "保険年金課 1番")
    department.get_by_role("button", name="次の方を呼ぶ").click()
    assert department.locator("[data-ticket]").inner_text() == handed
    assert "国保の加入（世帯4人）" in department.locator(".notice--info").inner_text()
    assert f"{number} から引継ぎ" in department.locator(".counter-panel").inner_text()
    department.screenshot(path=str(screenshot.directory / "department-counter.png"), full_page=True)
    board.locator(".board-call--new", has_text=handed).wait_for(timeout=2000)
    assert "保険年金課 1番" in board.locator(".board-call--new").inner_text()
    board.screenshot(path=str(screenshot.directory / "board-department-call.png"))
    assert case_number

    # The manager sees the office live.
    manager = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
    sign_in(manager, base, "manager")
    manager.goto(f"{base}/reception/status/")
    chuo = manager.locator('[data-office="chuo"]')
    open_before = int(chuo.locator("[data-open]").inner_text())
    clerk.get_by_role("button", name="窓口を閉じる").click()
    manager.wait_for_function(
        "n => document.querySelector('[data-office=chuo] [data-open]').textContent.trim() === String(n)",
        arg=open_before - 1,
        timeout=8000,
    )
    manager.screenshot(path=str(screenshot.directory / "office-status.png"), full_page=True)
    hall.close()


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [MADOGUCHI, "serve", "--port", str(port)], env=env, stdout=log.open("a"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(f"http://127.0.0.1:{port}/healthz")
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(log.read_text())


def test_the_board_reconnects_after_the_server_restarts(
    browser: Any, tmp_path: Path, screenshot: Any
) -> None:
    with running_server(tmp_path) as first:
        env, port = first.env, int(first.url.rsplit(":", 1)[1])
        token = first.madoguchi("kiosk-token", "--office", "kita").stdout.strip()
        board = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="ja-JP").new_page()
        board.goto(f"{first.url}/board/kita/")
        board.wait_for_function("document.getElementById('board').dataset.connection === 'open'")
    # the server is gone: the board says so, keeps what it showed, and keeps trying
    board.locator("#board-connection").wait_for(state="visible", timeout=5000)
    screenshot_path = screenshot.directory / "board-reconnecting.png"
    board.screenshot(path=str(screenshot_path))
    server = _serve(env, port, tmp_path / "server2.log")
    try:
        board.wait_for_function(
            "document.getElementById('board').dataset.connection === 'open'", timeout=40000
        )
        assert board.locator("#board-connection").is_hidden()
        import json
        import urllib.request

        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/tickets",
            data=json.dumps({"office": "kita", "queue": "one-stop"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert response.status == 201
        waiting = board.locator(".board-queue", has_text="総合窓口").locator(".board-queue__waiting")
        board.wait_for_function(
            "document.querySelector('.board-queue__waiting').textContent === '1'", timeout=3000
        )
        assert waiting.inner_text() == "1"
    finally:
        server.terminate()
        server.wait(timeout=10)
