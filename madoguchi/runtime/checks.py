"""Deployment checks of an installation (`madoguchi check`): settings that are fine on a development
machine and unsafe in production.

Django's own deployment checks already refuse DEBUG on (security.W018), a short SECRET_KEY (W009) and
HTTP without redirect or secure cookies (W008, W012, W016), naming Django's settings; these name the
madoguchi variable to set, and add what Django cannot know: the key generated under var/, counter
terminals shared by several clerks, sign-in throttling, the database, the browser policies. The My Number
key is checked by cases/checks.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from madoguchi.config.paths import var_dir

SIGNING_KEY_OF_ONE_SERVER = "runtime.E001"
ANY_HOST = "runtime.E002"
NO_HTTPS = "runtime.E003"
LONG_SESSION = "runtime.E004"
NO_THROTTLING = "runtime.E005"
NO_BROWSER_POLICIES = "runtime.E006"
SQLITE = "runtime.W001"

# A counter terminal is shared: a clerk who walks away leaves the next one their session for this long.
MAX_SESSION_IDLE_MINUTES = 60
# More guesses than this per account and cool-off make a weak password guessable.
MAX_LOGIN_FAILURES = 10
SECURITY_HEADERS_MIDDLEWARE = "madoguchi.ui.middleware.SecurityHeadersMiddleware"


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # without MADOGUCHI_SECRET_KEY each server generates its own key under var/ (config/paths.py)
    try:
        embedded = (var_dir() / "secret_key").read_text().strip()
    except OSError:  # none there (the variable was set from the start), or not ours to read
        return []
    if embedded == settings.SECRET_KEY:
        return [
            Error(
                "MADOGUCHI_SECRET_KEY is not set: this server uses the key it generated under var/, and "
                "another server would sign sessions and forms with a key of its own.",
                hint="Set MADOGUCHI_SECRET_KEY to a long random value, the same on every app server: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id=SIGNING_KEY_OF_ONE_SERVER,
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if "*" in settings.ALLOWED_HOSTS:
        return [
            Error(
                "MADOGUCHI_ALLOWED_HOSTS accepts any host name: links in e-mails and SMS built from the "
                "request's Host header could point residents elsewhere.",
                hint="List the installation's host names, e.g. MADOGUCHI_ALLOWED_HOSTS=madoguchi.city.lg.jp.",
                id=ANY_HOST,
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_https(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    off = [
        name
        for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
        if not getattr(settings, name)
    ]
    if off:
        return [
            Error(
                f"HTTPS is off ({', '.join(off)} false): sessions and My Numbers would cross the network "
                "in clear text.",
                hint="Serve behind the city's HTTPS reverse proxy (deploy/nginx-madoguchi.conf) and set "
                "MADOGUCHI_HTTPS=1.",
                id=NO_HTTPS,
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_session_idle(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    minutes = settings.SESSION_COOKIE_AGE / 60
    if minutes > MAX_SESSION_IDLE_MINUTES or not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE:
        return [
            Error(
                f"A staff session stays signed in for {minutes:g} minutes without activity (at most "
                f"{MAX_SESSION_IDLE_MINUTES} on shared counter terminals), or survives closing the browser.",
                hint=f"Set MADOGUCHI_SESSION_IDLE_MINUTES to {MAX_SESSION_IDLE_MINUTES} or less "
                "(30 by default).",
                id=LONG_SESSION,
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_login_throttling(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems = []
    if not getattr(settings, "AXES_ENABLED", True):
        problems.append("AXES_ENABLED is off")
    limit = int(getattr(settings, "AXES_FAILURE_LIMIT", 3))
    if not 1 <= limit <= MAX_LOGIN_FAILURES:
        problems.append(f"an account locks after {limit} failures (1 to {MAX_LOGIN_FAILURES})")
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if isinstance(cooloff, timedelta) and cooloff < timedelta(minutes=1):
        problems.append("a locked account is free again at once")
    if problems:
        return [
            Error(
                "Sign-in throttling is weakened: " + "; ".join(problems) + ". Passwords could be guessed.",
                hint=f"Set MADOGUCHI_LOGIN_FAILURE_LIMIT between 1 and {MAX_LOGIN_FAILURES} (default 5) and "
                "MADOGUCHI_LOGIN_LOCKOUT_MINUTES to 1 or more (default 15).",
                id=NO_THROTTLING,
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_browser_policies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if SECURITY_HEADERS_MIDDLEWARE not in settings.MIDDLEWARE:
        return [
            Error(
                f"{SECURITY_HEADERS_MIDDLEWARE} is not in MIDDLEWARE: pages would go without their "
                "Content-Security-Policy and pages with personal data could stay in browser caches.",
                id=NO_BROWSER_POLICIES,
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_database(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return [
            Warning(
                "The database is the embedded SQLite file: one server only, and no point-in-time recovery.",
                hint="Set DATABASE_URL=postgres://… (docs/deployment.md).",
                id=SQLITE,
            )
        ]
    return []
