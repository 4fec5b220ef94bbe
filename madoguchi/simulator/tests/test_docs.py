"""The examples of docs/simulator.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "simulator.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(
    "code", EXAMPLES, ids=[f"example-{number}" for number in range(1, len(EXAMPLES) + 1)]
)
def test_example_runs(code: str) -> None:
    exec(compile(code, str(DOC), "exec"), {})  # noqa: S102 (our own documentation)
