"""Validation against the published schemas: the compiled check and the Python one that lists the errors
must agree on which documents are valid."""

from __future__ import annotations

import copy
from typing import Any
from unittest import mock

import pytest

from madoguchi.printing.casefile import household_facts
from madoguchi.printing.examples import EXAMPLES
from madoguchi.rules.household import InvalidFacts, _household_validator, read_facts

VALID = household_facts(EXAMPLES["5-person-tennyu"])


def changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(VALID)
    target = document
    for part in path[:-1]:
        target = target[part]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (changed(("event_date",), "2026-02-30"), "event_date"),  # no such day: the date format is checked
        (changed(("event_date",), "20260401"), "event_date"),
        (changed(("event",), "moving"), "event"),
        (changed(("members", 1, "relationship"), "cousin-in-law"), "members[1].relationship"),
        (changed(("members", 0, "birth_date"), KeyError), "members[0]"),
        (changed(("members", 2, "unknown_fact"), True), "members[2]"),
        (changed(("members",), []), "members"),
    ],
)
def test_every_wrong_document_is_refused_with_the_place_of_its_error(document: Any, path: str) -> None:
    schema = _household_validator()
    assert not schema.fast.is_valid(document)
    with pytest.raises(InvalidFacts) as refused:
        read_facts(document)
    assert [error.path for error in refused.value.errors] == [path]


def test_a_valid_household_is_checked_once_by_the_compiled_validator_alone() -> None:
    schema = _household_validator()
    with mock.patch.object(type(schema.checker), "iter_errors", side_effect=AssertionError) as listing:
        household = read_facts(VALID)
    assert listing.call_count == 0
    assert len(household.members) == 5
