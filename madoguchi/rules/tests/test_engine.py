"""The engine on a small catalog written here, so that each rule's effect is visible in the test."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from madoguchi.rules.catalog import Catalog, CatalogError, load_catalog
from madoguchi.rules.engine import ASK, REQUIRED, make_plan
from madoguchi.rules.household import InvalidFacts, legal_age, read_facts

META = """\
version: "test-1"
city: {ja: テスト市, en: Test City}
life_events:
  - {code: tennyu, ja: 転入, en: Moving in}
  - {code: shibou, ja: 死亡, en: Death}
departments:
  - {code: shimin, ja: 市民課, en: Resident Records}
  - {code: kaigo, ja: 介護保険課, en: Long-term Care}
"""

PROCEDURES = """\
- code: tennyu-todoke
  name: {ja: 転入届, en: Moving-in notification}
  department: shimin
  counter: one_stop
  events: [tennyu]
  concerns: member
  rules:
    - when: member.is_subject
      reason: 市外から転入したため
  minutes: {base: 10, per_member: 3}
  deadline: {days: 14, note: 転入日から14日以内}
  order: 10
  reference: {title: 住民基本台帳法第22条, url: "https://laws.e-gov.go.jp/law/342AC0000000081"}
- code: kaigo-shikaku-shutoku
  name: {ja: 介護保険 資格取得, en: Long-term care insurance enrolment}
  department: kaigo
  counter: one_stop
  events: [tennyu]
  concerns: member
  rules:
    - when: member.is_subject and member.age >= 65
      reason: 65歳以上の方が転入したため
  order: 20
  after: [tennyu-todoke]
  reference: {title: 介護保険法第9条}
- code: kokuho-kanyu
  name: {ja: 国民健康保険 加入, en: NHI enrolment}
  department: shimin
  counter: one_stop
  events: [tennyu]
  concerns: member
  rules:
    - when: member.is_subject and member.health_insurance == "national"
      reason: 国民健康保険に加入するため
  order: 20
  reference: {title: 国民健康保険法第7条}
- code: setai-henko-todoke
  name: {ja: 世帯主変更届, en: Change of head}
  department: shimin
  counter: one_stop
  events: [shibou]
  concerns: household
  rules:
    - when: household.head_is_subject and count(members, not member.is_subject and member.age >= 15) >= 2
      reason: 世帯主が亡くなり、15歳以上の方が2人以上残るため
  order: 30
  reference: {title: 住民基本台帳法第25条}
- code: inu-toroku-henko
  name: {ja: 犬の登録事項変更, en: Dog registration}
  department: shimin
  counter: department
  events: [tennyu]
  rules:
    - when: household.dog
      reason: 犬を飼っているため
  order: 70
  reference: {title: 狂犬病予防法第4条}
"""


def write_catalog(tmp_path: Path, procedures: str = PROCEDURES, meta: str = META) -> Path:
    (tmp_path / "procedures").mkdir()
    (tmp_path / "catalog.yaml").write_text(meta, encoding="utf-8")
    (tmp_path / "procedures" / "shimin.yaml").write_text(procedures, encoding="utf-8")
    return tmp_path


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load_catalog(write_catalog(tmp_path))


def member(member_id: str, relationship: str, birth: str, **facts: object) -> dict[str, object]:
    return {"id": member_id, "relationship": relationship, "birth_date": birth, **facts}


def test_legal_age_counts_from_the_day_before_the_birthday() -> None:
    assert legal_age(date(1961, 11, 25), date(2026, 11, 24)) == 65  # birthday tomorrow: already 65
    assert legal_age(date(1961, 11, 26), date(2026, 11, 24)) == 64
    assert legal_age(date(2000, 3, 1), date(2026, 2, 28)) == 26  # born on March 1, non-leap year
    # born on February 29: in a common year the age is reached at the end of February 28 (民法第143条)
    assert legal_age(date(2004, 2, 29), date(2026, 2, 27)) == 21
    assert legal_age(date(2004, 2, 29), date(2026, 2, 28)) == 22


def test_school_age_puts_april_first_births_in_the_earlier_grade() -> None:
    facts = read_facts(
        {
            "event": "tennyu",
            "event_date": "2026-06-01",
            "members": [
                member("a", "head", "1980-01-01"),
                member("b", "child", "2008-04-01"),
                member("c", "child", "2008-04-02"),
                member("d", "child", "2019-04-02"),
                member("e", "child", "2020-04-01"),
                member("f", "child", "2020-04-02"),
            ],
        }
    )
    assert {m["id"]: m["school_age"] for m in facts.members} == {
        "a": 46,
        "b": 18,
        "c": 17,
        "d": 6,
        "e": 6,
        "f": 5,
    }


def test_plan_lists_required_procedures_with_members_reason_deadline_and_minutes(catalog: Catalog) -> None:
    # given: a couple moving in; the husband turns 65 tomorrow, so he is 65 today
    facts = {
        "event": "tennyu",
        "event_date": "2026-11-24",
        "members": [
            member("m1", "head", "1961-11-25", health_insurance="late_elderly"),
            member("m2", "spouse", "1963-05-05", health_insurance="national"),
        ],
        "household": {"dog": False},
    }
    # when
    plan = make_plan(catalog, facts)
    # then
    assert plan.codes(REQUIRED) == ["tennyu-todoke", "kaigo-shikaku-shutoku", "kokuho-kanyu"]
    by_code = {p.code: p for p in plan.procedures}
    assert by_code["tennyu-todoke"].member_ids == ("m1", "m2")
    assert by_code["tennyu-todoke"].deadline == date(2026, 12, 8)
    assert by_code["tennyu-todoke"].minutes == 10 + 3 * 2
    assert by_code["kaigo-shikaku-shutoku"].member_ids == ("m1",)
    assert by_code["kaigo-shikaku-shutoku"].reason == "65歳以上の方が転入したため"
    assert by_code["kokuho-kanyu"].member_ids == ("m2",)
    assert plan.questions == ()


def test_unknown_facts_make_ask_items_with_the_deciding_question(catalog: Catalog) -> None:
    facts = {
        "event": "tennyu",
        "event_date": "2026-11-24",
        "members": [member("m1", "head", "1990-01-01")],
    }
    plan = make_plan(catalog, facts)
    by_code = {p.code: p for p in plan.procedures}
    assert by_code["kokuho-kanyu"].status == ASK
    assert by_code["kokuho-kanyu"].member_ids == ("m1",)
    assert [q.fact for q in by_code["kokuho-kanyu"].questions] == ["member.health_insurance"]
    assert by_code["inu-toroku-henko"].status == ASK
    assert "kaigo-shikaku-shutoku" not in by_code  # age is known: 36 is not 65, whatever else is unknown
    asked = {(q.fact, q.member_id): q for q in plan.questions}
    assert set(asked) == {("member.health_insurance", "m1"), ("household.dog", None)}
    assert asked[("member.health_insurance", "m1")].decides == ("kokuho-kanyu",)
    assert ("national", "国民健康保険") in asked[("member.health_insurance", "m1")].choices


def test_a_member_procedure_is_required_for_some_while_others_are_undecided(catalog: Catalog) -> None:
    facts = {
        "event": "tennyu",
        "event_date": "2026-11-24",
        "members": [
            member("m1", "head", "1990-01-01", health_insurance="national"),
            member("m2", "spouse", "1991-01-01"),
        ],
        "household": {"dog": False},
    }
    kokuho = next(p for p in make_plan(catalog, facts).procedures if p.code == "kokuho-kanyu")
    assert kokuho.status == REQUIRED
    assert kokuho.member_ids == ("m1",)
    assert kokuho.ask_member_ids == ("m2",)


def test_head_of_household_change_depends_on_who_remains(catalog: Catalog) -> None:
    def plan_for(*members: dict[str, object]) -> list[str]:
        facts = {
            "event": "shibou",
            "event_date": "2026-11-24",
            "subject_member_ids": ["h"],
            "members": list(members),
        }
        return make_plan(catalog, facts).codes()

    head = member("h", "head", "1950-01-01")
    assert plan_for(head, member("w", "spouse", "1952-01-01")) == []
    assert plan_for(head, member("w", "spouse", "1952-01-01"), member("c", "child", "2011-11-25")) == [
        "setai-henko-todoke"
    ]  # the child turns 15 tomorrow, so is 15 today
    assert plan_for(head, member("w", "spouse", "1952-01-01"), member("c", "child", "2011-11-26")) == []


def test_explain_says_why_a_procedure_does_not_apply(catalog: Catalog) -> None:
    facts = {
        "event": "tennyu",
        "event_date": "2026-11-24",
        "members": [member("m1", "head", "1990-01-01", health_insurance="employee")],
        "household": {"dog": False},
    }
    plan = make_plan(catalog, facts, explain=True)
    reasons = {n.code: n.reason for n in plan.not_applicable}
    assert reasons["kaigo-shikaku-shutoku"] == "「年齢 ≧ 65」に当てはまらないため"
    assert reasons["kokuho-kanyu"] == "「健康保険 ＝ 国民健康保険」に当てはまらないため"
    assert reasons["inu-toroku-henko"] == "「犬を飼っている」に当てはまらないため"
    assert make_plan(catalog, facts).not_applicable == ()


def test_plan_json_has_the_documented_shape(catalog: Catalog) -> None:
    facts = {"event": "tennyu", "event_date": "2026-11-24", "members": [member("m1", "head", "1990-01-01")]}
    data = make_plan(catalog, facts).as_json()
    first = data["procedures"][0]
    assert {"code", "status", "member_ids", "reason", "deadline", "minutes", "documents", "counter"} <= set(
        first
    )
    assert first["deadline"] == "2026-12-08"
    assert data["questions"][0]["choices"][0] == {"value": "employee", "label": "勤務先の健康保険（本人）"}


def test_plan_json_holds_every_field_of_the_plan(catalog: Catalog) -> None:
    # given a plan with required and undecided procedures, questions, dates and reasons for leaving some out
    facts = {"event": "tennyu", "event_date": "2026-11-24", "members": [member("m1", "head", "1990-01-01")]}
    plan = make_plan(catalog, facts, explain=True)
    assert plan.questions
    assert plan.not_applicable
    assert {p.status for p in plan.procedures} == {REQUIRED, ASK}
    # when
    data = plan.as_json()
    # then it is every field of the dataclasses (as `asdict` gives them), in JSON types
    expected = json.loads(json.dumps(asdict(plan), default=date.isoformat))
    for question in [*expected["questions"], *(q for p in expected["procedures"] for q in p["questions"])]:
        question["choices"] = [{"value": v, "label": label} for v, label in question["choices"]]
    expected["total_minutes"] = plan.total_minutes
    assert json.dumps(data, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


@pytest.mark.parametrize(
    ("broken", "line", "reason"),
    [
        ("member.is_subject and member.agee >= 65", 21, "unknown fact 'member.agee'"),
        ('member.is_subject and member.age >= "65"', 21, "'65' is not a int value"),
        ("member.is_subject and", 21, "expected a fact, a value or '(' but found 'the end'"),
        ('member.health_insurance == "nationl"', 21, "'nationl' is not a value of member.health_insurance"),
    ],
)
def test_broken_conditions_are_refused_with_file_line_and_reason(
    tmp_path: Path, broken: str, line: int, reason: str
) -> None:
    procedures = PROCEDURES.replace("member.is_subject and member.age >= 65", broken)
    with pytest.raises(CatalogError) as raised:
        load_catalog(write_catalog(tmp_path, procedures))
    assert raised.value.file.endswith("procedures/shimin.yaml")
    assert raised.value.line == line
    assert reason in raised.value.reason


def test_member_facts_outside_a_member_are_refused(tmp_path: Path) -> None:
    procedures = PROCEDURES.replace("when: household.dog", "when: member.age > 3")
    with pytest.raises(CatalogError, match="needs a member"):
        load_catalog(write_catalog(tmp_path, procedures))


def test_order_must_respect_after(tmp_path: Path) -> None:
    procedures = PROCEDURES.replace(
        "  order: 20\n  after: [tennyu-todoke]", "  order: 5\n  after: [tennyu-todoke]"
    )
    with pytest.raises(CatalogError, match="must come after tennyu-todoke"):
        load_catalog(write_catalog(tmp_path, procedures))


def test_invalid_facts_list_every_error() -> None:
    with pytest.raises(InvalidFacts) as raised:
        read_facts(
            {
                "event": "tennyu",
                "event_date": "2026-02-30",
                "members": [{"id": "m 1", "relationship": "boss", "birth_date": "1990-01-01"}],
            }
        )
    paths = [e.path for e in raised.value.errors]
    assert paths == ["event_date", "members[0].id", "members[0].relationship"]


def test_events_about_one_person_need_the_subject() -> None:
    with pytest.raises(InvalidFacts, match="subject_member_ids"):
        read_facts(
            {"event": "shibou", "event_date": "2026-11-24", "members": [member("a", "head", "1950-01-01")]}
        )


def test_reasons_documents_and_deadline_notes_carry_their_english(tmp_path: Path) -> None:
    # given: the moving-in notification with English for its reason, one of its two documents and its deadline
    procedures = PROCEDURES.replace(
        "      reason: 市外から転入したため\n",
        "      reason: {ja: 市外から転入したため, en: You moved in from another municipality}\n"
        "  documents: [{ja: 本人確認書類, en: Proof of identity}, 転出証明書]\n",
    ).replace(
        "deadline: {days: 14, note: 転入日から14日以内}",
        "deadline: {days: 14, note: {ja: 転入日から14日以内, en: Within 14 days of moving in}}",
    )
    catalog = load_catalog(write_catalog(tmp_path, procedures))
    facts = {"event": "tennyu", "event_date": "2026-11-24", "members": [member("m1", "head", "1990-01-01")]}
    # when
    planned = {p.code: p for p in make_plan(catalog, facts).procedures}["tennyu-todoke"]
    # then: the Japanese stays what it was and the English travels beside it, "" where there is none yet
    assert (planned.reason, planned.reason_en) == (
        "市外から転入したため",
        "You moved in from another municipality",
    )
    assert planned.documents == ("本人確認書類", "転出証明書")
    assert planned.documents_en == ("Proof of identity", "")
    assert (planned.deadline_note, planned.deadline_note_en) == (
        "転入日から14日以内",
        "Within 14 days of moving in",
    )
    assert make_plan(catalog, facts).as_json()["procedures"][0]["documents_en"] == ["Proof of identity", ""]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "      reason: {en: only English}\n",
            "`reason` is a non-empty text, or `ja` (and `en`, `easy`) texts",
        ),
        (
            "      reason: {ja: 理由, en: [a, list]}\n",
            "`reason` is a non-empty text, or `ja` (and `en`, `easy`) texts",
        ),
        (
            "      reason: 理由\n  documents: [{en: Proof of identity}]\n",
            "each entry of `documents` is a text",
        ),
    ],
)
def test_a_malformed_translation_is_refused(tmp_path: Path, text: str, reason: str) -> None:
    procedures = PROCEDURES.replace("      reason: 市外から転入したため\n", text)
    with pytest.raises(CatalogError) as raised:
        load_catalog(write_catalog(tmp_path, procedures))
    assert reason in raised.value.reason


def test_texts_carry_their_easy_japanese(tmp_path: Path) -> None:
    # given: the moving-in notification in やさしい日本語 too (name, reason, a document, deadline note)
    procedures = (
        PROCEDURES.replace(
            "  name: {ja: 転入届, en: Moving-in notification}\n",
            "  name: {ja: 転入届, en: Moving-in notification,"
            " easy: ひっこして きた ことを しらせる とどけ（転入届）}\n",
        )
        .replace(
            "      reason: 市外から転入したため\n",
            "      reason:\n"
            "        ja: 市外から転入したため\n"
            "        easy: ほかの まちから ひっこして きました。\n"
            "  documents:\n"
            "    - {ja: 本人確認書類, en: Proof of identity, easy: あなたが だれか わかる もの}\n"
            "    - 転出証明書\n",
        )
        .replace(
            "deadline: {days: 14, note: 転入日から14日以内}",
            "deadline: {days: 14, note: {ja: 転入日から14日以内,"
            " easy: ひっこした ひから 14にち いないに だします。}}",
        )
    )
    meta = META.replace(
        "{code: tennyu, ja: 転入, en: Moving in}",
        "{code: tennyu, ja: 転入, en: Moving in, easy: ひっこして きた}",
    )
    catalog = load_catalog(write_catalog(tmp_path, procedures, meta))
    facts = {"event": "tennyu", "event_date": "2026-11-24", "members": [member("m1", "head", "1990-01-01")]}
    # when
    plan = make_plan(catalog, facts)
    planned = {p.code: p for p in plan.procedures}["tennyu-todoke"]
    # then: each text carries its easy Japanese beside the Japanese and the English, "" where there is none
    assert catalog.life_events[0].name_easy == "ひっこして きた"
    assert (planned.name_ja, planned.name_easy) == (
        "転入届",
        "ひっこして きた ことを しらせる とどけ（転入届）",
    )
    assert (planned.reason, planned.reason_en, planned.reason_easy) == (
        "市外から転入したため",
        "",
        "ほかの まちから ひっこして きました。",
    )
    assert planned.documents_easy == ("あなたが だれか わかる もの", "")
    assert planned.deadline_note_easy == "ひっこした ひから 14にち いないに だします。"
    data = {p["code"]: p for p in plan.as_json()["procedures"]}["tennyu-todoke"]
    assert data["name_easy"] == planned.name_easy
    assert data["reason_easy"] == planned.reason_easy
    assert data["documents_easy"] == ["あなたが だれか わかる もの", ""]
    assert data["deadline_note_easy"] == planned.deadline_note_easy
    # a procedure that waits for answers says so in easy Japanese too
    assert all(p.reason_easy for p in plan.procedures)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("      reason: {ja: 理由, easy: [a, list]}\n", "`reason`"),
        ("      reason: 理由\n  documents: [{ja: 本人確認書類, easy: 3}]\n", "entry 1 of `documents`"),
        ("      reason: 理由\n  name: {ja: 転入届, easy: {ja: x}}\n", "`name`"),
    ],
)
def test_an_easy_text_that_is_not_a_text_is_refused_in_both_languages(
    tmp_path: Path, text: str, where: str
) -> None:
    procedures = PROCEDURES.replace("      reason: 市外から転入したため\n", text)
    if "  name: {ja: 転入届, easy" in text:
        procedures = procedures.replace("  name: {ja: 転入届, en: Moving-in notification}\n", "", 1)
    with pytest.raises(CatalogError) as raised:
        load_catalog(write_catalog(tmp_path, procedures))
    assert raised.value.reason == (
        f"{where}: `easy` must be a text in やさしい日本語 (easy は やさしい日本語の 文です)"
    )
    assert raised.value.line > 0


def test_departments_have_no_easy_name(tmp_path: Path) -> None:
    meta = META.replace("{code: shimin, ja: 市民課", "{code: shimin, easy: しみんか, ja: 市民課")
    with pytest.raises(CatalogError, match="only life events have one"):
        load_catalog(write_catalog(tmp_path, meta=meta))


def test_madoguchis_own_facts_extend_the_published_schema_without_changing_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from madoguchi.rules import household

    published = json.loads(household.SCHEMA_PATH.read_text(encoding="utf-8"))
    merged = household.household_schema()
    members = merged["properties"]["members"]["items"]["properties"]
    assert members["has_driving_licence"]["x-madoguchi-extension"] is True
    assert merged["properties"]["household"]["properties"]["public_assistance_starts"]["type"] == "boolean"
    assert "has_driving_licence" not in published["properties"]["members"]["items"]["properties"]
    # a document with them is read; one without them too (plain v1); a misspelt one is still refused
    facts = {
        "schema": "household-facts/v1",
        "event": "tennyu",
        "event_date": "2026-04-01",
        "members": [member("m1", "head", "1980-01-01", has_driving_licence=True)],
        "household": {"public_assistance_starts": False},
    }
    assert read_facts(facts).members[0]["has_driving_licence"] is True
    facts["members"] = [member("m1", "head", "1980-01-01")]
    facts["household"] = {}
    read_facts(facts)
    facts["members"] = [member("m1", "head", "1980-01-01", has_driving_license=True)]
    with pytest.raises(InvalidFacts, match="has_driving_license"):
        read_facts(facts)
    # once the published contract takes a fact in, madoguchi's copy of it must go
    clash = tmp_path / "extensions.json"
    clash.write_text(json.dumps({"members": {"birth_date": {"type": "string"}}}), encoding="utf-8")
    monkeypatch.setattr(household, "EXTENSIONS_PATH", clash)
    household.household_schema.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"members\.birth_date is in the published schema"):
            household.household_schema()
    finally:
        household.household_schema.cache_clear()
