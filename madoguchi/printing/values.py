"""What a form field reads from the case: paths such as `address.full`, `notifier.name`, `member.birth_date`.

A path is compiled once, when the form definitions are loaded, into a getter; an unknown path is an error
of the definition. Getters return plain values (text, a date, a list for `members[*].name`); `format_value`
prints them the way the form wants (和暦 or 西暦).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from madoguchi.identity import mynumber
from madoguchi.identity.names import full_name
from madoguchi.identity.wareki import format_date
from madoguchi.printing.casefile import Address, Case, Member
from madoguchi.rules.engine import PlannedProcedure
from madoguchi.rules.facts import EVENTS, HEALTH_INSURANCE, SCHOOL
from madoguchi.rules.household import Household, legal_age

Value = str | date | list[Any] | None

NATIONALITIES = {
    "JP": "日本",
    "BR": "ブラジル",
    "CN": "中国",
    "ID": "インドネシア",
    "IN": "インド",
    "KR": "韓国",
    "LK": "スリランカ",
    "MM": "ミャンマー",
    "NP": "ネパール",
    "PE": "ペルー",
    "PH": "フィリピン",
    "TH": "タイ",
    "TW": "台湾",
    "US": "アメリカ合衆国",
    "VN": "ベトナム",
}
MOVED_FROM = {"other_municipality": "他の市区町村", "abroad": "国外"}
SEX = {"male": "男", "female": "女", "unspecified": ""}


class PathError(ValueError):
    """A path a form definition may not use, with the reason."""


@dataclass(frozen=True)
class Sheet:
    """Everything one printed form reads: the case, its derived facts and the procedures the form serves."""

    case: Case
    household: Household
    city: str
    received_on: date
    procedures: tuple[PlannedProcedure, ...]
    rows: tuple[Member, ...]  # the members the form is about (a table prints one row each)
    departments: Mapping[str, str] = field(default_factory=dict)  # department code → name

    def facts(self, member: Member) -> dict[str, Any]:
        return next(m for m in self.household.members if m["id"] == member.id)


Getter = Callable[[Sheet, Member | None], Value]
MemberAttr = Callable[[Member, Sheet], Value]


def _relationship(member: Member, sheet: Sheet) -> str:
    """The 続柄 as the 住民票 writes it (not 長男: the order of birth is not in the case file)."""
    sex = member.sex
    match member.relationship:
        case "head":
            return "世帯主"
        case "spouse":
            return {"male": "夫", "female": "妻"}.get(sex, "配偶者")
        case "child":
            return "子"
        case "parent":
            return {"male": "父", "female": "母"}.get(sex, "親")
        case "grandchild":
            return "孫"
        case "sibling":
            head = sheet.case.head
            older = head is not None and member.birth_date < head.birth_date
            pair = ("兄", "姉") if older else ("弟", "妹")
            return {"male": pair[0], "female": pair[1]}.get(sex, "兄弟姉妹")
    return "縁故者"


def _grade(member: Member, sheet: Sheet) -> str:
    """学年 from the grade age: 小学3年, 中学2年, 高校1年 (high school only when the case says so)."""
    school_age = sheet.facts(member)["school_age"]
    if 6 <= school_age <= 11:
        return f"小学{school_age - 5}年"
    if 12 <= school_age <= 14:
        return f"中学{school_age - 11}年"
    if 15 <= school_age <= 17 and member.facts.get("school") == "high_school":
        return f"高校{school_age - 14}年"
    return ""


def _group_digits(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


MEMBER_ATTRS: dict[str, MemberAttr] = {
    "id": lambda m, s: m.id,
    "name": lambda m, s: full_name(m.family_name, m.given_name),
    "name_kana": lambda m, s: full_name(m.family_name_kana, m.given_name_kana),
    "family_name": lambda m, s: m.family_name,
    "given_name": lambda m, s: m.given_name,
    "family_name_kana": lambda m, s: m.family_name_kana,
    "given_name_kana": lambda m, s: m.given_name_kana,
    "name_roman": lambda m, s: m.name_roman,
    "sex": lambda m, s: SEX[m.sex],
    "birth_date": lambda m, s: m.birth_date,
    "age": lambda m, s: f"{legal_age(m.birth_date, s.case.event_date)}歳",
    "relationship": _relationship,
    "nationality": lambda m, s: "" if not m.foreign else NATIONALITIES.get(m.nationality, m.nationality),
    "my_number": lambda m, s: _group_digits(m.my_number) if m.my_number else "",
    "my_number_masked": lambda m, s: _group_digits(mynumber.mask(m.my_number)) if m.my_number else "",
    "health_insurance": lambda m, s: HEALTH_INSURANCE.get(m.facts.get("health_insurance", ""), ""),
    "school": lambda m, s: SCHOOL.get(m.facts.get("school", ""), ""),
    "grade": _grade,
    "previous_school": lambda m, s: m.previous_school,
}


def _postal(address: Address) -> str:
    code = address.postal_code
    return f"〒{code[:3]}-{code[3:]}" if code else ""


ADDRESS_ATTRS: dict[str, Callable[[Address], str]] = {
    "full": lambda a: a.full,
    "postal_code": _postal,
    "prefecture": lambda a: a.prefecture,
    "city": lambda a: a.city,
    "municipality": lambda a: (
        f"{a.prefecture}{a.city}" if not a.abroad else NATIONALITIES.get(a.country, a.country)
    ),
    "town": lambda a: a.town,
    "block": lambda a: a.block,
    "building": lambda a: a.building,
    "municipality_code": lambda a: a.municipality_code,
    "country": lambda a: NATIONALITIES.get(a.country, a.country) if a.abroad else "",
}


def _moved_from(sheet: Sheet) -> str:
    moved = sheet.case.data.get("moved_from")
    return MOVED_FROM[moved["kind"]] if moved else ""


SCALARS: dict[str, Callable[[Sheet], Value]] = {
    "received_on": lambda s: s.received_on,
    "event_date": lambda s: s.case.event_date,
    "event": lambda s: EVENTS[s.case.event],
    "case_id": lambda s: s.case.case_id,
    "city": lambda s: s.city,
    "mayor": lambda s: f"{s.city}長",
    "phone": lambda s: s.case.phone,
    "email": lambda s: s.case.email,
    "moved_from": _moved_from,
    "funeral_date": lambda s: s.case.funeral_date,
    "bank_account.bank_branch": lambda s: s.case.bank_account.bank_branch if s.case.bank_account else "",
    "bank_account.number": lambda s: s.case.bank_account.kind_and_number if s.case.bank_account else "",
    "bank_account.holder_kana": lambda s: s.case.bank_account.holder_kana if s.case.bank_account else "",
}


def _deadline(sheet: Sheet) -> Value:
    dates = [p.deadline for p in sheet.procedures if p.deadline is not None]
    return min(dates) if dates else None


PROCEDURE_ATTRS: dict[str, Callable[[Sheet], Value]] = {
    "name": lambda s: "・".join(p.name_ja for p in s.procedures),
    "reason": lambda s: s.procedures[0].reason if s.procedures else "",
    "deadline": _deadline,
    "department": lambda s: "・".join(
        dict.fromkeys(s.departments.get(p.department, p.department) for p in s.procedures)
    ),
}

_MEMBER_PATH = re.compile(r"(?P<root>[a-z_]+)(?:\[(?P<index>\*|[0-9]+)\])?\.(?P<attr>[a-z_]+)")
LIST_ROOTS = {"members", "subjects", "rows"}
SINGLE_ROOTS = {"notifier", "head", "spouse", "subject"}
ADDRESS_ROOTS = {"address", "previous_address", "next_address"}


def _members_of(root: str, sheet: Sheet) -> Sequence[Member]:
    if root == "members":
        return sheet.case.members
    if root == "subjects":
        return [sheet.case.member(i) for i in sheet.case.subject_ids]
    return sheet.rows


def _single(root: str, sheet: Sheet) -> Member | None:
    if root == "notifier":
        return sheet.case.notifier
    if root == "head":
        return sheet.case.head
    if root == "spouse":
        return next((m for m in sheet.case.members if m.relationship == "spouse"), None)
    ids = sheet.case.subject_ids
    return sheet.case.member(ids[0]) if ids else None


def compile_path(path: str, *, in_table: bool, mask: bool = False) -> Getter:
    """The getter for `path`. In a table `member.*` is the member of the row. Raises PathError."""
    if path in SCALARS:
        if mask:
            raise PathError(f"`mask` applies to a 個人番号 (…my_number), not to {path!r}")
        scalar = SCALARS[path]
        return lambda sheet, member: scalar(sheet)
    match = _MEMBER_PATH.fullmatch(path)
    if match is None:
        raise PathError(f"unknown path {path!r} (known: {', '.join(describe_paths())})")
    root, index, attr = match["root"], match["index"], match["attr"]
    if mask and attr != "my_number":
        raise PathError(f"`mask` applies to a 個人番号 (…my_number), not to {path!r}")
    if root in ADDRESS_ROOTS and index is None:
        if attr not in ADDRESS_ATTRS:
            raise PathError(f"unknown address part {attr!r} in {path!r} (known: {', '.join(ADDRESS_ATTRS)})")
        address_attr = ADDRESS_ATTRS[attr]

        def address_getter(sheet: Sheet, member: Member | None) -> Value:
            address: Address | None = getattr(sheet.case, root)
            return address_attr(address) if address is not None else None

        return address_getter
    if root == "procedure" and index is None:
        if attr not in PROCEDURE_ATTRS:
            raise PathError(f"unknown procedure field {attr!r} (known: {', '.join(PROCEDURE_ATTRS)})")
        procedure_attr = PROCEDURE_ATTRS[attr]
        return lambda sheet, member: procedure_attr(sheet)
    if attr not in MEMBER_ATTRS or attr == "my_number_masked":
        raise PathError(f"unknown member field {attr!r} in {path!r} (known: {', '.join(MEMBER_ATTRS)})")
    read = MEMBER_ATTRS["my_number_masked" if mask else attr]
    if root == "member" and index is None:
        if not in_table:
            raise PathError(f"{path!r}: `member.` is the member of a table row; use it in a table column")
        return lambda sheet, member: read(member, sheet) if member is not None else None
    if root in SINGLE_ROOTS and index is None:

        def single_getter(sheet: Sheet, member: Member | None) -> Value:
            who = _single(root, sheet)
            return read(who, sheet) if who is not None else None

        return single_getter
    if root in LIST_ROOTS and index == "*":
        return lambda sheet, member: [read(m, sheet) for m in _members_of(root, sheet)]
    if root == "members" and index is not None:
        position = int(index)

        def indexed_getter(sheet: Sheet, member: Member | None) -> Value:
            members = sheet.case.members
            return read(members[position], sheet) if position < len(members) else None

        return indexed_getter
    raise PathError(f"unknown path {path!r} (known: {', '.join(describe_paths())})")


def describe_paths() -> list[str]:
    return [
        *SCALARS,
        "address.<part>",
        "previous_address.<part>",
        "next_address.<part>",
        "notifier.<field>",
        "head.<field>",
        "spouse.<field>",
        "subject.<field>",
        "members[N].<field>",
        "members[*].<field>",
        "subjects[*].<field>",
        "rows[*].<field>",
        "member.<field> (table columns)",
        "procedure.<name|reason|deadline|department>",
    ]


def format_value(value: Value, *, wareki: bool) -> str:
    """A value as printed: dates in 和暦 (「令和8年4月3日」) or 西暦, lists joined with 「、」."""
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value) if wareki else f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, list):
        return "、".join(text for text in (format_value(v, wareki=wareki) for v in value) if text)
    return str(value)
