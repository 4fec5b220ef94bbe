"""The preparation record: what it may hold, and the door each of its values came through."""

from __future__ import annotations

import pytest

from madoguchi.preparation import record
from madoguchi.preparation.tests.households import household


def test_a_household_with_every_field_is_a_valid_preparation() -> None:
    record.validate(household(5))


def test_a_my_number_has_no_place_in_a_preparation() -> None:
    data = household(1)
    data["members"][0]["my_number"] = "123456789018"
    with pytest.raises(record.InvalidPreparation) as invalid:
        record.validate(data)
    assert any("my_number" in message for _path, message in invalid.value.errors)


def test_every_problem_is_listed_with_its_path() -> None:
    data = household(2)
    data["members"][1]["id"] = "m1"
    data["notifier_member_id"] = "m9"
    data["sources"] = {"/members/7/family_name": "resident"}
    with pytest.raises(record.InvalidPreparation) as invalid:
        record.validate(data)
    paths = {path for path, _message in invalid.value.errors}
    assert {"members[1].id", "notifier_member_id", "sources['/members/7/family_name']"} <= paths


def test_a_value_takes_the_door_of_the_longest_pointer_that_holds_it() -> None:
    data = household(2)
    assert record.source_of(data, "/members/0/family_name") == "resident"
    record.set_source(data, "/members/0", "mynaportal_hikkoshi")
    record.set_source(data, "/members/0/school", "clerk")
    assert record.source_of(data, "/members/0/family_name") == "mynaportal_hikkoshi"
    assert record.source_of(data, "/members/0/school") == "clerk"
    assert record.source_of(data, "/members/1/family_name") == "resident"
    # the whole member from one door again: the pointers inside it are dropped, none left over
    record.set_source(data, "/members/0", "resident")
    assert "sources" not in data
    with pytest.raises(ValueError, match="unknown door"):
        record.set_source(data, "/members/0", "fax")


def test_a_merge_marks_only_what_the_second_door_changed_or_added() -> None:
    typed = household(2)
    imported = {
        "members": [
            dict(typed["members"][0], given_name="崇"),  # changed
            typed["members"][1],  # the same: keeps the resident's door
            dict(typed["members"][1], id="m3", relationship="child", birth_date="2020-01-01"),  # added
        ],
        "visit": {"date": "2026-12-08"},
    }
    merged = record.merge(typed, imported, source="mynaportal_hikkoshi")
    assert merged["members"][0]["given_name"] == "崇"
    assert record.source_of(merged, "/members/0/given_name") == "mynaportal_hikkoshi"
    assert record.source_of(merged, "/members/0/family_name") == "resident"
    assert record.source_of(merged, "/members/1/given_name") == "resident"
    assert record.source_of(merged, "/members/2/birth_date") == "mynaportal_hikkoshi"
    assert record.source_of(merged, "/visit/date") == "mynaportal_hikkoshi"
    assert typed["members"][0]["given_name"] == "髙志"  # the draft itself is left as it was
    record.validate(merged)


def test_pointers_escape_slashes_and_tildes() -> None:
    assert record.pointer("a/b", "c~d", 0) == "/a~1b/c~0d/0"
    assert record.resolve({"a/b": {"c~d": ["x"]}}, "/a~1b/c~0d/0") == "x"
