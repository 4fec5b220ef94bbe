"""Filesystem locations of the embedded default installation."""

from __future__ import annotations

import os
import secrets
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
