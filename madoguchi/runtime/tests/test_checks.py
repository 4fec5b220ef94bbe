"""`madoguchi check` refuses each unsafe production setting by its id (runtime/checks.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from madoguchi.runtime import checks


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


def test_the_secret_key_generated_under_var_is_refused(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the key `make run` generated, and no MADOGUCHI_SECRET_KEY
    monkeypatch.setenv("MADOGUCHI_VAR_DIR", str(tmp_path))
    (tmp_path / "secret_key").write_text("generated-on-this-machine-only\n")
    settings.SECRET_KEY = "generated-on-this-machine-only"
    assert ids(checks.check_secret_key()) == [checks.SIGNING_KEY_OF_ONE_SERVER]
    # a key set in the environment passes, whether or not an old generated one is still there
    settings.SECRET_KEY = "set-in-madoguchi-env"
    assert checks.check_secret_key() == []
    (tmp_path / "secret_key").unlink()
    assert checks.check_secret_key() == []


def test_any_host_is_refused(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["madoguchi.city.lg.jp", "*"]
    assert ids(checks.check_allowed_hosts()) == [checks.ANY_HOST]
    settings.ALLOWED_HOSTS = ["madoguchi.city.lg.jp"]
    assert checks.check_allowed_hosts() == []


@pytest.mark.parametrize("setting", ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"])
def test_plain_http_is_refused(settings: Any, setting: str) -> None:
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        setattr(settings, name, True)
    assert checks.check_https() == []
    setattr(settings, setting, False)
    (message,) = checks.check_https()
    assert message.id == checks.NO_HTTPS
    assert setting in message.msg
    assert "MADOGUCHI_HTTPS=1" in message.hint


def test_a_session_idle_for_more_than_an_hour_is_refused(settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 60 * 60
    assert checks.check_session_idle() == []
    settings.SESSION_COOKIE_AGE = 61 * 60
    assert ids(checks.check_session_idle()) == [checks.LONG_SESSION]
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    assert ids(checks.check_session_idle()) == [checks.LONG_SESSION]


@pytest.mark.parametrize(
    ("overrides", "refused"),
    [
        ({}, False),
        ({"AXES_FAILURE_LIMIT": 10}, False),
        ({"AXES_ENABLED": False}, True),
        ({"AXES_FAILURE_LIMIT": 11}, True),
        ({"AXES_FAILURE_LIMIT": 0}, True),
        ({"AXES_COOLOFF_TIME": timedelta(0)}, True),
    ],
)
def test_weakened_sign_in_throttling_is_refused(
    settings: Any, overrides: dict[str, Any], refused: bool
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert ids(checks.check_login_throttling()) == ([checks.NO_THROTTLING] if refused else [])


def test_pages_without_their_browser_policies_are_refused(settings: Any) -> None:
    assert checks.check_browser_policies() == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != checks.SECURITY_HEADERS_MIDDLEWARE]
    assert ids(checks.check_browser_policies()) == [checks.NO_BROWSER_POLICIES]


def test_sqlite_in_production_is_a_warning(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    (message,) = checks.check_database()
    assert message.id == checks.SQLITE
    assert not message.is_serious()  # a warning: `madoguchi check` still fails on it (--fail-level WARNING)
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    assert checks.check_database() == []
