"""The second factor at sign-in: a TOTP authenticator app (django-otp's otp_totp), optional for everyone.

Whoever has a confirmed device signs in in two steps: the password (staff.views.LoginView) leaves the
session *pending* (this module's PENDING_KEY: who, which backend, since when; not signed in), and the
6-digit code (staff.views.login_code) signs them in, with a new session key, as *verified*. The admin
areas (ADMIN_VIEW_NAMESPACES, ADMIN_VIEW_NAMES) refuse a session that is not verified when its user has a
device (staff.middleware.SecondFactorMiddleware); MADOGUCHI_ADMIN_2FA_REQUIRED sends an administrator
without one to enrol first. Wrong codes are throttled by the device itself (2^(n-1) seconds after n wrong
codes, OTP_TOTP_THROTTLE_FACTOR).
"""

from __future__ import annotations

import base64
import binascii
import io
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from madoguchi.staff.models import Staff
from madoguchi.staff.roles import Role

PENDING_KEY = "_second_factor_pending"
PENDING_SECONDS = 5 * 60  # the code step must follow the password within this time
ENROL_KEY = "_second_factor_enrol_key"  # the secret being enrolled, kept in the session until confirmed
CODE_DIGITS = 6

# Where a session signed in without its user's second factor is refused.
ADMIN_VIEW_NAMESPACES = frozenset({"admin", "organization"})
ADMIN_VIEW_NAMES = frozenset(
    {
        "staff:staff-list",
        "staff:staff-create",
        "staff:staff-edit",
        "staff:staff-set-active",
        "staff:staff-reset-password",
        "staff:staff-remove-second-factor",
    }
)


def confirmed_device(staff: Any) -> TOTPDevice | None:
    """The staff member's confirmed authenticator, if they enrolled one."""
    if getattr(staff, "pk", None) is None:
        return None
    return TOTPDevice.objects.filter(user_id=staff.pk, confirmed=True).order_by("pk").first()


def must_enrol(staff: Staff) -> bool:
    """An administrator without a second factor, where the installation requires one."""
    return bool(settings.MADOGUCHI_ADMIN_2FA_REQUIRED) and (
        staff.role == Role.ADMINISTRATOR or staff.is_superuser
    )


# --- the pending sign-in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    staff: Staff
    backend: str
    next_url: str


def start_pending(session: SessionBase, staff: Staff, *, next_url: str) -> None:
    session[PENDING_KEY] = {
        "staff": staff.pk,
        "backend": getattr(staff, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "at": int(time.time()),
        "next": next_url,
    }


def pending(session: SessionBase) -> Pending | None:
    """The sign-in waiting for its code, unless it is too old or its account was deactivated meanwhile."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or int(time.time()) - int(data.get("at", 0)) > PENDING_SECONDS:
        return None
    staff = Staff.objects.filter(pk=int(data.get("staff", 0)), is_active=True).first()
    if staff is None or data.get("backend") not in settings.AUTHENTICATION_BACKENDS:
        return None
    return Pending(staff=staff, backend=str(data["backend"]), next_url=str(data.get("next", "")))


def clear_pending(session: SessionBase) -> None:
    session.pop(PENDING_KEY, None)


# --- enrolment -------------------------------------------------------------------------------------------


def enrolment_key(session: SessionBase) -> str:
    """The hex secret offered on the enrolment page; the same one until it is confirmed or abandoned."""
    key = session.get(ENROL_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = random_hex(20)
        session[ENROL_KEY] = key
    return key


def base32_secret(hex_key: str) -> str:
    """The secret as an authenticator app takes it by hand: base32, in groups of four."""
    text = base64.b32encode(binascii.unhexlify(hex_key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(hex_key: str, username: str) -> str:
    """The otpauth:// address the QR code carries (the key format authenticator apps read)."""
    issuer = settings.OTP_TOTP_ISSUER
    secret = base32_secret(hex_key).replace(" ", "")
    label = quote(f"{issuer}:{username}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&algorithm=SHA1&digits=6&period=30"


def qr_svg(data: str) -> str:
    """The QR code as inline SVG, drawn here (segno): nothing is fetched from elsewhere."""
    out = io.BytesIO()
    segno.make(data, error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="QR", omitsize=False
    )
    return out.getvalue().decode()


def check_enrolment_code(hex_key: str, code: str) -> int | None:
    """The time step a first code matched (one step of clock drift either way), or None."""
    totp = TOTP(binascii.unhexlify(hex_key), digits=CODE_DIGITS)
    totp.time = time.time()
    if totp.verify(int(code), tolerance=1):
        return int(totp.t())
    return None
