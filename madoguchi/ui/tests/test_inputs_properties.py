"""Property tests of the JSON edge of the input layer (ui/inputs.py parse_json), under the fixed `ci`
Hypothesis profile (conftest.py): any JSON document within the limits reads back as written, and any
bytes at all are a document or a BadInput naming the body, never another exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from madoguchi.ui.inputs import JSON_MAX_DEPTH, BadInput, parse_json

# Text a resident or a program may send: anything but control characters (which the layer refuses).
TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30,
)


@given(DOCUMENTS)
@example({"members": [{"id": "m1", "birth_date": "1990-01-01"}], "event": "tennyu"})
def test_a_document_within_the_limits_reads_back_as_written(document: Any) -> None:
    assert parse_json(json.dumps(document, ensure_ascii=False)) == document


@given(st.binary(max_size=200) | st.text(max_size=200))
@example(b"[" * 100_000 + b"]" * 100_000)
@example(b'{"n": ' + b"9" * 5000 + b"}")
@example(b'{"n": NaN}')
@example(b'{"s": "\\u0000"}')
@example(b"\xff\xfe")
def test_anything_is_a_document_or_a_bad_input_naming_the_body(raw: bytes | str) -> None:
    refused: BadInput | None = None
    try:
        parse_json(raw)
    except BadInput as error:
        refused = error
    # a refusal names where (the body, or the key path inside it) and says why
    assert refused is None or (refused.field and refused.message)


@given(st.integers(min_value=1, max_value=3 * JSON_MAX_DEPTH))
def test_the_depth_limit_is_exact(depth: int) -> None:
    raw = "[" * depth + "]" * depth
    if depth <= JSON_MAX_DEPTH:
        assert parse_json(raw) is not None
    else:
        with pytest.raises(BadInput, match="入れ子"):
            parse_json(raw)
