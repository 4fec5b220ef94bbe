"""Filesystem locations of the embedded default installation."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent


def var_dir() -> Path:
    """Directory for the embedded database, the generated secret key and collected files."""
    path = Path(os.environ.get("MADOGUCHI_VAR_DIR", PROJECT_DIR / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def embedded_secret_key() -> str:
    """A secret key generated once per installation and kept under var/, so sessions survive restarts.

    Production sets MADOGUCHI_SECRET_KEY instead; this only serves the embedded default.
    """
    key_file = var_dir() / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def embedded_keys(name: str, make: Callable[[], dict[str, str]]) -> dict[str, str]:
    """A key set made once per installation under var/`name` (mode 0600), for the embedded default.

    The file is written whole under a temporary name and linked into place, so that a second process
    starting at the same moment either makes it or reads it complete, never half written."""
    path = var_dir() / name
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "w") as handle:  # mkstemp creates it with mode 0600
                json.dump(make(), handle)
            os.link(temporary, path)
        except FileExistsError:  # another process made it first: theirs counts
            pass
        finally:
            os.unlink(temporary)
    return dict(json.loads(path.read_text()))
