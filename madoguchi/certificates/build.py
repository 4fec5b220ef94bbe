"""The build of the issuing software: one build serves every office and server.

The build id is a hash of the code the issuing path runs (this app, the registry adapter and the
package's version), so a server or terminal left on older code answers a different id, and the issuing
center, which compares every party's id with its own, refuses to work with it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
SOURCES = ("certificates", "registry")


@cache
def build_id() -> str:
    digest = hashlib.sha256()
    try:
        digest.update(version("madoguchi").encode())
    except PackageNotFoundError:  # pragma: no cover (a source checkout without metadata)
        digest.update(b"source")
    for folder in SOURCES:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
