"""In CI a skipped suite must fail the run, locally it may skip with a message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import run_suites

UNREACHABLE = "postgres://postgres@127.0.0.1:1/nowhere"


def run_pytest_on(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_sample.py"
    test_file.write_text("import pytest\n\ndef test_needs_something():\n    pytest.skip('no browser here')\n")
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.ci_policy",
            "-p",
            "no:django",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            str(test_file),
        ],
        env={**os.environ, "CI": ci, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_skip_fails_in_ci(tmp_path: Path) -> None:
    result = run_pytest_on(tmp_path, "true")
    assert result.returncode == 1
    assert "skipped in CI, which counts as a failure" in result.stdout


def test_a_skip_is_only_a_skip_locally(tmp_path: Path) -> None:
    result = run_pytest_on(tmp_path, "")
    assert result.returncode == 0
    assert "1 skipped" in result.stdout


def test_unreachable_postgres_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CI", "true")
    assert run_suites.postgres_unavailable(UNREACHABLE) == 1
    assert "CI=true requires it" in capsys.readouterr().out


def test_unreachable_postgres_is_skipped_with_a_message_locally(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert run_suites.postgres_unavailable(UNREACHABLE) == 0
    assert "PostgreSQL suite SKIPPED" in capsys.readouterr().out
