"""Remote consultation in real Chromium with fake cameras and microphones: a branch clerk asks, the expert
answers, the resident's terminal in the booth joins with a code, all three see and hear each other, the
expert fills in the case and the branch sees it, the document camera is a second video track; then the
expert's tab closes and the presence board says so.

A second test starts coturn (Debian's turnserver) and a server that allows relayed media only: every
connection must go through the city's TURN server.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.browser.test_cases import FAMILY, fill_person
from tests.browser.test_roles import sign_in
from tests.live import RunningServer, free_port, running_server

pytestmark = pytest.mark.browser

# Three fake cameras: the second (index 1) is Chromium's fake depth camera, which is never encoded; the
# room takes the last one as the document camera.
MEDIA_ARGS = [
    *CHROMIUM_ARGS,
    "--use-fake-device-for-media-stream=device-count=3",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
TURNSERVER = "/usr/bin/turnserver"


@pytest.fixture(scope="module")
def media_browser(browser: Any) -> Iterator[Any]:
    """A second Chromium with fake media devices, from the session's Playwright (only one may run)."""
    instance = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=MEDIA_ARGS)
    yield instance
    instance.close()


def new_page(browser: Any, server: RunningServer, *, width: int = 1280, height: int = 900) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
    context.grant_permissions(["camera", "microphone"], origin=server.url)
    return context.new_page()


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def wait_connected(page: Any, peers: int, timeout_s: float = 30.0) -> list[dict[str, Any]]:
    """Until the page has `peers` connections, each connected and decoding video from its party."""
    deadline = time.monotonic() + timeout_s
    stats: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        stats = page.evaluate("() => window.madoguchiRoom ? window.madoguchiRoom.stats() : []")
        if len(stats) == peers and all(s["state"] == "connected" and s["framesDecoded"] > 0 for s in stats):
            return stats
        time.sleep(0.25)
    seen = page.evaluate(
        "() => [typeof window.madoguchiRoom, document.getElementById('room-status').textContent,"
        " document.getElementById('room-roster').innerText]"
    )
    raise AssertionError(f"not connected with {peers} parties within {timeout_s} s: {stats} {seen}")


def start_case(clerk: Any, server: RunningServer) -> str:
    sign_in(clerk, server.url, "branch")
    clerk.wait_for_url("**/home/branch_staff/")
    clerk.get_by_role("link", name="受付案件", exact=True).first.click()
    clerk.get_by_role("button", name="転入").click()
    clerk.wait_for_url("**/cases/*/")
    return str(clerk.url)


def ask_and_answer(clerk: Any, expert: Any, *, routing: str = "first", skill: str = "kokuho_nenkin") -> None:
    clerk.get_by_label("相談分野").select_option(skill)
    clerk.get_by_label("呼出し方").select_option(routing)
    clerk.get_by_label("相談内容（任意）").fill("国保の資格喪失日の確認")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="本庁の専門職員に相談する").click()
    clerk.wait_for_url("**/remote/c/*/")
    # the expert's page rings (on their desk: the offer list; on any page: the banner)
    expert.locator("#incoming").get_by_role("button", name="応答する").first.click(timeout=20_000)
    expert.wait_for_url("**/remote/c/*/")


def invite_terminal(clerk: Any, terminal: Any) -> None:
    clerk.get_by_label("立場").select_option("terminal")
    clerk.get_by_role("button", name="参加コードを発行").click()
    code = clerk.locator(".room-invite__code").inner_text(timeout=10_000).strip()
    assert re.fullmatch(r"\d{8}", code)
    link = clerk.locator(".room-invite p.mono").inner_text().strip()
    terminal.goto(link)
    terminal.get_by_role("button", name="参加する").click()
    terminal.wait_for_url("**/remote/c/*/guest/")


def test_a_branch_its_terminal_and_an_expert_meet_by_video_and_fill_in_the_case(
    media_browser: Any, live: RunningServer
) -> None:
    clerk = new_page(media_browser, live)
    expert = new_page(media_browser, live)
    terminal = new_page(media_browser, live)
    board = clerk.context.new_page()  # the branch's presence board, beside the room
    case_url = start_case(clerk, live)
    sign_in(expert, live.url, "expert")
    expert.goto(f"{live.url}/remote/")
    board.goto(f"{live.url}/remote/")
    expert_on_board = board.locator("#presence-board li[data-staff='expert']").first
    expert_on_board.and_(board.locator("[data-state='available']")).wait_for(timeout=15_000)
    shot(board, "remote-presence")

    # when the branch asks and the expert answers
    clerk.goto(case_url)
    ask_and_answer(clerk, expert, skill="kaigo")
    expert_on_board.and_(board.locator("[data-state='busy']")).wait_for(timeout=15_000)
    invite_terminal(clerk, terminal)

    # then everyone sees everyone
    for page in (clerk, expert, terminal):
        wait_connected(page, peers=2)
    assert terminal.locator("#room-case").count() == 0  # the resident's terminal shows no case data

    # the expert fills in the case; the branch's room shows it without reloading
    with expert.context.expect_page() as opened:
        expert.get_by_role("link", name="受付案件を開いて入力する").click()
    form = opened.value
    form.wait_for_load_state()
    form.get_by_label("届出の事由が生じた日").fill("令和8年12月1日")
    form.get_by_label("他の市区町村").check()
    postal = form.locator("#addr-postal_code")
    postal.fill("2600013")
    postal.dispatch_event("change")
    form.wait_for_function("() => document.getElementById('addr-prefecture').value !== ''")
    form.locator("#addr-city").fill("みなと市北区")
    form.locator("#addr-town").fill("山手台")
    form.locator("#addr-block").fill("8-2-1")
    form.locator("#prev-municipality").fill("千代田区")
    form.locator("#prev-town").fill("千代田1-1")
    form.locator("#contact_phone").fill("080-2222-3333")
    fill_person(form, 0, FAMILY[0])
    with form.expect_navigation():
        form.get_by_role("button", name="保存する").click()
    saved = form.locator("main").inner_text()
    assert "保存しました" in saved, saved[:1500]
    clerk.locator("#room-case [data-field='contact_phone']", has_text="080-2222-3333").wait_for(
        timeout=10_000
    )
    assert "髙﨑 健一" in clerk.locator("#room-case").inner_text()
    form.close()

    # the terminal shows a document on its document camera: a second video track at the others
    terminal.get_by_role("button", name="書類カメラを映す").click()
    for page in (clerk, expert):
        page.locator(".room-tile--document video").first.wait_for(timeout=15_000)
        page.wait_for_function(
            "() => { const v = document.querySelector('.room-tile--document video');"
            " return v && v.videoWidth > 0 && v.currentTime > 0; }",
            timeout=15_000,
        )
    shot(expert, "remote-room-expert")
    shot(clerk, "remote-room-branch")
    shot(terminal, "remote-room-terminal")

    # mute and camera off are the pressed state of their buttons
    clerk.get_by_role("button", name="マイクを切る").click()
    assert clerk.get_by_role("button", name="マイクを入れる").get_attribute("aria-pressed") == "true"

    # when the expert's network drops and the tab closes: its goodbye cannot reach the server (a crash looks
    # the same; an ordinary close says goodbye and is offline at the board's next refresh)
    expert.context.set_offline(True)  # a page's goodbye beacon is not stopped by a route: the network is
    closed_at = time.monotonic()
    expert.context.close()
    expert_on_board.and_(board.locator("[data-state='offline']")).wait_for(timeout=30_000)
    offline_after = time.monotonic() - closed_at
    # the board says offline within the stated time: three beats of 4 s, plus the board's own refresh
    assert offline_after <= 12 + 4 + 2, offline_after
    (SCREENSHOTS / "remote-presence-offline.txt").write_text(f"{offline_after:.1f}\n")
    shot(board, "remote-presence-offline")

    # the branch ends it with the outcome: the record is on the case and in the managers' figures
    clerk.get_by_label("結果").select_option("resolved")
    clerk.get_by_label("記録（受付案件に残ります）").fill("資格喪失日を確認し、その場で手続")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="終了して記録する").click()
    record = clerk.locator("#remote-consultations")
    record.locator("summary").first.click()
    assert "福祉 直美" in record.inner_text()
    assert "資格喪失日を確認し、その場で手続" in record.inner_text()
    shot(clerk, "remote-case-record")
    try:
        terminal.wait_for_function(
            "() => document.getElementById('room-status').textContent.includes('終了')", timeout=15_000
        )
    except Exception:
        raise AssertionError(terminal.locator("main").inner_text()[:800]) from None
    manager = new_page(media_browser, live)
    sign_in(manager, live.url, "manager")
    manager.goto(f"{live.url}/remote/manage/")
    row = manager.locator("table").first.locator("tbody tr").first
    assert "北区役所 山手支所" in row.inner_text()
    assert "介護" in row.inner_text()
    shot(manager, "remote-manage")
    clerk.context.close()
    terminal.context.close()
    manager.context.close()


def test_the_join_page_on_a_phone_in_english_names_a_wrong_code(
    media_browser: Any, live: RunningServer
) -> None:
    phone = new_page(media_browser, live, width=390, height=844)
    phone.goto(f"{live.url}/remote/join/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="English").click()
    phone.get_by_label("Join code").fill("1234")
    phone.get_by_role("button", name="Join").click()
    assert "The join code is wrong or has expired." in phone.locator("main").inner_text()
    assert phone.get_by_label("Join code").get_attribute("aria-invalid") == "true"
    shot(phone, "remote-join-phone-en")
    phone.context.close()


DEPLOYED_TURN_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "turnserver.conf"


def turn_config_for_test(port: int, secret: str, directory: Path) -> str:
    """deploy/turnserver.conf as shipped, with the city's addresses replaced by loopback: the same
    authentication (credentials madoguchi mints), the same deny-everything-then-allow-the-media-subnets
    rule, with loopback as the one "media subnet"."""
    lines = []
    for line in DEPLOYED_TURN_CONFIG.read_text().splitlines():
        key = line.split("=", 1)[0].strip()
        if key in {"listening-ip", "relay-ip"}:
            line = f"{key}=127.0.0.1"
        elif key == "listening-port":
            line = f"listening-port={port}"
        elif key == "allowed-peer-ip":
            line = "allowed-peer-ip=127.0.0.1"
        elif key == "static-auth-secret":
            line = f"static-auth-secret={secret}"
        elif key == "syslog":
            continue
        lines.append(line)
    lines += [
        "allow-loopback-peers",  # the test's only subnet is loopback, which coturn refuses by default
        "external-ip=127.0.0.1",
        f"userdb={directory / 'turndb'}",
        f"pidfile={directory / 'turnserver.pid'}",
        f"log-file={directory / 'turn.log'}",
        "verbose",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def turn_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """coturn started with the shipped deploy/turnserver.conf (on loopback for the test)."""
    if not Path(TURNSERVER).exists():
        pytest.skip("the TURN test needs coturn (Debian: apt-get install coturn)")
    directory = tmp_path_factory.mktemp("turn")
    directory.chmod(0o777)  # coturn may drop to its own user: its log and database go here
    port = free_port()
    secret = "test-turn-secret-not-for-production"
    config = directory / "turnserver.conf"
    config.write_text(turn_config_for_test(port, secret, directory))
    log = directory / "turn.log"
    process = subprocess.Popen(
        [TURNSERVER, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 10
    while "UDP listener opened" not in (log.read_text() if log.exists() else ""):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"turnserver did not start: {log.read_text() if log.exists() else ''}")
        time.sleep(0.1)
    try:
        yield f"turn:127.0.0.1:{port}?transport=udp", secret, log
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_media_goes_through_the_citys_turn_server_when_direct_paths_are_forbidden(
    media_browser: Any, turn_server: tuple[str, str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    url, secret, log = turn_server
    env = {
        "MADOGUCHI_TURN_URLS": url,
        "MADOGUCHI_TURN_SECRET": secret,
        "MADOGUCHI_TURN_RELAY_ONLY": "1",
    }
    with running_server(tmp_path_factory.mktemp("turn-live"), extra_env=env) as server:
        clerk = new_page(media_browser, server)
        expert = new_page(media_browser, server)
        case_url = start_case(clerk, server)
        sign_in(expert, server.url, "department")
        expert.goto(f"{server.url}/remote/")
        clerk.goto(case_url)
        ask_and_answer(clerk, expert, routing="all")
        for page in (clerk, expert):
            stats = wait_connected(page, peers=1)
            # relayed at both ends: no host candidate was even gathered
            assert [(s["local"], s["remote"]) for s in stats] == [("relay", "relay")], stats
        text = log.read_text()
        assert "ALLOCATE processed, success" in text
        assert "CHANNEL_BIND processed, success" in text or "CREATE_PERMISSION processed, success" in text
        # the credentials madoguchi minted are time-limited: "<expiry>:<party id>"
        assert re.search(r"username=<\d{10}:[0-9a-f-]{36}>", text), text[-2000:]
        clerk.context.close()
        expert.context.close()
