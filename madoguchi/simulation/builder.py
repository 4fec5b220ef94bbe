"""A household built on the simulation page, field by field, turned into household-facts/v1.

A planner who does not write JSON picks the life event, its date, and up to `MAX_MEMBERS` members (their
relationship, birth date, insurance, school and the few facts that change what they must do); every member
fact the page does not ask is answered as the page says (a Japanese national with a My Number card and
none of the rest), so that no procedure is left undecided by a question nobody could answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from madoguchi.rules.facts import FACTS

MAX_MEMBERS = 6
# The member facts the page asks with a tick box, and the household facts.
MEMBER_TICKS = ("care_certified", "disability_certificate", "pregnant", "receives_public_pension")
HOUSEHOLD_TICKS = ("car", "light_motorbike", "dog", "single_parent", "receives_public_assistance")
# What the page answers for every member without asking (said on the page).
MEMBER_DEFAULTS: Mapping[str, Any] = {
    "nationality": "JP",
    "has_my_number_card": True,
    "has_seal_registration": False,
    "has_driving_licence": False,
    "has_maternal_handbook": False,
    "owns_real_estate": False,
    "child_allowance_recipient": False,
    "child_rearing_allowance_recipient": False,
    "was_employee_dependent": False,
}
MUNICIPALITY_BEFORE = "131016"  # 千代田区: the former municipality of a move-in (any other one would do)


@dataclass(frozen=True)
class Tick:
    name: str  # the form field's name
    label_ja: str
    label_en: str


def member_ticks() -> list[Tick]:
    return [
        Tick(name, FACTS[f"member.{name}"].label_ja, FACTS[f"member.{name}"].label_en)
        for name in MEMBER_TICKS
    ]


def household_ticks() -> list[Tick]:
    return [
        Tick(f"b_{name}", FACTS[f"household.{name}"].label_ja, FACTS[f"household.{name}"].label_en)
        for name in HOUSEHOLD_TICKS
    ]


def moved_from_labels(language: str) -> dict[str, str]:
    """Where a household moving in lived before, labelled in `language`."""
    japanese = FACTS["moved_from.kind"].values
    return MOVED_FROM_EN if language.startswith("en") else dict(japanese)


MOVED_FROM_EN = {"other_municipality": "Another municipality", "abroad": "Abroad"}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def facts_from_form(data: Mapping[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The household-facts/v1 of the page's builder fields (`b_…`), or the errors by field name."""
    errors: dict[str, str] = {}
    event = (data.get("b_event") or "").strip()
    if event not in FACTS["event"].values:
        errors["b_event"] = _("ライフイベントを選んでください。")
    event_date = _day(data.get("b_event_date") or "")
    if event_date is None:
        errors["b_event_date"] = _("届出の日を 2026-04-01 のように入力してください。")
    members: list[dict[str, Any]] = []
    subjects: list[str] = []
    for number in range(1, MAX_MEMBERS + 1):
        prefix = f"b_m{number}_"
        relationship = (data.get(prefix + "relationship") or "").strip()
        if not relationship:
            continue  # an empty row: no such member
        member_id = f"m{number}"
        born = _day(data.get(prefix + "birth_date") or "")
        if relationship not in FACTS["member.relationship"].values:
            errors[prefix + "relationship"] = _("世帯員%(number)sの続柄を選んでください。") % {
                "number": number
            }
        if born is None:
            errors[prefix + "birth_date"] = _(
                "世帯員%(number)sの生年月日を 1990-05-01 のように入力してください。"
            ) % {"number": number}
        elif event_date is not None and born > event_date:
            errors[prefix + "birth_date"] = _(
                "世帯員%(number)sの生年月日が届出の日より後になっています。"
            ) % {"number": number}
        insurance = (data.get(prefix + "health_insurance") or "").strip()
        if insurance not in FACTS["member.health_insurance"].values:
            errors[prefix + "health_insurance"] = _("世帯員%(number)sの健康保険を選んでください。") % {
                "number": number
            }
        school = (data.get(prefix + "school") or "none").strip()
        if school not in FACTS["member.school"].values:
            errors[prefix + "school"] = _("世帯員%(number)sの就学・保育を選んでください。") % {
                "number": number
            }
        member: dict[str, Any] = {
            "id": member_id,
            "relationship": relationship,
            "birth_date": born.isoformat() if born else "",
            "health_insurance": insurance,
            "school": school,
            **MEMBER_DEFAULTS,
        }
        for name in MEMBER_TICKS:
            member[name] = bool(data.get(prefix + name))
        members.append(member)
        if data.get(prefix + "subject"):
            subjects.append(member_id)
    if not members and "b_m1_relationship" not in errors:
        errors["b_m1_relationship"] = _("世帯員を1人以上入力してください（世帯員1の続柄）。")
    if errors or event_date is None:
        return None, errors
    facts: dict[str, Any] = {
        "event": event,
        "event_date": event_date.isoformat(),
        "members": members,
        "household": {name: bool(data.get(f"b_{name}")) for name in HOUSEHOLD_TICKS},
    }
    if event == "tennyu":
        moved_from = data.get("b_moved_from") or "other_municipality"
        if moved_from not in FACTS["moved_from.kind"].values:
            return None, {"b_moved_from": _("転入前の住所を選んでください。")}
        facts["moved_from"] = {"kind": moved_from}
        if moved_from == "other_municipality":
            facts["moved_from"]["municipality_code"] = MUNICIPALITY_BEFORE
    if subjects:
        facts["subject_member_ids"] = subjects
    return facts, {}
