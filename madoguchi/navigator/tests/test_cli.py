from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from madoguchi.navigator.tests.test_api import FAMILY

pytestmark = pytest.mark.django_db


def run_plan(*args: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("plan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_plan_from_a_file(demo_city: None, tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(FAMILY), encoding="utf-8")
    out, _ = run_plan(str(path))
    data = json.loads(out)
    assert data["procedures"][0]["code"] == "tennyu-todoke"
    assert {"code", "status", "member_ids", "reason"} <= set(data["procedures"][0])


def test_json_lines_from_stdin_give_one_plan_per_line(
    demo_city: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    single = {**FAMILY, "members": FAMILY["members"][:1]}
    out, _ = run_plan(
        "-", stdin=json.dumps(FAMILY) + "\n\n" + json.dumps(single) + "\n", monkeypatch=monkeypatch
    )
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert [len(json.loads(line)["procedures"]) > 0 for line in lines] == [True, True]


def test_invalid_facts_exit_2_with_every_error(demo_city: None, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = {"event": "tennyu", "event_date": "2026-02-30", "members": [{"id": "x y", "relationship": "boss"}]}
    err = io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(bad)))
    with pytest.raises(CommandError) as raised:
        call_command("plan", "-", stderr=err)
    assert raised.value.returncode == 2
    messages = err.getvalue()
    for path in ["event_date", "members[0].id", "members[0].relationship", "members[0]"]:
        assert f"{path}:" in messages


def test_a_missing_file_is_exit_2(demo_city: None) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("plan", "/nonexistent/facts.json")
    assert raised.value.returncode == 2
