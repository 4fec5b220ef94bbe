"""The counter's camera reads a preparation code: Chromium's fake camera plays a picture of the phone's
screen (a Y4M file), the vendored jsQR reads it in the page, and the case opens."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from madoguchi.preparation import qr
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.browser.test_roles import sign_in
from tests.live import RunningServer

pytestmark = pytest.mark.browser


def y4m(image: Image.Image, path: Path, frames: int = 10) -> None:
    """A Y4M video (4:2:0) showing `image`: what Chromium's fake camera plays."""
    gray = image.convert("L")
    width, height = gray.size
    luma = gray.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)


def test_the_counters_camera_reads_the_code_and_opens_the_case(
    browser: Any, live: RunningServer, tmp_path: Path
) -> None:
    # a code made by the live server's own resident pages would need the phone flow; the server's keys are
    # under its var dir, so seal there: the CLI of the same installation makes the text
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, **live.env}
    script = (
        "import django, json, sys; django.setup();"
        "from madoguchi.preparation import actions;"
        "from madoguchi.preparation.tests.households import household;"
        "from madoguchi.reservations.actions import Resident;"
        "print(json.dumps(actions.do_finish(Resident(office_code='chuo'), household(2)).texts))"
    )
    made = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    texts = json.loads(made.stdout.strip().splitlines()[-1])
    symbol = Image.open(io.BytesIO(qr.png(qr.symbols(texts)[0], scale=4)))
    frame = Image.new("L", (640, 480), 200)
    side = min(460, symbol.size[0])
    frame.paste(symbol.resize((side, side)), ((640 - side) // 2, (480 - side) // 2))
    video = tmp_path / "phone.y4m"
    y4m(frame, video)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    # a browser of its own (the fake camera is a launch argument), from the session's Playwright: a second
    # Playwright cannot start inside the event loop of the first
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
    try:
        context = camera_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        context.grant_permissions(["camera"], origin=live.url)
        page = context.new_page()
        sign_in(page, live.url, "clerk")
        page.wait_for_url("**/home/onestop_clerk/")
        page.goto(f"{live.url}/prepared/scan/")
        page.screenshot(path=str(SCREENSHOTS / "prepare-scan-page.png"), full_page=True)
        with page.expect_navigation(timeout=30_000):
            page.get_by_role("button", name="カメラで読み取る").click()
        page.wait_for_url("**/cases/*/")
        assert page.locator("#prepared-notice").is_visible()
        assert page.locator("#p-0-family_name").input_value() == "𠮷田"
    finally:
        camera_browser.close()
