"""The `madoguchi` console command as a city's operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MADOGUCHI = str(Path(sys.executable).with_name("madoguchi"))


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MADOGUCHI_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}
    return subprocess.run(
        [MADOGUCHI, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_without_arguments_it_prints_usage_and_exits_2(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.returncode == 2
    assert "madoguchi serve" in result.stdout
    assert "madoguchi audit verify" in result.stdout


def test_unknown_command_is_a_clear_error(tmp_path: Path) -> None:
    result = run(tmp_path, "frobnicate")
    assert result.returncode != 0
    assert "Unknown command: 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_demo_and_verify_on_a_fresh_embedded_database(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    assert (tmp_path / "madoguchi.sqlite3").exists()
    demo = run(tmp_path, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "approver" in demo.stdout
    verify = run(tmp_path, "audit", "verify")
    assert verify.returncode == 0
    assert "audit chain intact" in verify.stdout
    # a second run keeps the data and the chain
    assert run(tmp_path, "demo").returncode == 0
    assert run(tmp_path, "audit", "verify").returncode == 0


def test_audit_verify_without_a_subcommand_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, "audit")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
