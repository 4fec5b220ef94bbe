"""`madoguchi preparation decode` prints what a code holds, and ends with exit code 2 for a bad one."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from madoguchi.preparation import codes, qr
from madoguchi.preparation.tests.households import household


def _decode(*args: str) -> str:
    out = io.StringIO()
    call_command("preparation", "decode", *args, stdout=out)
    return out.getvalue()


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        _decode(*args)
    assert error.value.returncode == 2
    return str(error.value)


@pytest.fixture
def eight(tmp_path: Path) -> tuple[dict[str, Any], list[Path], list[str]]:
    data = household(8)
    texts = codes.carry_texts(codes.seal(data))
    images = []
    for index, symbol in enumerate(qr.symbols(texts)):
        images.append(tmp_path / f"code-{index + 1}.png")
        images[-1].write_bytes(qr.png(symbol))
    return data, images, texts


def test_decode_reads_every_code_of_a_sequence_from_images_and_prints_the_record(eight: Any) -> None:
    data, images, _texts = eight
    assert json.loads(_decode(*map(str, images), "--json")) == data
    summary = _decode(*map(str, reversed(images)))
    assert "𠮷田 髙志" in summary
    assert "tennyu on 2026-11-28" in summary


def test_decode_reads_the_code_text_and_a_text_file_of_codes(eight: Any, tmp_path: Path) -> None:
    data, _images, texts = eight
    assert json.loads(_decode(*texts, "--json")) == data
    listing = tmp_path / "codes.txt"
    listing.write_text("\n".join(texts) + "\n")
    assert json.loads(_decode(str(listing), "--json")) == data


def test_decode_refuses_with_exit_code_2_and_a_message(eight: Any, tmp_path: Path) -> None:
    _data, images, texts = eight
    assert "1 of 2 codes read" in _refused(str(images[0]))
    assert "unreadable" in _refused("hello")
    assert "no such file" in _refused(str(tmp_path / "missing.png"))
    blank = tmp_path / "blank.png"
    blank.write_bytes(qr.png(qr.symbols(["X"])[0])[:60])  # a cut PNG
    assert "blank.png" in _refused(str(blank))
    binary = tmp_path / "binary.dat"
    binary.write_bytes(b"\x00\xff" * 100)
    assert "neither an image nor UTF-8 text" in _refused(str(binary))
    changed = texts[0][:-5] + ("A" if texts[0][-5] != "A" else "B") + texts[0][-4:]
    assert "altered" in _refused(changed, texts[1])
    assert "not a file" in _refused(str(tmp_path))


def test_a_broken_key_setting_is_named_and_the_key_never_printed(eight: Any, settings: Any) -> None:
    _data, _images, texts = eight
    settings.MADOGUCHI_PREPARATION_OPENING_KEYS = "c2VjcmV0LWJ1dC1zaG9ydA=="
    message = _refused(*texts)
    assert "MADOGUCHI_PREPARATION_OPENING_KEYS: key 1 is not 32 bytes" in message
    assert "c2VjcmV0" not in message


def test_keys_prints_a_set_for_each_side() -> None:
    out = io.StringIO()
    call_command("preparation", "keys", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "=" in line and not line.startswith("#")]
    assert [line.split("=")[0] for line in lines] == [
        "MADOGUCHI_PREPARATION_OPENING_KEYS",
        "MADOGUCHI_PREPARATION_ISSUER_KEYS",
        "MADOGUCHI_PREPARATION_SEALING_KEY",
        "MADOGUCHI_PREPARATION_SIGNING_KEY",
    ]
