"""Benchmark of remote consultation on a real server with headless Chromium and fake cameras: the time from
a branch's request to connected video, how soon a closed expert tab shows offline, and the signalling
messages per second the server relays.

Goals (exit 1 when one is missed):
  - p95 of request → both pages see each other's video <= 5 s (--goal-connect-p95-s): the branch clerk and
    the resident are not left looking at a blank screen once the expert answers.
  - every try connects within 30 s.
  - a closed expert tab shows offline on the board within 4 + 2 s when its goodbye arrives
    (--goal-goodbye-s: at the board's next refresh, every 4 s) and within 12 + 4 + 2 s when it does not
    (--goal-drop-s: three missed beats of 4 s, then the board's refresh), as docs/remote.md promises.
  - >= 100 signalling messages/s relayed to one party's stream (--goal-signals-per-s: ten connections set
    up each second), and none lost.

    .venv/bin/python benchmarks/bench_remote.py [--tries 20] [--presence-tries 3] [--seconds 10]
        [--senders 8] [--json]

Starts `madoguchi serve` (one process, embedded SQLite, the demo city) and Chromium at /usr/bin/chromium
(MADOGUCHI_CHROMIUM) through Playwright, headless, with fake cameras and microphones; it never downloads a
browser. Three parts, each with a baseline measured in the same run:

1. Request to connected video, --tries times. The branch clerk ("branch"), signed in on a new 転入 case,
   asks for an expert of 国保・年金 (空いている専門職員に順に); the expert ("department"), signed in on
   the desk /remote/, answers with the first 応答する in the desk's list as soon as it shows. The time runs
   from the clerk's submit until both room pages' `window.madoguchiRoom.stats()` show their one peer
   connected with video frames decoded. Milestones: the desk rings, the expert's click (Playwright's
   reaction, not the server's), the expert's room page loaded. The expert then ends the consultation
   (結果, 終了して記録する), and the next try waits until the expert is available again with an empty
   list. One try before these is not counted (a warm-up). Baseline, before each try: the same two
   pages, on a blank page of the server's origin, connect a bare RTCPeerConnection pair with the same
   media (camera 640×360 and microphone, no ICE servers), its offer and answer passed by Playwright once
   ICE gathering is complete. The difference is what the server's routing, pages and signalling add to
   raw WebRTC set-up on this machine.
2. Presence after a tab closes, --presence-tries times each way. A board page (the clerk's context, on
   /remote/) watches `#presence-board li[data-staff='department']`; the expert signs in on the desk in a
   context of their own, which is then closed: (a) normally, so the page's goodbye beacon goes out; (b)
   after taking the context off the network (`context.set_offline(True)`), as when the network drops:
   no goodbye, no more beats. (Aborting `**/leave/` with `context.route` does not do it: Chromium's
   beacon on close never reaches Playwright's route handler and the server gets the goodbye.) Reported:
   seconds from the close until the board's page shows the expert offline, min/median/max. The
   baseline is the promise itself (see the goals).
3. Signalling throughput. One consultation, accepted by the expert, both parties joined over HTTP; the
   expert's event stream /remote/c/<id>/events/ is read in a thread while --senders threads POST small ICE
   candidates from the clerk to /remote/c/<id>/signal/ for --seconds. Reported: sent/s, received/s on the
   stream, lost, p50/p99 of the POST and of POST → stream. Baseline: the same threads GET /healthz for the
   same time (the server's bare request rate).

The load generator, Chromium and the server share this machine's cores. With --json a JSON object of all
figures goes to stdout and the table to stderr. Takes about 4–5 minutes with the defaults on 2 cores.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import statistics
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.goals import (
    Goal,
    non_negative_float,
    parser,
    percentile,
    positive_float,
    positive_int,
    report,
)
from conftest import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM
from tests.browser.test_remote import MEDIA_ARGS, new_page
from tests.browser.test_roles import sign_in
from tests.live import RunningServer, running_server

CLERK = "branch"
EXPERT = "department"
SKILL = "kokuho_nenkin"
CONNECT_TIMEOUT_S = 30.0
READY_TIMEOUT_S = 20.0
OFFLINE_TIMEOUT_S = 45.0
DRAIN_S = 10.0
BEAT_S = 4.0  # MADOGUCHI_PRESENCE_BEAT_SECONDS, the server's default
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BLANK = "/__bench/blank"  # a page served by Playwright itself, on the server's origin, for the baseline

# Installed in every page of both contexts before the page's own scripts. It only records times
# (Date.now(): the same clock as Python's time.time()) and does not change what the pages do:
# - every EventSource of the page, and whether its first message (the server's hello) arrived;
# - on a case page, the moment the consultation request is submitted (sessionStorage: it survives the
#   navigation to the room);
# - on the desk, the moment the first 応答する button shows in #incoming, and the moment the expert's
#   click submits it;
# - on a room page, the moment its DOM is loaded and the moment its one peer is connected with video
#   frames decoded (the room's own stats(), polled every 20 ms).
INIT_SCRIPT = r"""
(() => {
  if (window.top !== window) return;
  const bench = (window.__bench = { streams: [] });
  const Native = window.EventSource;
  if (Native) {
    window.EventSource = class extends Native {
      constructor(...args) {
        super(...args);
        this.benchHello = false;
        this.addEventListener("message", () => { this.benchHello = true; }, { once: true });
        bench.streams.push(this);
      }
    };
  }
  const path = location.pathname;
  document.addEventListener("submit", (event) => {
    const action = event.target && event.target.action ? String(event.target.action) : "";
    const now = String(Date.now());
    if (/\/remote\/cases\/[^/]+\/request\/$/.test(action)) sessionStorage.setItem("bench:asked", now);
    if (/\/remote\/c\/[^/]+\/accept\/$/.test(action)) sessionStorage.setItem("bench:answered", now);
  }, true);
  if (path === "/remote/") {
    const look = () => {
      const button = document.querySelector("#incoming form[action*='/accept/'] button");
      if (button && !sessionStorage.getItem("bench:rang")) {
        sessionStorage.setItem("bench:rang", String(Date.now()));
      }
    };
    document.addEventListener("DOMContentLoaded", () => {
      look();
      new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
    });
  }
  if (/^\/remote\/c\/[0-9a-f-]+\/$/.test(path)) {
    document.addEventListener("DOMContentLoaded", () => { bench.loaded = Date.now(); });
    const poll = async () => {
      const room = window.madoguchiRoom;
      if (room) {
        try {
          const stats = await room.stats();
          if (stats.length === 1 && stats[0].state === "connected" && stats[0].framesDecoded > 0) {
            bench.connected = Date.now();
            return;
          }
        } catch (error) {}
      }
      setTimeout(poll, 20);
    };
    setTimeout(poll, 20);
  }
})();
"""

# The baseline: a bare RTCPeerConnection on each page, the same media as the room, no ICE servers; the
# description is handed over once ICE gathering is complete (no trickle); connected = the same test as
# the room's (connected, video frames decoded), polled every 20 ms.
BASELINE_SETUP = r"""
async ({ offer, started }) => {
  const base = (window.__base = { started: started || Date.now(), connected: 0 });
  const media = { audio: true, video: { width: 640, height: 360 } };  // as the room asks
  base.stream = await navigator.mediaDevices.getUserMedia(media);
  const pc = (base.pc = new RTCPeerConnection({ iceServers: [] }));
  for (const track of base.stream.getTracks()) pc.addTrack(track, base.stream);
  const gathered = () =>
    new Promise((resolve) => {
      if (pc.iceGatheringState === "complete") return resolve();
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc.iceGatheringState === "complete") resolve();
      });
      setTimeout(resolve, 5000);
    });
  const poll = async () => {
    if (pc.connectionState === "closed") return;
    let frames = 0;
    (await pc.getStats()).forEach((entry) => {
      if (entry.type === "inbound-rtp" && entry.kind === "video") frames += entry.framesDecoded || 0;
    });
    if (pc.connectionState === "connected" && frames > 0) base.connected = Date.now();
    else setTimeout(poll, 20);
  };
  setTimeout(poll, 20);
  if (offer) {
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
  } else {
    await pc.setLocalDescription(await pc.createOffer());
  }
  await gathered();
  return { description: pc.localDescription.toJSON(), started: base.started };
}
"""
BASELINE_ANSWER = "async (answer) => { await window.__base.pc.setRemoteDescription(answer); }"
BASELINE_CLOSE = """() => {
  if (!window.__base) return;
  window.__base.pc.close();
  for (const track of window.__base.stream.getTracks()) track.stop();
  window.__base = null;
}"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def stats(values: list[float]) -> dict[str, float]:
    """p50, p95, min, max and the mean of `values` (NaN when empty)."""
    nan = float("nan")
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "min": min(values, default=nan),
        "max": max(values, default=nan),
        "mean": statistics.fmean(values) if values else nan,
    }


# --- 1. request to connected video ----------------------------------------------------------------------


@dataclass
class Connects:
    total_ms: list[float] = field(default_factory=list)  # submit → both see video
    rang_ms: list[float] = field(default_factory=list)  # submit → the desk shows 応答する
    clicked_ms: list[float] = field(default_factory=list)  # submit → the expert submits 応答する
    room_ms: list[float] = field(default_factory=list)  # submit → the expert's room page loaded
    room_to_video_ms: list[float] = field(default_factory=list)  # expert's room loaded → both see video
    baseline_ms: list[float] = field(default_factory=list)  # bare RTCPeerConnection pair → both see video
    failed: list[str] = field(default_factory=list)
    baseline_failed: list[str] = field(default_factory=list)


def choose(page: Any, label: str, **option: Any) -> None:
    """Choose in a <select> as Playwright does, then bring the page to the front again: after
    `select_option` headless Chromium (156) draws the page's window once a second, so Playwright's next
    click waits up to 2 s for two animation frames (a harness delay that is not the app's)."""
    page.get_by_label(label).select_option(**option)
    page.bring_to_front()


class Rooms:
    """The clerk's and the expert's browser contexts, one page each (each the front page of its window)."""

    def __init__(self, browser: Any, server: RunningServer) -> None:
        self.browser = browser
        self.server = server
        self.clerk = self.signed_in(CLERK)
        self.expert = self.signed_in(EXPERT)
        self.expert.goto(f"{server.url}/remote/")

    def signed_in(self, username: str) -> Any:
        page = new_page(self.browser, self.server)
        page.context.add_init_script(script=INIT_SCRIPT)
        page.context.route(
            f"{self.server.url}{BLANK}",
            lambda route: route.fulfill(
                status=200, content_type="text/html", body="<!doctype html><title>baseline</title>"
            ),
        )
        sign_in(page, self.server.url, username, DEMO_PASSWORD)
        page.wait_for_url("**/home/**")
        return page

    def expert_state(self) -> str:
        """The expert's presence as the board's fragment says it now (not waiting for its refresh)."""
        text = self.clerk.context.request.get(f"{self.server.url}/remote/presence/").text()
        found = re.search(rf'data-staff="{EXPERT}" data-state="(\w+)"', text)
        return found.group(1) if found else "missing"

    def wait_ready(self) -> None:
        """The expert sits on the desk: its stream subscribed, available, nothing ringing or waiting."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            ready = self.expert.evaluate(
                """() => !!(window.__bench && window.__bench.streams.length
                    && window.__bench.streams.every((s) => s.benchHello)
                    && document.querySelector('#incoming table')
                    && !document.querySelector("#incoming form[action*='/accept/']"))"""
            )
            if ready and self.expert_state() == "available":
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the expert's desk was not ready within {READY_TIMEOUT_S:.0f} s "
                    f"(presence {self.expert_state()!r}, page {self.expert.url})"
                )
            time.sleep(0.1)

    def new_case(self) -> None:
        self.clerk.goto(f"{self.server.url}/cases/")
        self.clerk.get_by_role("button", name="転入").click()
        self.clerk.wait_for_url(re.compile(r".*/cases/[0-9a-f-]+/$"))
        choose(self.clerk, "相談分野", value=SKILL)
        choose(self.clerk, "呼出し方", value="first")

    def one_try(self) -> dict[str, float]:
        """Ask, answer, wait for video on both sides; the milestones in ms after the clerk's submit."""
        self.clerk.evaluate("() => sessionStorage.removeItem('bench:asked')")
        self.expert.evaluate(
            "() => ['bench:rang', 'bench:answered'].forEach((k) => sessionStorage.removeItem(k))"
        )
        self.clerk.get_by_role("button", name="本庁の専門職員に相談する").click(no_wait_after=True)
        self.expert.locator("#incoming").get_by_role("button", name="応答する").first.click(
            timeout=CONNECT_TIMEOUT_S * 1000
        )
        self.expert.wait_for_url("**/remote/c/*/", timeout=CONNECT_TIMEOUT_S * 1000)
        self.clerk.wait_for_url("**/remote/c/*/", timeout=CONNECT_TIMEOUT_S * 1000)
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        read = """() => ({
            asked: Number(sessionStorage.getItem('bench:asked') || 0),
            rang: Number(sessionStorage.getItem('bench:rang') || 0),
            clicked: Number(sessionStorage.getItem('bench:answered') || 0),
            loaded: (window.__bench && window.__bench.loaded) || 0,
            connected: (window.__bench && window.__bench.connected) || 0,
        })"""
        while True:
            clerk, expert = self.clerk.evaluate(read), self.expert.evaluate(read)
            if clerk["connected"] and expert["connected"]:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"not connected within {CONNECT_TIMEOUT_S:.0f} s: clerk {clerk}, expert {expert}, "
                    f"clerk's stats {self.clerk.evaluate('() => window.madoguchiRoom.stats()')}"
                )
            time.sleep(0.05)
        asked = clerk["asked"]
        both = max(clerk["connected"], expert["connected"])
        return {
            "total": both - asked,
            "rang": expert["rang"] - asked,
            "clicked": expert["clicked"] - asked,
            "room": expert["loaded"] - asked,
            "room_to_video": both - expert["loaded"],
        }

    def end(self) -> None:
        """The expert ends the consultation with an outcome and is back on the desk."""
        choose(self.expert, "結果", index=1)
        self.expert.get_by_role("button", name="終了して記録する").click()
        self.expert.wait_for_url(f"{self.server.url}/remote/")

    def clean_up(self) -> None:
        """After a failed try: end or withdraw the consultation over HTTP; the expert back on the desk."""
        for page in (self.clerk, self.expert):
            found = re.search(r"/remote/c/([0-9a-f-]+)/", page.url)
            if found:
                consultation = found.group(1)
                token = next(c["value"] for c in self.clerk.context.cookies() if c["name"] == "csrftoken")
                for step, form in (("end", {"outcome": "not_resolved"}), ("cancel", {})):
                    self.clerk.context.request.post(
                        f"{self.server.url}/remote/c/{consultation}/{step}/",
                        form={**form, "csrfmiddlewaretoken": token},
                        headers={"X-CSRFToken": token},
                    )
                break
        self.expert.goto(f"{self.server.url}/remote/")

    def baseline(self) -> float:
        """A bare RTCPeerConnection pair between the same two pages, on a blank page of the server's
        origin (the app's pages do not allow the camera), signalled by Playwright: ms to video."""
        pages = (self.clerk, self.expert)
        for page in pages:
            page.goto(f"{self.server.url}{BLANK}")
        try:
            offer = self.clerk.evaluate(BASELINE_SETUP, {"offer": None, "started": 0})
            answer = self.expert.evaluate(BASELINE_SETUP, {"offer": offer["description"], "started": 0})
            self.clerk.evaluate(BASELINE_ANSWER, answer["description"])
            deadline = time.monotonic() + CONNECT_TIMEOUT_S
            while True:
                ends = [page.evaluate("() => window.__base.connected") for page in pages]
                if all(ends):
                    return float(max(ends) - offer["started"])
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the bare pair did not connect within {CONNECT_TIMEOUT_S:.0f} s")
                time.sleep(0.05)
        finally:
            for page in pages:
                page.evaluate(BASELINE_CLOSE)

    def close(self) -> None:
        self.clerk.context.close()
        self.expert.context.close()


def measure_connects(rooms: Rooms, tries: int) -> Connects:
    """`tries` measured tries after one that is not counted (the server's first pages and the browser's
    first calls warm up in it)."""
    result = Connects()
    warm_up = Connects()
    try:
        warm_up.baseline_ms.append(rooms.baseline())
        rooms.expert.goto(f"{rooms.server.url}/remote/")
        rooms.new_case()
        rooms.wait_ready()
        warm_up.total_ms.append(rooms.one_try()["total"])
        rooms.end()
        log(f"  warm-up: video after {warm_up.total_ms[0]:.0f} ms (not counted)")
    except Exception as error:
        log(f"  warm-up: FAILED {type(error).__name__}: {str(error)[:500]} (not counted)")
        rooms.clean_up()
    for number in range(1, tries + 1):
        try:
            bare_ms = rooms.baseline()
            result.baseline_ms.append(bare_ms)
            bare = f"{bare_ms:.0f} ms"
        except Exception as error:
            bare = "FAILED"
            result.baseline_failed.append(f"{type(error).__name__}: {str(error)[:500]}")
        try:
            rooms.expert.goto(f"{rooms.server.url}/remote/")
            rooms.new_case()
            rooms.wait_ready()
            marks = rooms.one_try()
        except Exception as error:
            result.failed.append(f"{type(error).__name__}: {str(error)[:500]}")
            log(f"  try {number}: FAILED {result.failed[-1]}")
            rooms.clean_up()
            continue
        result.total_ms.append(marks["total"])
        result.rang_ms.append(marks["rang"])
        result.clicked_ms.append(marks["clicked"])
        result.room_ms.append(marks["room"])
        result.room_to_video_ms.append(marks["room_to_video"])
        log(
            f"  try {number}: video after {marks['total']:.0f} ms (rang {marks['rang']:.0f}, "
            f"expert's room {marks['room']:.0f}); bare pair {bare}"
        )
        rooms.end()
    return result


# --- 2. presence after a closed tab ---------------------------------------------------------------------


@dataclass
class Offline:
    goodbye_s: list[float] = field(default_factory=list)
    drop_s: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


# On the board: the moment the expert's entry first says offline after `window.__benchOffline = 0`
# (a MutationObserver: the time the page changed, not when Playwright next looked).
WATCH_BOARD = f"""() => {{
  window.__benchOffline = -1;
  const look = () => {{
    const entry = document.querySelector("#presence-board li[data-staff='{EXPERT}']");
    if (window.__benchOffline === 0 && entry && entry.dataset.state === "offline") {{
      window.__benchOffline = Date.now();
    }}
  }};
  new MutationObserver(look).observe(document.getElementById("presence-board"), {{
    childList: true, subtree: true, attributes: true,
  }});
}}"""


def measure_offline(browser: Any, server: RunningServer, clerk: Any, tries: int) -> Offline:
    """The board is a page of the clerk's context, brought to the front of its window (a background tab's
    timers and frames are throttled); each expert signs in in a context of their own."""
    result = Offline()
    board = clerk.context.new_page()
    board.goto(f"{server.url}/remote/")
    board.bring_to_front()
    expert_on_board = board.locator(f"#presence-board li[data-staff='{EXPERT}']").first
    available = expert_on_board.and_(board.locator("[data-state='available']"))
    offline = expert_on_board.and_(board.locator("[data-state='offline']"))
    offline.wait_for(timeout=OFFLINE_TIMEOUT_S * 1000)  # the first part's expert has gone
    board.evaluate(WATCH_BOARD)
    for number in range(1, tries + 1):
        for blocked in (False, True):
            kind = "network dropped" if blocked else "goodbye"
            expert = new_page(browser, server)
            sign_in(expert, server.url, EXPERT, DEMO_PASSWORD)
            expert.wait_for_url("**/home/**")
            expert.goto(f"{server.url}/remote/")
            available.wait_for(timeout=READY_TIMEOUT_S * 1000)
            if blocked:  # not context.route("**/leave/", abort): the closing page's beacon passes it
                expert.context.set_offline(True)
            board.evaluate("() => { window.__benchOffline = 0; }")
            closed = time.time() * 1000
            expert.context.close()
            deadline = time.monotonic() + OFFLINE_TIMEOUT_S
            while not (at := board.evaluate("() => window.__benchOffline")) and time.monotonic() < deadline:
                time.sleep(0.05)
            if not at:
                result.failed.append(f"{kind}: not offline within {OFFLINE_TIMEOUT_S:.0f} s")
                continue
            seconds = (at - closed) / 1000
            (result.drop_s if blocked else result.goodbye_s).append(seconds)
            log(f"  {number}: {kind}: offline on the board after {seconds:.1f} s")
    return result


# --- 3. signalling throughput ---------------------------------------------------------------------------


class Http:
    """A signed-in staff member speaking plain HTTP/1.1 with keep-alive, one connection per thread."""

    def __init__(self, url: str, username: str | None = None) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.local = threading.local()
        if username is not None:
            page = self.request("GET", "/accounts/login/")[2]
            token = CSRF.search(page)
            if token is None:
                raise RuntimeError("no CSRF token on the sign-in page")
            status, _, _ = self.request(
                "POST",
                "/accounts/login/",
                form={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            )
            if status != 302 or "sessionid" not in self.cookies:
                raise RuntimeError(f"{username} could not sign in (HTTP {status})")

    def connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self.local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.local.connection = connection
        return connection

    def headers(self) -> dict[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        body: Any = None,
        cookies: bool = True,
    ) -> tuple[int, str, str]:
        """Status, Location and body text; a JSON `body` or a `form`."""
        headers = self.headers() if cookies else {}
        data: bytes | None = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = self.connection()
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
        except (http.client.HTTPException, OSError):
            connection.close()  # a keep-alive connection the server closed: once more on a new one
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        text = response.read().decode()
        return response.status, response.headers.get("Location", ""), text

    def post_form(self, path: str, form: dict[str, str]) -> str:
        status, location, _ = self.request(
            "POST", path, form={**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        )
        if status != 302:
            raise RuntimeError(f"POST {path}: HTTP {status}, expected a redirect")
        return location


@dataclass
class Load:
    """What K threads did for a fixed time: request count, latencies, failures."""

    seconds: float = 0.0
    ok: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def per_s(self) -> float:
        return self.ok / self.seconds if self.seconds else float("nan")


def hammer(senders: int, seconds: float, one: Callable[[int, int], int]) -> Load:
    """`senders` threads call one(thread, n) -> HTTP status as fast as answered for `seconds`."""
    load = Load()
    lock = threading.Lock()
    start = threading.Barrier(senders + 1)

    def work(thread: int) -> None:
        latencies: list[float] = []
        ok = 0
        errors: dict[str, int] = {}
        start.wait()
        deadline = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < deadline:
            begin = time.perf_counter()
            try:
                status = one(thread, n)
            except (http.client.HTTPException, OSError) as error:
                errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                continue
            finally:
                n += 1
            latencies.append((time.perf_counter() - begin) * 1000)
            if status == 200:
                ok += 1
            else:
                errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
        with lock:
            load.ok += ok
            load.latencies_ms.extend(latencies)
            for name, count in errors.items():
                load.errors[name] = load.errors.get(name, 0) + count

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(senders)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - began
    return load


@dataclass
class Signalling:
    healthz: Load
    signals: Load
    received: int
    duplicates: int
    lost: int
    received_per_s: float
    delivery_ms: list[float]


def measure_signalling(server: RunningServer, senders: int, seconds: float) -> Signalling:
    clerk, expert = Http(server.url, CLERK), Http(server.url, EXPERT)
    case = re.search(r"/cases/([0-9a-f-]+)/$", clerk.post_form("/cases/new/", {"event": "tennyu"}))
    if case is None:
        raise RuntimeError("creating a case did not lead to the case page")
    room = clerk.post_form(f"/remote/cases/{case.group(1)}/request/", {"skill": SKILL, "routing": "first"})
    found = re.search(r"/remote/c/([0-9a-f-]+)/$", room)
    if found is None:
        raise RuntimeError(f"the request led to {room!r}, not a room")
    base = f"/remote/c/{found.group(1)}"
    expert.post_form(f"{base}/accept/", {})
    sessions = {"clerk": "bench-clerk-session", "expert": "bench-expert-session"}
    for who, party in (("clerk", clerk), ("expert", expert)):
        status, _, text = party.request("POST", f"{base}/join/", body={"session": sessions[who]})
        if status != 200:
            raise RuntimeError(f"{who} could not join: HTTP {status} {text[:200]}")
    state = json.loads(expert.request("GET", f"{base}/state/")[2])
    receiver = state["me"]

    sent_at: dict[str, float] = {}
    seen: dict[str, float] = {}
    counts = {"signals": 0}
    hello = threading.Event()
    stream = http.client.HTTPConnection(expert.host, expert.port, timeout=60)

    def read() -> None:
        stream.request("GET", f"{base}/events/", headers={**expert.headers(), "Accept": "text/event-stream"})
        response = stream.getresponse()
        while True:
            try:
                line = response.readline()
            except (OSError, ValueError, http.client.HTTPException):
                return
            if not line:
                return
            if not line.startswith(b"data: "):
                continue
            message = json.loads(line[6:])
            if message.get("type") == "hello":
                hello.set()
            elif message.get("type") == "signal":
                counts["signals"] += 1
                seen.setdefault(str(message["payload"].get("n")), time.perf_counter())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not hello.wait(30):
        raise RuntimeError("the expert's event stream did not say hello within 30 s")

    log(f"  baseline: {senders} threads GET /healthz for {seconds:.0f} s")
    healthz = hammer(senders, seconds, lambda _t, _n: clerk.request("GET", "/healthz", cookies=False)[0])

    def signal(thread: int, n: int) -> int:
        key = f"{thread}-{n}"
        address = f"192.0.2.{thread + 1} {40000 + n % 20000}"
        payload = {
            "candidate": {
                "candidate": f"candidate:{n} 1 udp 2122260223 {address} typ host",
                "sdpMid": "0",
                "sdpMLineIndex": 0,
            },
            "n": key,
        }
        sent_at[key] = time.perf_counter()
        status = clerk.request(
            "POST", f"{base}/signal/", body={"to": receiver, "session": sessions["clerk"], "payload": payload}
        )[0]
        if status != 200:
            sent_at.pop(key, None)
        return status

    log(f"  {senders} threads POST signals to one stream for {seconds:.0f} s")
    began = time.perf_counter()
    signals = hammer(senders, seconds, signal)
    deadline = time.perf_counter() + DRAIN_S
    while len(set(sent_at) & set(seen)) < len(sent_at) and time.perf_counter() < deadline:
        time.sleep(0.05)
    last = max(seen.values(), default=began)
    if stream.sock is not None:
        stream.sock.close()
    reader.join(2)
    clerk.post_form(f"{base}/end/", {"outcome": "resolved"})
    delivered = [(seen[key] - at) * 1000 for key, at in sent_at.items() if key in seen]
    return Signalling(
        healthz=healthz,
        signals=signals,
        received=len(seen),
        duplicates=counts["signals"] - len(seen),
        lost=len(set(sent_at) - set(seen)),
        received_per_s=len(seen) / (last - began) if last > began else float("nan"),
        delivery_ms=delivered,
    )


# --- the report -----------------------------------------------------------------------------------------


LABEL_WIDTH = 58


def pad(label: str, width: int = LABEL_WIDTH) -> str:
    """`label` padded to `width` terminal columns (a Japanese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in label)
    return label + " " * max(0, width - columns)


def row(label: str, values: list[float], out: TextIO, unit: str = "ms") -> None:
    figures = stats(values)
    print(
        f"  {pad(label)} {figures['p50']:8.0f} {figures['p95']:8.0f} {figures['min']:8.0f} "
        f"{figures['max']:8.0f} {unit}",
        file=out,
    )


def print_table(
    options: Any, connects: Connects, offline: Offline, signalling: Signalling, out: TextIO
) -> None:
    tries = len(connects.total_ms)
    print(
        f"\n1. request → both pages see video, {tries} of {options.tries} tries connected "
        f"({len(connects.failed)} failed)",
        file=out,
    )
    print(f"  {pad('')} {'p50':>8} {'p95':>8} {'min':>8} {'max':>8}", file=out)
    row("baseline: bare RTCPeerConnection pair, Playwright signals", connects.baseline_ms, out)
    row("the expert's desk rings (応答する shows)", connects.rang_ms, out)
    row("the expert clicks 応答する (Playwright reacts to the ring)", connects.clicked_ms, out)
    row("the expert's room page loaded", connects.room_ms, out)
    row("both see video: request → connected", connects.total_ms, out)
    row("  of which the expert's room → both see video", connects.room_to_video_ms, out)
    base = percentile(connects.baseline_ms, 50)
    total = percentile(connects.total_ms, 50)
    room = percentile(connects.room_to_video_ms, 50)
    print(
        f"  medians: request → video {total:.0f} ms = {total / base:.1f}× the bare pair ({base:.0f} ms), "
        f"+{total - base:.0f} ms; the room alone {room:.0f} ms = {room / base:.1f}×",
        file=out,
    )
    for failure in connects.failed + connects.baseline_failed:
        print(f"  failed: {failure}", file=out)

    print(
        f"\n2. a closed expert tab shown offline on the board, {options.presence_tries} times each", file=out
    )
    print(f"  {pad('')} {'min':>8} {'median':>8} {'max':>8}", file=out)
    for label, values, promise in (
        ("goodbye beacon sent (context.close())", offline.goodbye_s, options.goal_goodbye_s),
        ("network dropped (set_offline, then close)", offline.drop_s, options.goal_drop_s),
    ):
        figures = stats(values)
        median = statistics.median(values) if values else float("nan")
        print(
            f"  {pad(label)} {figures['min']:8.1f} {median:8.1f} {figures['max']:8.1f} s"
            f"   (promised ≤ {promise:.0f} s)",
            file=out,
        )
    for failure in offline.failed:
        print(f"  failed: {failure}", file=out)

    s = signalling
    print(
        f"\n3. signalling, {options.senders} threads for {options.seconds:.0f} s each, one receiving stream",
        file=out,
    )
    print(f"  {pad('')} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>8}", file=out)
    for label, load in (
        ("baseline: GET /healthz", s.healthz),
        ("POST /remote/c/<id>/signal/ (sent)", s.signals),
    ):
        print(
            f"  {pad(label)} {load.per_s:8.1f} {percentile(load.latencies_ms, 50):8.1f} "
            f"{percentile(load.latencies_ms, 99):8.1f} {sum(load.errors.values()):8d}"
            + (f"  {load.errors}" if load.errors else ""),
            file=out,
        )
    print(
        f"  {pad('received on the stream (POST → stream for p50/p99)')} {s.received_per_s:8.1f} "
        f"{percentile(s.delivery_ms, 50):8.1f} {percentile(s.delivery_ms, 99):8.1f}",
        file=out,
    )
    print(
        f"  {s.signals.ok:,} sent, {s.received:,} received, {s.lost} lost, {s.duplicates} duplicated; "
        f"signals/s = {s.signals.per_s / s.healthz.per_s:.2f}× /healthz req/s",
        file=out,
    )


def finite(value: Any) -> Any:
    """`value` with NaN and infinite numbers as None: strict JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite(item) for item in value]
    return value


def as_json(
    options: Any, connects: Connects, offline: Offline, signalling: Signalling, goals: list[Goal]
) -> dict[str, Any]:
    def load(item: Load) -> dict[str, Any]:
        return {
            "requests_ok": item.ok,
            "seconds": item.seconds,
            "per_s": item.per_s,
            "p50_ms": percentile(item.latencies_ms, 50),
            "p99_ms": percentile(item.latencies_ms, 99),
            "errors": item.errors,
        }

    def seconds(values: list[float]) -> dict[str, Any]:
        return {
            "values": values,
            "min": min(values, default=float("nan")),
            "median": statistics.median(values) if values else float("nan"),
            "max": max(values, default=float("nan")),
        }

    return finite(
        {
            "connect": {
                "tries": options.tries,
                "connected": len(connects.total_ms),
                "failed": connects.failed,
                "baseline_failed": connects.baseline_failed,
                "request_to_video_ms": stats(connects.total_ms),
                "request_to_ring_ms": stats(connects.rang_ms),
                "request_to_click_ms": stats(connects.clicked_ms),
                "request_to_expert_room_ms": stats(connects.room_ms),
                "expert_room_to_video_ms": stats(connects.room_to_video_ms),
                "baseline_bare_pair_ms": stats(connects.baseline_ms),
                "values_ms": {"request_to_video": connects.total_ms, "baseline": connects.baseline_ms},
            },
            "presence_offline_s": {
                "tries_each": options.presence_tries,
                "goodbye": seconds(offline.goodbye_s),
                "network_dropped": seconds(offline.drop_s),
                "failed": offline.failed,
            },
            "signalling": {
                "senders": options.senders,
                "healthz": load(signalling.healthz),
                "signal_post": load(signalling.signals),
                "received": signalling.received,
                "received_per_s": signalling.received_per_s,
                "lost": signalling.lost,
                "duplicates": signalling.duplicates,
                "post_to_stream_p50_ms": percentile(signalling.delivery_ms, 50),
                "post_to_stream_p99_ms": percentile(signalling.delivery_ms, 99),
                "ratio_to_healthz": signalling.signals.per_s / signalling.healthz.per_s,
            },
            "goals": [
                {
                    "name": goal.name,
                    "measured": goal.measured,
                    "comparison": goal.comparison,
                    "target": goal.target,
                    "unit": goal.unit,
                    "met": goal.met,
                }
                for goal in goals
            ],
        }
    )


def main(argv: list[str] | None = None) -> int:
    arguments = parser(__doc__)
    arguments.add_argument("--tries", type=positive_int, default=20, help="requests to connected video")
    arguments.add_argument("--presence-tries", type=positive_int, default=3, help="closed tabs of each kind")
    arguments.add_argument("--seconds", type=positive_float, default=10.0, help="each signalling run")
    arguments.add_argument("--senders", type=positive_int, default=8, help="signalling threads")
    arguments.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    arguments.add_argument("--goal-connect-p95-s", type=positive_float, default=5.0)
    arguments.add_argument("--goal-goodbye-s", type=positive_float, default=BEAT_S + 2)
    arguments.add_argument("--goal-drop-s", type=positive_float, default=3 * BEAT_S + BEAT_S + 2)
    arguments.add_argument("--goal-signals-per-s", type=non_negative_float, default=100.0)
    options = arguments.parse_args(argv)
    if not Path(CHROMIUM).exists():
        arguments.error(
            f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium; MADOGUCHI_CHROMIUM)"
        )
    out = sys.stderr if options.json else sys.stdout
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-remote-") as var_dir:
        log("starting madoguchi serve (migrate, demo city) …")
        with running_server(Path(var_dir), {"MADOGUCHI_LOG_LEVEL": "WARNING"}) as server:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=MEDIA_ARGS)
                try:
                    log(f"1. request → connected video, {options.tries} tries (server {server.url})")
                    rooms = Rooms(browser, server)
                    connects = measure_connects(rooms, options.tries)
                    rooms.expert.context.close()
                    log(f"2. presence after a closed tab, {options.presence_tries} times each way")
                    offline = measure_offline(browser, server, rooms.clerk, options.presence_tries)
                    rooms.clerk.context.close()
                finally:
                    browser.close()
            log("3. signalling throughput")
            signalling = measure_signalling(server, options.senders, options.seconds)
    log(f"done in {time.monotonic() - started:.0f} s")

    print(
        f"remote consultation: one `madoguchi serve` process (SQLite, memory broadcast), headless Chromium "
        f"with fake cameras, on {server.url}",
        file=out,
    )
    print_table(options, connects, offline, signalling, out)
    failed_tries = len(connects.failed)
    goals = [
        Goal(
            "p95 request → video",
            percentile(connects.total_ms, 95) / 1000 if connects.total_ms else float("nan"),
            "<=",
            options.goal_connect_p95_s,
            "s",
            "the branch sees the expert soon after they answer",
        ),
        Goal(
            "tries not connected",
            failed_tries,
            "<=",
            0,
            "tries",
            f"every consultation connects (within {CONNECT_TIMEOUT_S:.0f} s)",
        ),
        Goal(
            "offline after a goodbye, max",
            max(offline.goodbye_s, default=float("nan")) if not offline.failed else float("nan"),
            "<=",
            options.goal_goodbye_s,
            "s",
            "a closed tab is shown offline at the board's next refresh",
        ),
        Goal(
            "offline after a drop, max",
            max(offline.drop_s, default=float("nan")) if not offline.failed else float("nan"),
            "<=",
            options.goal_drop_s,
            "s",
            "a dropped expert is not offered consultations for long",
        ),
        Goal(
            "signals relayed",
            signalling.received_per_s,
            ">=",
            options.goal_signals_per_s,
            "/s",
            "many rooms can set up their connections at once",
        ),
        Goal(
            "signals lost",
            signalling.lost + sum(signalling.signals.errors.values()),
            "<=",
            0,
            "messages",
            "every candidate and description reaches the other page",
        ),
    ]
    code = report(goals, out)
    if options.json:
        print(
            json.dumps(as_json(options, connects, offline, signalling, goals), ensure_ascii=False, indent=2)
        )
    return code


if __name__ == "__main__":
    sys.exit(main())
