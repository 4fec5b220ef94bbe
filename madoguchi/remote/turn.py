"""ICE servers for a consultation's browsers: only the city's own TURN servers, never a public STUN.

Credentials are minted per party and expire (the TURN REST API that coturn implements with
`use-auth-secret`): the user name is "<expiry unix time>:<party id>" and the password the base64 of its
HMAC-SHA1 under the secret shared with coturn (`static-auth-secret`). Nothing is stored; coturn checks the
signature and the expiry itself. Without TURN servers set, the browsers use host candidates only, which is
enough on a flat network where every branch reaches head office directly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from django.conf import settings


def credentials(party: str, *, now: float | None = None) -> tuple[str, str]:
    expiry = int(now if now is not None else time.time()) + settings.MADOGUCHI_TURN_TTL_SECONDS
    username = f"{expiry}:{party}"
    digest = hmac.new(settings.MADOGUCHI_TURN_SECRET.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")


def ice_configuration(party: str) -> dict[str, Any]:
    """The RTCPeerConnection configuration for one party's page."""
    urls = [url for url in settings.MADOGUCHI_TURN_URLS if url]
    servers: list[dict[str, Any]] = []
    if urls and settings.MADOGUCHI_TURN_SECRET:
        username, credential = credentials(party)
        servers.append({"urls": urls, "username": username, "credential": credential})
    relay_only = settings.MADOGUCHI_TURN_RELAY_ONLY and bool(servers)
    return {
        "iceServers": servers,
        "iceTransportPolicy": "relay" if relay_only else "all",
        "bundlePolicy": "max-bundle",
    }
