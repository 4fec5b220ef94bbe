"""The case page's form: what the clerk typed → normalised CaseDetails, or a Japanese message per field.

Each value passes the identity validators once (kana, 和暦, My Number, postal codes, municipality codes,
phone numbers), so every form printed later carries the same, checked value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jaconv
import phonenumbers
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madoguchi.cases.actions import CaseDetails, PersonDetails
from madoguchi.cases.models import Case, Person
from madoguchi.identity import kana, mynumber, names, phone, wareki
from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.municipality import search as search_municipalities
from madoguchi.identity.municipality import validate as validate_municipality
from madoguchi.printing.casefile import SCHEMA_PATH
from madoguchi.rules.facts import (
    HEALTH_INSURANCE,
    HOUSEHOLD_INPUT_FACTS,
    MEMBER_INPUT_FACTS,
    RELATIONSHIP,
    Kind,
)
from madoguchi.rules.household import legal_age
from madoguchi.ui.inputs import BadInput, check_date, clean_text

MAX_PEOPLE = 20
# Who may notify and sign: the person or the head of household, able to understand what they sign; in
# practice 15 and over (as for 印鑑登録). A toddler chosen as 届出人 is a slip of the radio button.
NOTIFIER_MIN_AGE = 15
ADDRESS_PARTS = ("postal_code", "prefecture", "city", "town", "block", "building")
PERSON_FACTS = tuple(
    f for f in MEMBER_INPUT_FACTS if f.key not in {"health_insurance", "nationality", "relationship"}
)
SEXES = {"male", "female", "unspecified"}
ACCOUNT_PARTS = ("bank", "branch", "kind", "number", "holder_kana")
ACCOUNT_KINDS = {"ordinary", "current"}
ACCOUNT_NUMBER_DIGITS = 7  # 口座番号: 7 digits, shorter numbers are written with leading zeros
SCHOOL_NAME_MAX = 60
# The longest each part of an address may be: what case-file/v1 (and so the printed forms) accepts.
ADDRESS_MAX_LENGTHS: dict[str, int] = {
    part: spec["maxLength"]
    for part, spec in json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]["address"][
        "properties"
    ].items()
    if "maxLength" in spec
}
# ISO 3166-1 alpha-2 codes of the world's countries and regions (phonenumbers keeps the list current).
COUNTRY_CODES: frozenset[str] = frozenset(phonenumbers.SUPPORTED_REGIONS)
# Person.member_id (max_length 8), unique within the case; household-facts/v1 allows the same characters
MEMBER_ID = re.compile(r"[A-Za-z0-9_-]{1,8}")
MOVED_FROM_MAX = 20  # Case.moved_from_kind
ROW_INDEX_DIGITS = 3
TEXT_MAX = 200  # any other value typed (address parts, facts); the printed forms hold far less


@dataclass
class Entry:
    """The raw values as typed (to redisplay them) and the errors found, per field name."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    people: list[int] = field(default_factory=list)  # form indexes of the people rows
    details: CaseDetails | None = None
    # a case opened from a preparation: field name → where its prepared value came from (shown beside it)
    sources: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field name, what the field is, message) for the list above the form: "山田 花子さん：生年月日 —
        入力してください。", so that ten 「入力してください。」 say which ten fields."""
        summary = []
        for name, message in self.errors.items():
            label = FIELD_LABELS.get(name)
            if label is None and name.startswith("p-") and name.count("-") >= 2:
                _p, index, field_name = name.split("-", 2)
                label = f"{self._person_label(index)}：{FIELD_LABELS.get(field_name, field_name)}"
            summary.append((name, str(label or name), str(message)))
        return summary

    def _person_label(self, index: str) -> str:
        family = self.value(f"p-{index}-family_name").strip()
        given = self.value(f"p-{index}-given_name").strip()
        if family or given:
            return str(_("%(name)sさん") % {"name": f"{family} {given}".strip()})
        position = self.people.index(int(index)) + 1 if index.isdigit() and int(index) in self.people else 0
        return str(_("%(n)s人目の方") % {"n": position or index})


# What each field is called in the error summary (people's fields are prefixed with the person).
FIELD_LABELS: dict[str, Any] = {
    "event_date": gettext_lazy("届出の事由が生じた日"),
    "contact_phone": gettext_lazy("電話番号"),
    "language": gettext_lazy("お知らせ・控えの言語"),
    "people": gettext_lazy("世帯の方"),
    "addr-postal_code": gettext_lazy("住所：郵便番号"),
    "addr-prefecture": gettext_lazy("住所：都道府県"),
    "addr-city": gettext_lazy("住所：市区町村"),
    "addr-town": gettext_lazy("住所：町名・番地"),
    "addr-block": gettext_lazy("住所：番地"),
    "addr-building": gettext_lazy("住所：建物名・部屋番号"),
    "addr-municipality": gettext_lazy("住所：市区町村"),
    "prev-postal_code": gettext_lazy("従前の住所：郵便番号"),
    "prev-prefecture": gettext_lazy("従前の住所：都道府県"),
    "prev-city": gettext_lazy("従前の住所：市区町村"),
    "prev-town": gettext_lazy("従前の住所：町名・番地"),
    "prev-municipality": gettext_lazy("従前の住所：市区町村（団体コード）"),
    "family_name": gettext_lazy("氏"),
    "given_name": gettext_lazy("名"),
    "family_name_kana": gettext_lazy("氏（フリガナ）"),
    "given_name_kana": gettext_lazy("名（フリガナ）"),
    "name_roman": gettext_lazy("氏名（ローマ字）"),
    "birth_date": gettext_lazy("生年月日"),
    "relationship": gettext_lazy("続柄"),
    "sex": gettext_lazy("性別"),
    "nationality": gettext_lazy("国籍"),
    "health_insurance": gettext_lazy("健康保険"),
    "my_number": gettext_lazy("個人番号"),
    "notifier": gettext_lazy("届出人"),
    "previous_school": gettext_lazy("前の学校名"),
    "bank-bank": gettext_lazy("振込先口座：金融機関名"),
    "bank-branch": gettext_lazy("振込先口座：支店名"),
    "bank-kind": gettext_lazy("振込先口座：預金種目"),
    "bank-number": gettext_lazy("振込先口座：口座番号"),
    "bank-holder_kana": gettext_lazy("振込先口座：口座名義（カナ）"),
    "funeral_date": gettext_lazy("葬儀を行った日"),
    "member_id": gettext_lazy("世帯員の番号"),
    "moved_from": gettext_lazy("転入前の住所の種別"),
}


def _clean(entry: Entry, name: str, function: Any, *, required: bool = False) -> Any:
    raw = entry.value(name).strip()
    if not raw:
        if required:
            entry.errors[name] = _("入力してください。")
        return ""
    try:
        return function(raw)
    except InvalidInput as error:
        entry.errors[name] = error.message
        return ""


def _address(entry: Entry, prefix: str, *, required: bool) -> dict[str, str]:
    address = {part: entry.value(f"{prefix}-{part}").strip() for part in ADDRESS_PARTS}
    for part, longest in ADDRESS_MAX_LENGTHS.items():
        if len(address.get(part, "")) > longest:  # the forms print no more (case-file/v1 refuses it)
            entry.errors[f"{prefix}-{part}"] = _("%(n)s文字以内で入力してください。") % {"n": longest}
    address["postal_code"] = _clean(entry, f"{prefix}-postal_code", lambda v: kana.digits(v).replace("-", ""))
    if address["postal_code"] and (len(address["postal_code"]) != 7 or not address["postal_code"].isdigit()):
        entry.errors[f"{prefix}-postal_code"] = _("郵便番号は7桁の数字で入力してください。")
    if required:
        for part in ("postal_code", "prefecture", "city", "town"):
            if not address[part] and f"{prefix}-{part}" not in entry.errors:
                entry.errors[f"{prefix}-{part}"] = _("入力してください。")
    municipality = entry.value(f"{prefix}-municipality").strip()
    if municipality:
        try:
            if kana.ascii_digits(municipality).isdigit():
                found = validate_municipality(kana.ascii_digits(municipality))
            else:
                matches = search_municipalities(municipality, limit=2)
                if len(matches) != 1:
                    raise InvalidInput(_("市区町村を特定できません。コードか正式な名称で入力してください。"))
                found = matches[0]
            address["municipality_code"] = found.code6
            if not address["prefecture"]:
                address["prefecture"] = found.prefecture
            if not address["city"]:
                address["city"] = found.name
        except InvalidInput as error:
            entry.errors[f"{prefix}-municipality"] = error.message
    address = {key: value for key, value in address.items() if value}
    if address and not required and not (address.get("prefecture") and address.get("city")):
        name = f"{prefix}-municipality" if f"{prefix}-municipality" in entry.values else f"{prefix}-city"
        entry.errors.setdefault(name, _("都道府県と市区町村（または団体コード）を入力してください。"))
    return address


def _payment_account(entry: Entry) -> dict[str, str]:
    """振込先口座: all five parts, or nothing at all (an allowance may be claimed later)."""
    raw = {part: entry.value(f"bank-{part}").strip() for part in ACCOUNT_PARTS}
    if not any(value for part, value in raw.items() if part != "kind"):
        return {}
    account: dict[str, str] = {}
    for part in ("bank", "branch"):
        if not raw[part]:
            entry.errors[f"bank-{part}"] = _("入力してください。")
        elif len(raw[part]) > 40:
            entry.errors[f"bank-{part}"] = _("40文字以内で入力してください。")
        else:
            account[part] = raw[part]
    if raw["kind"] in ACCOUNT_KINDS:
        account["kind"] = raw["kind"]
    else:
        entry.errors["bank-kind"] = _("普通か当座かを選んでください。")
    number = kana.ascii_digits(raw["number"]).replace("-", "").replace(" ", "")
    if not number:
        entry.errors["bank-number"] = _("入力してください。")
    elif not number.isdigit() or len(number) > ACCOUNT_NUMBER_DIGITS:
        entry.errors["bank-number"] = _("口座番号は7桁までの数字で入力してください。")
    else:
        account["number"] = number.zfill(ACCOUNT_NUMBER_DIGITS)
    holder = _clean(entry, "bank-holder_kana", kana.furigana, required=True)
    if holder:
        account["holder_kana"] = holder
    return account if len(account) == len(ACCOUNT_PARTS) else {}


def _fact(kind: Kind, raw: str) -> Any:
    if kind is Kind.BOOL:
        return {"yes": True, "no": False}.get(raw)
    return raw or None


def _date(name: str) -> Any:
    """和暦 or 西暦, inside the range that the deadlines and ages computed from it can hold."""
    return lambda text: check_date(wareki.parse_date(text), name)


def _bounded_text(entry: Entry) -> None:
    """Every value typed: no control characters, at most TEXT_MAX characters (shorter columns are checked
    by their own field)."""
    for name, value in entry.values.items():
        try:
            clean_text(value, name, max_length=TEXT_MAX, strip=False)
        except BadInput as error:
            entry.errors[name] = error.message
            entry.values[name] = ""  # never shown back, nor read further


def _member_id(entry: Entry, name: str, default: str, taken: set[str]) -> str:
    member_id = entry.value(name).strip() or default
    if not MEMBER_ID.fullmatch(member_id):
        entry.errors[name] = _("世帯員の番号は半角英数字8文字以内です。")
    elif member_id in taken:
        entry.errors[name] = _("世帯員の番号が重複しています。")
    taken.add(member_id)
    return member_id


def _row_index(text: str) -> bool:
    return text.isdigit() and len(text) <= ROW_INDEX_DIGITS  # rows are numbered by the page, never huge


def read_entry(case: Case, data: QueryDict) -> Entry:
    entry = Entry(values={key: data.get(key, "") for key in data})
    _bounded_text(entry)
    entry.values["doc"] = ""
    event_date = _clean(entry, "event_date", _date("event_date"), required=True)
    address = _address(entry, "addr", required=True)
    previous = _address(entry, "prev", required=False) if case.event in {"tennyu", "tenkyo"} else {}
    contact_phone = _clean(entry, "contact_phone", phone.normalize)
    language = entry.value("language") or settings.LANGUAGE_CODE
    if language not in {code for code, _name in settings.LANGUAGES}:
        entry.errors["language"] = _("お知らせ・控えの言語を選んでください。")
    payment_account = _payment_account(entry)
    funeral_date = _clean(entry, "funeral_date", _date("funeral_date")) if case.event == "shibou" else None
    if funeral_date and event_date and funeral_date < event_date:
        entry.errors["funeral_date"] = _("葬儀を行った日が亡くなった日より前になっています。")
    elif funeral_date and funeral_date > timezone.localdate():
        entry.errors["funeral_date"] = _(
            "葬儀を行った日が今日より後になっています。葬儀の後に申請してください。"
        )
    moved_from = entry.value("moved_from") if case.event == "tennyu" else ""
    if len(moved_from) > MOVED_FROM_MAX:
        entry.errors["moved_from"], moved_from = _("転入前の住所の種別を選んでください。"), ""
    household = {
        f.key: value
        for f in HOUSEHOLD_INPUT_FACTS
        if (value := _fact(f.kind, entry.value(f"h-{f.key}"))) is not None
    }
    indexes = sorted(
        {int(part) for key in data if key.startswith("p-") and _row_index(part := key.split("-")[1])}
    )[:MAX_PEOPLE]
    notifier = entry.value("notifier")
    people: list[PersonDetails] = []
    member_ids: set[str] = set()
    for index in indexes:
        prefix = f"p-{index}-"
        if data.get(prefix + "remove"):
            continue
        entry.people.append(index)
        relationship = entry.value(prefix + "relationship")
        if relationship not in RELATIONSHIP:
            entry.errors[prefix + "relationship"] = _("続柄を選んでください。")
        sex = entry.value(prefix + "sex")
        if sex not in SEXES:
            entry.errors[prefix + "sex"] = _("性別を選んでください。")
        insurance = entry.value(prefix + "health_insurance")
        if insurance and insurance not in HEALTH_INSURANCE:
            entry.errors[prefix + "health_insurance"] = _("健康保険を選んでください。")
        nationality = jaconv.z2h(entry.value(prefix + "nationality"), ascii=True).strip().upper() or "JP"
        if nationality not in COUNTRY_CODES:
            entry.errors[prefix + "nationality"] = _(
                "国籍は2文字の国名コード（例：JP、VN）で入力してください。"
            )
        previous_school = entry.value(prefix + "previous_school").strip()
        if len(previous_school) > SCHOOL_NAME_MAX:
            entry.errors[prefix + "previous_school"] = _("%(n)s文字以内で入力してください。") % {
                "n": SCHOOL_NAME_MAX
            }
        facts = {
            f.key: value
            for f in PERSON_FACTS
            if (value := _fact(f.kind, entry.value(f"{prefix}f-{f.key}"))) is not None
        }
        person = PersonDetails(
            member_id=_member_id(entry, prefix + "member_id", f"m{index + 1}", member_ids),
            relationship=relationship,
            family_name=_clean(entry, prefix + "family_name", names.family_or_given, required=True),
            given_name=_clean(entry, prefix + "given_name", names.family_or_given, required=True),
            family_name_kana=_clean(entry, prefix + "family_name_kana", kana.furigana),
            given_name_kana=_clean(entry, prefix + "given_name_kana", kana.furigana),
            name_roman=_clean(entry, prefix + "name_roman", names.roman),
            birth_date=_clean(entry, prefix + "birth_date", _date(prefix + "birth_date"), required=True)
            or date.min,
            sex=sex,
            nationality=nationality,
            my_number=_clean(entry, prefix + "my_number", mynumber.validate),
            is_subject=entry.value(prefix + "subject") == "on",
            is_notifier=notifier == str(index),
            health_insurance=insurance,
            previous_school=previous_school,
            facts=facts,
        )
        if event_date and person.birth_date != date.min and person.birth_date > event_date:
            entry.errors[prefix + "birth_date"] = _("生年月日が届出の事由が生じた日より後になっています。")
        elif person.is_notifier and person.birth_date != date.min:
            age = legal_age(person.birth_date, event_date or timezone.localdate())
            if age < NOTIFIER_MIN_AGE:
                entry.errors[prefix + "notifier"] = _(
                    "届出人は%(age)s歳です。届出と署名は%(min)s歳以上の方にお願いしてください。"
                ) % {"age": age, "min": NOTIFIER_MIN_AGE}
        if person.nationality != "JP" and not person.name_roman and prefix + "name_roman" not in entry.errors:
            entry.errors[prefix + "name_roman"] = _(
                "外国籍の方は英字氏名を入力してください（在留カードのとおり）。"
            )
        people.append(person)
    if not people:
        entry.errors["people"] = _("世帯の方を1人以上入力してください。")
    if not entry.errors:
        entry.details = CaseDetails(
            event_date=event_date,
            address=address,
            previous_address=previous,
            moved_from_kind=moved_from,
            contact_phone=contact_phone,
            household_facts=household,
            people=people,
            documents_checked=data.getlist("doc"),
            payment_account=payment_account,
            funeral_date=funeral_date or None,
            language=language,
        )
    return entry


PERSON_FIELDS = (
    "relationship",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "name_roman",
    "birth_date",
    "sex",
    "nationality",
    "health_insurance",
    "previous_school",
)


def _raw(value: Any) -> str:
    return {True: "yes", False: "no"}.get(value, "" if value is None else str(value))


def values_from_case_file(record: Mapping[str, Any]) -> QueryDict:
    """A case file (or a preparation, which has its shape) as this page's POST: what the clerk would have
    typed, value for value. My Numbers are never put into the form."""
    data = QueryDict(mutable=True)
    data["event_date"] = record["event_date"]
    data["moved_from"] = record.get("moved_from", {}).get("kind", "")
    data["contact_phone"] = record.get("contact", {}).get("phone", "")
    data["language"] = record.get("language", "ja")
    data["funeral_date"] = record.get("funeral_date", "")
    for part in ACCOUNT_PARTS:
        data[f"bank-{part}"] = record.get("bank_account", {}).get(part, "")
    for prefix, key in (("addr", "address"), ("prev", "previous_address")):
        address = record.get(key, {})
        for part in ADDRESS_PARTS:
            data[f"{prefix}-{part}"] = address.get(part, "")
        data[f"{prefix}-municipality"] = address.get("municipality_code", "")
    household = record.get("household", {})
    for fact in HOUSEHOLD_INPUT_FACTS:
        if fact.key in household:
            data[f"h-{fact.key}"] = _raw(household[fact.key])
    members = record["members"]
    subjects = set(record.get("subject_member_ids", [m["id"] for m in members]))
    head = next(
        (m["id"] for m in members if m["relationship"] == "head"), members[0]["id"] if members else ""
    )
    notifier = record.get("notifier_member_id", head)
    facts = {f.key for f in PERSON_FACTS}
    for index, member in enumerate(members):
        prefix = f"p-{index}-"
        data[prefix + "member_id"] = member["id"]
        for name in PERSON_FIELDS:
            data[prefix + name] = _raw(member.get(name, ""))
        if not member.get("nationality"):
            data[prefix + "nationality"] = "JP"
        if member["id"] in subjects:
            data[prefix + "subject"] = "on"
        if member["id"] == notifier:
            data["notifier"] = str(index)
        for key, value in member.items():
            if key in facts:
                data[f"{prefix}f-{key}"] = _raw(value)
    return data


def _prepared_visit(case: Case) -> Any:
    """The prepared visit a case was opened from (preparation app, reached through the relation), or None."""
    try:
        return case.prepared_visit
    except ObjectDoesNotExist:
        return None


def prepared_sources(case: Case) -> dict[str, str]:
    """Field name → the door its prepared value came through, in words ("本人がスマートフォンで入力")."""
    visit = _prepared_visit(case)
    if visit is None:
        return {}
    doors = dict(type(visit).Door.choices)
    return {name: str(doors.get(door, door)) for name, door in visit.field_sources.items()}


def note_clerk_changes(case: Case, saved: Mapping[str, str]) -> None:
    """The clerk's door: each prepared field the clerk changed on the case page now says "窓口で入力"
    (the record as brought stays as it was, in PreparedVisit.record)."""
    visit = _prepared_visit(case)
    if visit is None or not visit.record:
        return
    prepared = values_from_case_file(visit.record)
    sources = dict(visit.field_sources)
    for name in list(sources):
        if name in saved and saved[name].strip() != prepared.get(name, "").strip():
            sources[name] = "clerk"
    if sources != visit.field_sources:
        visit.field_sources = sources
        visit.save(update_fields=["field_sources"])


def _unsaved_preparation(case: Case) -> Mapping[str, Any] | None:
    """The preparation a case was opened from while none of it is saved (some value did not pass)."""
    visit = _prepared_visit(case)
    if visit is None or case.people.exists():
        return None
    return visit.record or None


def entry_from_case(case: Case) -> Entry:
    """The stored case as form values (My Numbers are never put back into the form). A case opened from a
    preparation that is not saved yet shows the prepared values, each error beside its field."""
    prepared = _unsaved_preparation(case)
    if prepared is not None:
        entry = read_entry(case, values_from_case_file(prepared))
        entry.sources = prepared_sources(case)
        return entry
    values: dict[str, str] = {
        "event_date": case.event_date.isoformat(),
        "moved_from": case.moved_from_kind,
        "contact_phone": case.contact_phone,
        "language": case.language,
        "funeral_date": case.funeral_date.isoformat() if case.funeral_date else "",
    }
    for part in ACCOUNT_PARTS:
        values[f"bank-{part}"] = case.payment_account.get(part, "")
    for prefix, address in (("addr", case.address), ("prev", case.previous_address)):
        for part in ADDRESS_PARTS:
            values[f"{prefix}-{part}"] = address.get(part, "")
        values[f"{prefix}-municipality"] = address.get("municipality_code", "")
    for key, value in case.household_facts.items():
        values[f"h-{key}"] = {True: "yes", False: "no"}.get(value, str(value))
    entry = Entry(values=values)
    people: list[Person] = list(case.people.all())
    for index, person in enumerate(people):
        prefix = f"p-{index}-"
        entry.people.append(index)
        values.update(
            {
                prefix + "member_id": person.member_id,
                prefix + "relationship": person.relationship,
                prefix + "family_name": person.family_name,
                prefix + "given_name": person.given_name,
                prefix + "family_name_kana": person.family_name_kana,
                prefix + "given_name_kana": person.given_name_kana,
                prefix + "name_roman": person.name_roman,
                prefix + "birth_date": person.birth_date.isoformat(),
                prefix + "sex": person.sex,
                prefix + "nationality": person.nationality,
                prefix + "subject": "on" if person.is_subject else "",
                prefix + "health_insurance": person.health_insurance,
                prefix + "previous_school": person.previous_school,
            }
        )
        if person.is_notifier:
            values["notifier"] = str(index)
        for key, value in person.facts.items():
            values[f"{prefix}f-{key}"] = {True: "yes", False: "no"}.get(value, str(value))
    entry.sources = prepared_sources(case)
    return entry
