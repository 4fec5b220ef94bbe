from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import DatabaseError
from django.test import Client

from madoguchi.config.logging import JsonFormatter, ReadableFormatter
from madoguchi.preparation.keys import new_key_set


@pytest.mark.django_db
def test_healthz_reports_the_database() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in {"sqlite", "postgresql"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("connection refused")

    monkeypatch.setattr("madoguchi.runtime.views.connection.cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable", "version": "0.1.0"}


def test_log_lines_are_json_with_time_level_and_fields() -> None:
    record = logging.LogRecord("madoguchi.request", logging.INFO, __file__, 1, "request", None, None)
    record.path = "/healthz"
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "INFO"
    assert line["logger"] == "madoguchi.request"
    assert line["path"] == "/healthz"
    assert line["time"].endswith("+00:00")


def test_make_run_shows_one_readable_line_per_request() -> None:
    record = logging.LogRecord("madoguchi.request", logging.INFO, __file__, 1, "request", None, None)
    record.__dict__.update(method="POST", path="/api/v1/tickets", status=201, duration_ms=12.5, staff=None)
    line = ReadableFormatter().format(record)
    assert line.endswith(" INFO    POST /api/v1/tickets → 201 (12.5 ms)")
    record.staff = "clerk"
    assert ReadableFormatter().format(record).endswith("(12.5 ms) clerk")
    other = logging.LogRecord("madoguchi.tasks", logging.WARNING, __file__, 1, "task %s failed", ("x",), None)
    assert ReadableFormatter().format(other).endswith("WARNING madoguchi.tasks: task x failed")
    # `make run` picks it; elsewhere the default stays JSON for log collectors
    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()
    assert "MADOGUCHI_LOG_FORMAT=$${MADOGUCHI_LOG_FORMAT:-text} $(MADOGUCHI) serve" in makefile


@pytest.mark.django_db
def test_every_request_is_logged_without_its_query_string(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="madoguchi.request"):
        response = Client().get("/accounts/login/?name=山田太郎")
    record = next(r for r in caplog.records if r.name == "madoguchi.request")
    assert record.path == "/accounts/login/"  # type: ignore[attr-defined]
    assert record.status == 200  # type: ignore[attr-defined]
    assert "山田太郎" not in caplog.text
    assert response["X-Request-ID"] == record.request_id  # type: ignore[attr-defined]


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    madoguchi = Path(sys.executable).with_name("madoguchi")
    return subprocess.run(
        [str(madoguchi), "check"],
        env={**os.environ, "MADOGUCHI_VAR_DIR": str(tmp_path), "DATABASE_URL": "", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_fails_on_development_settings(tmp_path: Path) -> None:
    result = run_check(tmp_path, MADOGUCHI_DEBUG="1")
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on
    assert "security.W008" in result.stderr  # no HTTPS redirect
    assert "runtime.E001" in result.stderr  # the secret key generated under var/
    assert "runtime.E003" in result.stderr  # MADOGUCHI_HTTPS off
    assert "runtime.W001" in result.stderr  # the embedded SQLite database


PREPARATION_KEYS = new_key_set()


def test_check_passes_on_production_settings(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        MADOGUCHI_DEBUG="0",
        MADOGUCHI_HTTPS="1",
        MADOGUCHI_SECRET_KEY="x9!" + "k3Qz7LmN0pRt5VwYb2Dh8Fj4Gs6Ha1Kc" * 2,
        MADOGUCHI_ALLOWED_HOSTS="madoguchi.city.lg.jp",
        MADOGUCHI_MY_NUMBER_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL="postgres://madoguchi:secret@db.city.lg.jp:5432/madoguchi",  # not connected to
        **PREPARATION_KEYS,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {
    **PREPARATION_KEYS,
    "MADOGUCHI_DEBUG": "0",
    "MADOGUCHI_HTTPS": "1",
    "MADOGUCHI_SECRET_KEY": "x9!" + "k3Qz7LmN0pRt5VwYb2Dh8Fj4Gs6Ha1Kc" * 2,
    "MADOGUCHI_ALLOWED_HOSTS": "madoguchi.city.lg.jp",
    "DATABASE_URL": "postgres://madoguchi:secret@db.city.lg.jp:5432/madoguchi",
}


@pytest.mark.parametrize(
    ("variable", "value", "code"),
    [
        ("MADOGUCHI_ALLOWED_HOSTS", "*", "runtime.E002"),
        ("MADOGUCHI_SESSION_IDLE_MINUTES", "480", "runtime.E004"),
        ("MADOGUCHI_LOGIN_FAILURE_LIMIT", "1000", "runtime.E005"),
        ("DATABASE_URL", "", "runtime.W001"),
    ],
)
def test_check_fails_on_one_unsafe_production_variable(
    tmp_path: Path, variable: str, value: str, code: str
) -> None:
    keys = Fernet.generate_key().decode()
    result = run_check(tmp_path, **(PRODUCTION | {variable: value}), MADOGUCHI_MY_NUMBER_KEYS=keys)
    assert result.returncode != 0
    assert code in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("keys", "code"),
    [
        ("", "cases.E001"),
        ("not-a-key", "cases.E002"),
        (f"{Fernet.generate_key().decode()},short", "cases.E002"),
    ],
)
def test_check_fails_without_a_good_my_number_key(tmp_path: Path, keys: str, code: str) -> None:
    # a second app server would make its own key and answer 500 on what the first one stored
    result = run_check(tmp_path, **PRODUCTION, MADOGUCHI_MY_NUMBER_KEYS=keys)
    assert result.returncode != 0
    assert code in result.stderr
    assert "MADOGUCHI_MY_NUMBER_KEYS" in result.stderr
    assert not (tmp_path / "my_number_key").exists()  # the check made no key of its own


def test_mynumber_new_key_prints_a_key_the_check_accepts(tmp_path: Path) -> None:
    madoguchi = Path(sys.executable).with_name("madoguchi")
    env = {**os.environ, "MADOGUCHI_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}
    made = subprocess.run(
        [str(madoguchi), "mynumber", "new-key"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    key = made.stdout.split()[-1]
    Fernet(key.encode())
    assert run_check(tmp_path, **PRODUCTION, MADOGUCHI_MY_NUMBER_KEYS=key).returncode == 0


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({name: "" for name in PREPARATION_KEYS}, "preparation.E001"),
        ({"MADOGUCHI_PREPARATION_SIGNING_KEY": ""}, "preparation.E002"),
        ({"MADOGUCHI_PREPARATION_OPENING_KEYS": "c2hvcnQ="}, "preparation.E003"),
        ({"MADOGUCHI_PREPARATION_MODE": "qr"}, "preparation.E004"),
        ({"MADOGUCHI_CITY_CODE": "121003"}, "preparation.E005"),
    ],
)
def test_check_fails_on_preparation_keys_and_settings_a_city_cannot_run_with(
    tmp_path: Path, variables: dict[str, str], code: str
) -> None:
    keys = Fernet.generate_key().decode()
    result = run_check(tmp_path, **(PRODUCTION | variables), MADOGUCHI_MY_NUMBER_KEYS=keys)
    assert result.returncode != 0
    assert code in result.stderr
    assert "c2hvcnQ" not in result.stderr  # a key is never printed
    assert not (tmp_path / "preparation_keys.json").exists()  # the check made no keys of its own


def test_a_counter_only_installation_passes_the_check(tmp_path: Path) -> None:
    counter = PRODUCTION | {"MADOGUCHI_PREPARATION_SEALING_KEY": "", "MADOGUCHI_PREPARATION_SIGNING_KEY": ""}
    result = run_check(tmp_path, **counter, MADOGUCHI_MY_NUMBER_KEYS=Fernet.generate_key().decode())
    assert result.returncode == 0, result.stderr
