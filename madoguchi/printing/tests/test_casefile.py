"""Case files (case-file/v1): every error listed with its path, and the household facts they imply."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from madoguchi.printing.casefile import InvalidCase, household_facts, read_case
from madoguchi.printing.examples import EXAMPLES
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog
from madoguchi.rules.engine import REQUIRED, make_plan
from madoguchi.rules.household import read_facts


def example(name: str = "5-person-tennyu") -> dict[str, Any]:
    return copy.deepcopy(EXAMPLES[name])


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_is_a_valid_case_file(name: str) -> None:
    # when
    case = read_case(example(name))
    # then
    assert case.members
    assert case.notifier.id == EXAMPLES[name].get("notifier_member_id", case.members[0].id)


def test_schema_errors_are_all_listed_with_their_paths() -> None:
    # given
    data = example()
    data["members"][1]["birth_date"] = "1987-02-30"
    data["members"][2]["sex"] = "boy"
    del data["members"][3]["given_name"]
    data["address"]["postal_code"] = "260-0024"
    data["colour"] = "blue"
    # when
    with pytest.raises(InvalidCase) as raised:
        read_case(data)
    # then
    paths = [path for path, _ in raised.value.errors]
    assert "members[1].birth_date" in paths
    assert "members[2].sex" in paths
    assert "members[3]" in paths  # 'given_name' is a required property
    assert "address.postal_code" in paths
    assert "(top)" in paths  # additional property 'colour'
    assert len(raised.value.errors) == 5
    messages = dict(raised.value.errors)
    assert "is not a 'date'" in messages["members[1].birth_date"]


def test_semantic_errors_are_all_listed() -> None:
    # given
    data = example()
    data["members"][4]["id"] = "m1"
    data["notifier_member_id"] = "m9"
    data["subject_member_ids"] = ["m1", "x"]
    del data["address"]["prefecture"]
    del data["previous_address"]["city"]  # a previous address may lack its postal code, never its city
    data["members"][0]["my_number"] = "123456789012"  # wrong check digit
    # when
    with pytest.raises(InvalidCase) as raised:
        read_case(data)
    # then
    assert set(dict(raised.value.errors)) == {
        "members[4].id",
        "notifier_member_id",
        "subject_member_ids[1]",
        "address.prefecture",
        "previous_address.city",
        "members[0].my_number",
    }
    assert "123456789012" not in str(raised.value)  # a 個人番号 never appears in a message


def test_an_address_abroad_needs_no_postal_code() -> None:
    # given
    data = example()
    data["previous_address"] = {"country": "PH", "town": "123 Rizal Avenue, Manila"}
    data["moved_from"] = {"kind": "abroad"}
    # when
    case = read_case(data)
    # then
    assert case.previous_address is not None
    assert case.previous_address.full == "123 Rizal Avenue, Manila"


def test_facts_errors_of_the_navigator_are_listed_too() -> None:
    # given: a death without saying who died, and a birth date after the event
    data = example("shibou-head")
    del data["subject_member_ids"]
    data["members"][2]["birth_date"] = "2027-01-01"
    # when
    with pytest.raises(InvalidCase) as raised:
        read_case(data)
    # then
    assert set(dict(raised.value.errors)) == {"subject_member_ids", "members[2].birth_date"}


def test_household_facts_drop_identity_data_and_give_the_plan() -> None:
    # given
    case = read_case(example())
    # when
    facts = household_facts(case)
    # then
    member_keys = {key for member in facts["members"] for key in member}
    assert not member_keys & {
        "family_name",
        "given_name",
        "family_name_kana",
        "sex",
        "my_number",
        "name_roman",
    }
    read_facts(facts)  # valid household-facts/v1
    plan = make_plan(load_catalog(DEFAULT_CATALOG_DIR), facts)
    assert {"tennyu-todoke", "kokuho-kanyu", "koki-koreisha-kanyu", "jido-teate-nintei"} <= set(
        plan.codes(REQUIRED)
    )


def test_no_error_message_repeats_a_wrong_value_so_no_my_number_reaches_the_terminal() -> None:
    # given: more members than case-file/v1 allows (each with a My Number), and a malformed My Number
    data = example()
    template = next(m for m in data["members"] if m.get("my_number"))
    data["members"] = [
        {**template, "id": f"m{n}", "my_number": f"{n:02d}3456789018"[:12]} for n in range(1, 40)
    ]
    data["members"][0]["my_number"] = "98765432101"  # 11 digits
    # when
    with pytest.raises(InvalidCase) as raised:
        read_case(data)
    # then: the paths say where, and no message carries a number given
    text = "\n".join(f"{path}: {message}" for path, message in raised.value.errors)
    assert "members" in text
    assert "98765432101" not in text
    assert not any(member["my_number"] in text for member in data["members"])
