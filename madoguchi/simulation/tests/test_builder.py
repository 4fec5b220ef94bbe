"""A household built on the simulation page, field by field, without writing JSON."""

from __future__ import annotations

from typing import Any

import pytest

from madoguchi.simulation.builder import facts_from_form
from madoguchi.simulation.models import SimulationRun
from madoguchi.staff.roles import Role
from madoguchi.tasks.worker import drain

BEREAVED_COUPLE = {
    "b_event": "shibou",
    "b_event_date": "2026-06-02",
    "b_m1_relationship": "head",
    "b_m1_birth_date": "1945-04-01",
    "b_m1_health_insurance": "late_elderly",
    "b_m1_school": "none",
    "b_m1_receives_public_pension": "1",
    "b_m1_care_certified": "1",
    "b_m1_subject": "1",
    "b_m2_relationship": "spouse",
    "b_m2_birth_date": "1948-09-10",
    "b_m2_health_insurance": "late_elderly",
    "b_m2_school": "none",
    "b_m2_receives_public_pension": "1",
    # the rows the planner left blank, as the page sends them
    "b_m3_relationship": "",
    "b_m3_birth_date": "",
    "b_m3_health_insurance": "national",
}


def test_the_fields_become_household_facts_with_every_question_answered() -> None:
    facts, errors = facts_from_form(BEREAVED_COUPLE)
    assert errors == {}
    assert facts is not None
    assert facts["event"] == "shibou"
    assert [member["id"] for member in facts["members"]] == ["m1", "m2"]
    head = facts["members"][0]
    assert (head["birth_date"], head["health_insurance"], head["care_certified"]) == (
        "1945-04-01",
        "late_elderly",
        True,
    )
    assert head["has_my_number_card"] is True
    assert head["pregnant"] is False
    assert facts["subject_member_ids"] == ["m1"]
    assert facts["household"] == {
        "car": False,
        "light_motorbike": False,
        "dog": False,
        "single_parent": False,
        "receives_public_assistance": False,
    }
    assert "moved_from" not in facts  # only a move-in says where from


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"b_event": ""}, "b_event", "ライフイベントを選んでください。"),
        ({"b_event_date": "2026-02-30"}, "b_event_date", "届出の日を 2026-04-01 のように入力してください。"),
        ({"b_m2_birth_date": "10/09/1948"}, "b_m2_birth_date", "世帯員2の生年月日を 1990-05-01 のように"),
        (
            {"b_m2_birth_date": "2027-01-01"},
            "b_m2_birth_date",
            "世帯員2の生年月日が届出の日より後になっています。",
        ),
        ({"b_m1_relationship": "", "b_m2_relationship": ""}, "b_m1_relationship", "世帯員を1人以上入力"),
        ({"b_m2_health_insurance": "gold"}, "b_m2_health_insurance", "世帯員2の健康保険を選んでください。"),
    ],
)
def test_a_mistake_is_named_at_its_field(changes: dict[str, str], field: str, message: str) -> None:
    facts, errors = facts_from_form({**BEREAVED_COUPLE, **changes})
    assert facts is None
    assert message in errors[field]


def test_a_move_in_says_where_from() -> None:
    form = {**BEREAVED_COUPLE, "b_event": "tennyu", "b_moved_from": "abroad"}
    facts, _ = facts_from_form(form)
    assert facts is not None
    assert facts["moved_from"] == {"kind": "abroad"}
    facts, _ = facts_from_form({**form, "b_moved_from": "other_municipality"})
    assert facts is not None
    assert facts["moved_from"]["kind"] == "other_municipality"
    assert facts["moved_from"]["municipality_code"].isdigit()


@pytest.mark.django_db
def test_a_household_built_on_the_page_is_simulated(staff_of: Any, signed_in: Any, settings: Any) -> None:
    settings.MADOGUCHI_SIMULATION_WORKERS = 1
    client = signed_in(staff_of(Role.MANAGER))
    page = client.get("/simulations/").content.decode()
    assert 'name="b_m6_relationship"' in page  # six member rows to fill
    form = {
        "kind": "savings",
        "office": "chuo",
        "seed": "1",
        "replications": "2",
        "build": "1",
        **BEREAVED_COUPLE,
    }
    response = client.post("/simulations/", form)
    run = SimulationRun.objects.get()
    assert response["Location"] == f"/simulations/{run.pk}/"
    assert run.kind == SimulationRun.Kind.HOUSEHOLD  # the builder's button starts a household run
    assert run.parameters["facts"][0]["members"][0]["birth_date"] == "1945-04-01"
    drain("test")
    run.refresh_from_db()
    assert run.status == SimulationRun.Status.DONE, run.error
    row = run.result["households"][0]
    assert row["event"] == "shibou"
    assert row["size"] == 2
    assert row["undecided"] == []
    assert "koki-koreisha-soshitsu" in row["procedures"]


@pytest.mark.django_db
def test_a_mistake_in_the_builder_keeps_what_was_entered(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.MANAGER))
    form = {"kind": "savings", "office": "chuo", "seed": "1", "replications": "2", "build": "1"}
    response = client.post("/simulations/", {**form, **BEREAVED_COUPLE, "b_m2_birth_date": "1948-13-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "世帯員2の生年月日を 1990-05-01 のように入力してください。" in page
    assert '<details class="builder" open>' in page  # opened where the mistake is
    assert 'value="1945-04-01"' in page  # nothing entered is lost
    assert 'value="1948-13-01"' in page
    assert not SimulationRun.objects.exists()
