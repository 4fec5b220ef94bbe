"""The second factor in a real browser: enrol an authenticator app, then sign in with its code. Screenshots of
the enrolment page and the code step, at a desk and on a phone, in Japanese and English."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import totp

from tests.live import RunningServer

pytestmark = pytest.mark.browser

PASSWORD = "kqzv-rmtw-xp-2fa"  # a test account's password
SIZES = {"desk": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def create_account(live: RunningServer, username: str) -> None:
    """An account of its own (a superuser with no role), so that the demo logins other tests use keep
    signing in with the password alone."""
    result = live.madoguchi("createsuperuser", "--noinput", "--username", username, "--email", "")
    if "already taken" not in result.stderr:
        assert result.returncode == 0, result.stderr


def context(browser: Any, size: str, language: str, live: RunningServer) -> Any:
    ctx = browser.new_context(viewport=SIZES[size], locale="ja-JP")
    ctx.add_cookies([{"name": "django_language", "value": language, "url": live.url}])
    return ctx


def sign_in(page: Any, live: RunningServer, username: str, then: str) -> None:
    page.goto(f"{live.url}/accounts/login/?next={then}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def code(secret: str, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_enrol_then_sign_in_with_the_code(browser: Any, live: RunningServer, monkeypatch: Any) -> None:
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    monkeypatch.setitem(live.env, "DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    create_account(live, "kanri2fa")
    create_account(live, "shinki2fa")

    # the enrolment page, as a newcomer sees it, at each size and in each language
    for size in SIZES:
        for language in ("ja", "en"):
            ctx = context(browser, size, language, live)
            page = ctx.new_page()
            sign_in(page, live, "shinki2fa", "/staff/2fa/")
            page.wait_for_url("**/staff/2fa/")
            assert page.locator(".second-factor__qr svg").is_visible()
            page.screenshot(
                path=str(SCREENSHOTS / f"second-factor-enrol-{size}-{language}.png"), full_page=True
            )
            ctx.close()

    # enrol: scan (here: read the secret), confirm with a first code
    ctx = context(browser, "desk", "ja", live)
    page = ctx.new_page()
    sign_in(page, live, "kanri2fa", "/staff/2fa/")
    secret = page.locator(".second-factor__secret").inner_text()
    page.locator("input[name=code]").fill(code(secret))
    page.locator("form.form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "2段階認証を登録しました" in page.content()
    ctx.close()

    # the code step, at each size and in each language; a wrong code first, then the right one
    for size in SIZES:
        for language in ("ja", "en"):
            ctx = context(browser, size, language, live)
            page = ctx.new_page()
            sign_in(page, live, "kanri2fa", "/staff/2fa/")
            page.wait_for_url("**/accounts/login/code/")
            assert page.locator("input[name=code]").get_attribute("autocomplete") == "one-time-code"
            page.screenshot(
                path=str(SCREENSHOTS / f"second-factor-code-{size}-{language}.png"), full_page=True
            )
            ctx.close()
    ctx = context(browser, "phone", "ja", live)
    page = ctx.new_page()
    sign_in(page, live, "kanri2fa", "/staff/2fa/")
    page.locator("input[name=code]").fill("000000" if code(secret, 1) != "000000" else "111111")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "second-factor-code-wrong-phone-ja.png"), full_page=True)
    page.wait_for_timeout(1100)  # the device's wait after one wrong code
    page.locator("input[name=code]").fill(code(secret, 1))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/staff/2fa/")
    assert "認証アプリを登録しています" in page.content()
    ctx.close()
