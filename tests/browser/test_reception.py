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
    if page.get_by_label("この端末の窓口").count():
        choice = page.get_by_label("この端末の窓口")
        choice.select_option(choice.locator("option", has_text=counter).first.get_attribute("value"))
        page.get_by_role("button", name="この窓口を開く").click()
    elif page.get_by_role("heading", level=1).inner_text() != counter:
        # the clerk still holds another counter (an earlier test on the shared server): change to this one
        choice = page.get_by_label("窓口を変える")
        choice.select_option(choice.locator("option", has_text=counter).first.get_attribute("value"))
        page.get_by_role("button", name="変更").click()
    # the counter's own page (an earlier test in the same live server may have left a resident called here,
    # so "call the next" is not always offered)
    page.get_by_role("heading", level=1, name=counter).wait_for()


def test_kiosk_board_counter_and_department_hand_off(
    browser: Any, live: RunningServer, screenshot: Any
) -> None:
    base = live.url
    token = live.madoguchi("kiosk-token", "--office", "chuo", "--label", "1階入口").stdout.strip()
    hall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="ja-JP")
    board = hall.new_page()
    board.goto(f"{base}/board/chuo/")
    board.wait_for_function("() => document.getElementById('board').dataset.connection === 'open'")

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
    handed = clerk.locator("#handed-heading").inner_text().split("（")[0]
    assert handed.startswith("H-")
    screenshot_path = screenshot.directory / "counter-after-transfer.png"
    clerk.screenshot(path=str(screenshot_path), full_page=True)
    # the clerk prints the new ticket for the resident
    with clerk.context.expect_page() as printed:
        clerk.get_by_role("link", name="新しい整理券を印刷").click()
    slip = printed.value
    slip.wait_for_load_state()
    assert slip.locator("#ticket-number").inner_text() == handed
    slip.close()
    # the resident's phone, from the first ticket's QR code, follows them to the department
    phone.get_by_text(f"保険年金課へご案内しました。新しい番号は {handed} です。").wait_for(timeout=8000)
    phone.locator("[data-ahead]").wait_for()
    phone.screenshot(path=str(screenshot.directory / "wait-phone-handed-over.png"), full_page=True)

    # The department calls the hand-off first (priority) and sees the note and the case.
    department = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
    open_counter(department, base, "department", "保険年金課 1番")
    while department.locator("[data-ticket]").count():  # an earlier test's resident still at the counter
        finish = department.get_by_role("button", name="対応を終了")
        (finish if finish.count() else department.get_by_role("button", name="不在")).click()
        department.wait_for_load_state()
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
        board.wait_for_function("() => document.getElementById('board').dataset.connection === 'open'")
    # the server is gone: the board says so, keeps what it showed, and keeps trying
    board.locator("#board-connection").wait_for(state="visible", timeout=5000)
    screenshot_path = screenshot.directory / "board-reconnecting.png"
    board.screenshot(path=str(screenshot_path))
    server = _serve(env, port, tmp_path / "server2.log")
    try:
        board.wait_for_function(
            "() => document.getElementById('board').dataset.connection === 'open'", timeout=40000
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
            "() => document.querySelector('.board-queue__waiting').textContent === '1'", timeout=3000
        )
        assert waiting.inner_text() == "1"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _api(base: str, path: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 (the local test server)
        f"{base}{path}",
        data=json.dumps(body or {}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_wait_page_follows_the_queue_from_the_board_stream_without_asking_the_server(
    browser: Any, live: RunningServer, screenshot: Any
) -> None:
    base = live.url
    kiosk = live.madoguchi("kiosk-token", "--office", "chuo").stdout.split()[-1]
    clerk = live.madoguchi("staff-token", "clerk").stdout.split()[-1]
    counter = live.madoguchi(
        "shell",
        "--no-imports",
        "-c",
        "from madoguchi.organization.models import Counter\n"
        "print(Counter.objects.filter(office__code='chuo', queue__code='zeimu').order_by('pk').first().pk)",
    ).stdout.split()[-1]
    issued = [_api(base, "/api/v1/tickets", kiosk, {"office": "chuo", "queue": "zeimu"}) for _ in range(8)]
    assert all(status == 201 for status, _ in issued)
    last = issued[-1][1]

    phones = {}
    asked: dict[str, list[str]] = {"ja": [], "en": []}
    for language, locale in (("ja", "ja-JP"), ("en", "en-US")):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, locale=locale
        )
        # the language the resident chose on the page (a cookie, as the language switch sets it)
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        phone = context.new_page()
        phone.on(
            "request", lambda request, lang=language: "part=status" in request.url and asked[lang].append(1)
        )
        phone.goto(last["status_url"])
        phones[language] = phone
    ja, en = phones["ja"], phones["en"]
    ja.get_by_text("前に 7 人").wait_for()
    en.get_by_text("7 people ahead").wait_for()
    for phone in phones.values():  # the stream is open
        phone.wait_for_function("() => document.getElementById('wait-status').dataset.connection === 'open'")
    time.sleep(0.5)

    # A call ahead of them: both phones count down by themselves, without a request.
    assert _api(base, f"/api/v1/counters/{counter}/call", clerk)[0] == 200
    ja.get_by_text("前に 6 人").wait_for(timeout=3000)
    en.get_by_text("6 people ahead").wait_for(timeout=3000)
    assert asked == {"ja": [], "en": []}
    ja.screenshot(path=str(screenshot.directory / "wait-phone-counting-down.png"), full_page=True)

    # Three more calls: the turn is near, which changes the page, so it asks once and says so.
    for _ in range(3):
        assert _api(base, f"/api/v1/counters/{counter}/call", clerk)[0] == 200
    ja.get_by_text("まもなく順番です。窓口の近くでお待ちください。").wait_for(timeout=5000)
    assert ja.get_by_text("前に 3 人").is_visible()
    # each phone's stream sends at most one event a second: the other phone gets there within it
    en.wait_for_function(
        "() => (document.querySelector('[data-ahead]') || {dataset: {}}).dataset.ahead === '3'", timeout=5000
    )
    assert 1 <= len(asked["ja"]) <= 2
    en.get_by_text("3 people ahead").wait_for(timeout=5000)
    near_asked = len(asked["en"])

    # Two more: "1 person ahead", worded by the page itself
    for _ in range(2):
        assert _api(base, f"/api/v1/counters/{counter}/call", clerk)[0] == 200
    en.get_by_text("1 person ahead").wait_for(timeout=3000)
    ja.get_by_text("前に 1 人").wait_for(timeout=3000)
    assert len(asked["en"]) == near_asked

    # Their own call: the phone says where to go.
    for _ in range(2):
        status, called = _api(base, f"/api/v1/counters/{counter}/call", clerk)
        assert status == 200
    assert called["number"] == last["number"]
    ja.get_by_text("お呼びしています").wait_for(timeout=5000)
    ja.screenshot(path=str(screenshot.directory / "wait-phone-own-call.png"), full_page=True)
    for phone in phones.values():
        phone.context.close()


def test_the_wait_page_keeps_following_after_a_mistyped_contact(browser: Any, live: RunningServer) -> None:
    base = live.url
    kiosk = live.madoguchi("kiosk-token", "--office", "chuo").stdout.split()[-1]
    clerk = live.madoguchi("staff-token", "clerk").stdout.split()[-1]
    counter = live.madoguchi(
        "shell",
        "--no-imports",
        "-c",
        "from madoguchi.organization.models import Counter\n"
        "print(Counter.objects.filter(office__code='chuo', queue__code='kaigo').order_by('pk').first().pk)",
    ).stdout.split()[-1]
    status, ticket = _api(base, "/api/v1/tickets", kiosk, {"office": "chuo", "queue": "kaigo"})
    assert status == 201
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP").new_page()
    errors: list[int] = []
    phone.on("response", lambda response: response.status >= 400 and errors.append(response.status))
    phone.goto(ticket["status_url"])
    # a typo in the e-mail address: the page answers at the form's address with the error at the field
    phone.get_by_label("メールアドレス").fill("taro@")
    phone.get_by_role("button", name="お知らせを受け取る").click()
    phone.get_by_text("メールアドレスが正しくありません。").wait_for()
    assert phone.url.endswith("/notify/")
    phone.wait_for_function("() => document.getElementById('wait-status').dataset.connection === 'open'")
    errors.clear()  # the form's own 400
    # the resident is called: the page still follows (it asks the wait page, not the form's address)
    status, called = _api(base, f"/api/v1/counters/{counter}/call", clerk)
    while called["number"] != ticket["number"]:  # tickets of earlier tests in this queue, if any
        status, called = _api(base, f"/api/v1/counters/{counter}/call", clerk)
    phone.get_by_text("お呼びしています").wait_for(timeout=5000)
    assert errors == []
    phone.context.close()


def test_the_concierge_finds_a_purpose_by_a_procedure_and_by_its_reading(
    page: Any, live: RunningServer, screenshot: Any
) -> None:
    sign_in(page, live.url, "concierge")
    page.goto(f"{live.url}/reception/")
    search = page.get_by_label("ご用件で絞り込む")
    placeholder = search.get_attribute("placeholder")
    assert "児童手当" in placeholder
    total = page.locator("button.purpose").count()
    for typed in ("児童手当", "じどうてあて", "ジドウテアテ"):
        search.fill(typed)
        visible = [b.inner_text().split("\n")[0] for b in page.locator("button.purpose:visible").all()]
        assert "転入" in visible, (typed, visible)
        assert "出生" in visible, (typed, visible)
        assert "介護保険課" not in visible, (typed, visible)
        assert len(visible) < total
    search.fill("こども家庭課")
    assert page.locator("button.purpose:visible").count() >= 1
    search.fill("じどうてあて")
    screenshot("concierge-filter-by-reading")


def test_the_counter_sees_its_queue_grow_without_reloading(
    page: Any, live: RunningServer, screenshot: Any
) -> None:
    kiosk = live.madoguchi("kiosk-token", "--office", "chuo").stdout.split()[-1]
    open_counter(page, live.url, "clerk", "税務課 1番")
    count = page.locator("[data-waiting-queue]")
    before = int(count.inner_text())
    page.wait_for_timeout(500)  # the stream is open
    for _ in range(2):
        assert _api(live.url, "/api/v1/tickets", kiosk, {"office": "chuo", "queue": "zeimu"})[0] == 201
    page.wait_for_function(
        "n => document.querySelector('[data-waiting-queue]').textContent === String(n)",
        arg=before + 2,
        timeout=5000,
    )
    page.get_by_role("button", name="窓口を閉じる").click()


def test_a_resident_reads_the_wait_page_in_plain_japanese_on_a_phone(
    browser: Any, live: RunningServer, screenshot: Any
) -> None:
    kiosk = live.madoguchi("kiosk-token", "--office", "chuo").stdout.split()[-1]
    status, ticket = _api(live.url, "/api/v1/tickets", kiosk, {"office": "chuo", "queue": "one-stop"})
    assert status == 201
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="ja-JP"
    ).new_page()
    phone.goto(ticket["status_url"])
    phone.get_by_role("button", name="やさしい にほんご").click()
    phone.get_by_text("あなたの ばんごう").wait_for()
    assert phone.locator("html").get_attribute("lang") == "ja"
    assert "まえに" in phone.locator("main").inner_text()
    phone.screenshot(path=str(screenshot.directory / "wait-phone-plain-japanese.png"), full_page=True)
    phone.get_by_role("button", name="日本語").click()
    phone.get_by_text("整理番号").wait_for()
