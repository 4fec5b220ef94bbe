"""Every bad argument or bad file given to the `madoguchi` command ends with exit code 2 and a one-line
message, never a traceback (the audit found 9 inputs that ended in one)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

MADOGUCHI = str(Path(sys.executable).with_name("madoguchi"))
VALID_FERNET_KEY = "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="


def run(var: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "MADOGUCHI_VAR_DIR": str(var), "DATABASE_URL": "", **(env or {})}
    return subprocess.run(
        [MADOGUCHI, *args], env=environment, capture_output=True, text=True, timeout=300, check=False, cwd=var
    )


def _xlsx(broken: Any) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for number in range(30):
        workbook.active.append(["業務", "課", number])
    plain = io.BytesIO()
    workbook.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, broken(data) if name == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated demo city with one stored My Number, and the bad files."""
    var = tmp_path_factory.mktemp("cli-bad-inputs")
    assert run(var, "migrate", "--noinput").returncode == 0
    assert run(var, "demo").returncode == 0
    example = json.loads(run(var, "forms", "--example", "5-person-tennyu").stdout)
    files: dict[str, str | bytes] = {
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "huge.json": "9" * 5000,
        "latin1.json": b'{"event": "\xff"}',
        "nul.json": json.dumps(example).replace('"tennyu"', '"tenn\\u0000yu"', 1),
        "meiji.json": json.dumps(example).replace(example["members"][0]["birth_date"], "1872-12-31"),
        "dtd.xlsx": _xlsx(
            lambda d: (
                b'<!DOCTYPE w [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>' + d.replace(b"<v>", b"<v>&b;", 1)
            )
        ),
        "broken.xlsx": _xlsx(lambda d: d[: len(d) // 2]),
    }
    for name, content in files.items():
        path = var / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(
            content, encoding="utf-8"
        )
    return var


BAD = [
    ("forms", "deep.json", "--out", "o.pdf"),
    ("forms", "huge.json", "--out", "o.pdf"),
    ("forms", "latin1.json", "--out", "o.pdf"),
    ("forms", "nul.json", "--out", "o.pdf"),
    ("forms", "meiji.json", "--out", "o.pdf"),
    ("forms", "missing.json", "--out", "o.pdf"),
    ("plan", "deep.json"),
    ("plan", "huge.json"),
    ("plan", "latin1.json"),
    ("screen", "dtd.xlsx"),
    ("screen", "broken.xlsx"),
    ("screen", "missing.csv"),
    ("center-export", "--day", "9999-12-31"),
    ("center-export", "--day", "0001-01-01"),
    ("center-export", "--day", "abc"),
    ("kiosk-token", "--office", "x" * 500),
    ("staff-token", "clerk", "--name", "x" * 500),
    ("staff-token", "clerk", "--name", "a\x07b"),
]


@pytest.mark.parametrize("args", BAD, ids=[" ".join(a)[:40] for a in BAD])
def test_a_bad_input_exits_2_without_a_traceback(city: Path, args: tuple[str, ...]) -> None:
    # when
    result = run(city, *args)
    # then
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_rotating_with_a_malformed_key_exits_2_before_changing_anything(city: Path) -> None:
    # when
    result = run(
        city, "mynumber", "rotate-keys", env={"MADOGUCHI_MY_NUMBER_KEYS": f"not-a-key,{VALID_FERNET_KEY}"}
    )
    # then
    assert result.returncode == 2, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    assert "key 1 is not a Fernet key" in result.stderr
    assert "not-a-key" not in result.stderr  # a key is never repeated
