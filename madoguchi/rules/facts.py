"""The facts a condition may read: their types, labels and the question that asks for them.

Names follow `docs/rules-language.md` and the household-facts/v1 schema. Derived facts (`member.age`,
`household.becomes_single_parent`, ...) are computed by the engine and are known whenever their inputs are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    BOOL = "bool"
    INT = "int"
    STR = "str"
    ENUM = "enum"


class Scope(Enum):
    EVENT = "event"
    HOUSEHOLD = "household"
    MEMBER = "member"


@dataclass(frozen=True)
class Fact:
    name: str
    kind: Kind
    scope: Scope
    label_ja: str
    label_en: str
    values: dict[str, str] = field(default_factory=dict)  # enum value → Japanese label
    question_ja: str = ""
    question_en: str = ""
    derived: bool = False

    @property
    def key(self) -> str:
        """The name inside its scope: `member.age` → `age`."""
        return self.name.split(".", 1)[1] if "." in self.name else self.name


EVENTS = {
    "tennyu": "転入",
    "tenshutsu": "転出",
    "tenkyo": "転居",
    "shussei": "出生",
    "shibou": "死亡",
    "konin": "婚姻",
    "rikon": "離婚",
    "ninshin": "妊娠",
    "shaho_kanyu": "社会保険の加入",
    "shaho_soshitsu": "社会保険の喪失",
}
MOVE_EVENTS = frozenset({"tennyu", "tenshutsu", "tenkyo"})

HEALTH_INSURANCE = {
    "employee": "勤務先の健康保険（本人）",
    "employee_dependent": "勤務先の健康保険（扶養）",
    "national": "国民健康保険",
    "late_elderly": "後期高齢者医療",
    "welfare": "生活保護（医療扶助）",
    "none": "未加入",
}
RELATIONSHIP = {
    "head": "世帯主",
    "spouse": "配偶者",
    "child": "子",
    "parent": "父母",
    "grandchild": "孫",
    "sibling": "兄弟姉妹",
    "other": "その他",
}
SCHOOL = {
    "none": "なし",
    "nursery_wanted": "保育所等を希望",
    "nursery": "保育所等",
    "kindergarten": "幼稚園",
    "elementary": "小学校",
    "junior_high": "中学校",
    "high_school": "高校",
    "university": "大学等",
}

# The same vocabularies in English, for staff and residents who read the pages in English (the printed
# forms stay Japanese: they are the city's legal documents).
EVENTS_EN = {
    "tennyu": "Moving in",
    "tenshutsu": "Moving out",
    "tenkyo": "Moving within the city",
    "shussei": "Birth",
    "shibou": "Death",
    "konin": "Marriage",
    "rikon": "Divorce",
    "ninshin": "Pregnancy",
    "shaho_kanyu": "Joining employee health insurance",
    "shaho_soshitsu": "Leaving employee health insurance",
}
HEALTH_INSURANCE_EN = {
    "employee": "Employee health insurance (insured)",
    "employee_dependent": "Employee health insurance (dependent)",
    "national": "National Health Insurance",
    "late_elderly": "Late-stage elderly medical care",
    "welfare": "Public assistance (medical aid)",
    "none": "Not insured",
}
RELATIONSHIP_EN = {
    "head": "Head of household",
    "spouse": "Spouse",
    "child": "Child",
    "parent": "Parent",
    "grandchild": "Grandchild",
    "sibling": "Sibling",
    "other": "Other",
}
SCHOOL_EN = {
    "none": "None",
    "nursery_wanted": "Wants a nursery place",
    "nursery": "Nursery",
    "kindergarten": "Kindergarten",
    "elementary": "Elementary school",
    "junior_high": "Junior high school",
    "high_school": "High school",
    "university": "University etc.",
}
VOCABULARIES = {
    "event": (EVENTS, EVENTS_EN),
    "health_insurance": (HEALTH_INSURANCE, HEALTH_INSURANCE_EN),
    "relationship": (RELATIONSHIP, RELATIONSHIP_EN),
    "school": (SCHOOL, SCHOOL_EN),
}


def labels(vocabulary: str, language: str) -> dict[str, str]:
    """A vocabulary's labels by code in `language` ("en…" for English, Japanese otherwise)."""
    japanese, english = VOCABULARIES[vocabulary]
    return english if language.startswith("en") else japanese


def _bool(name: str, scope: Scope, ja: str, en: str, question_ja: str, question_en: str) -> Fact:
    return Fact(name, Kind.BOOL, scope, ja, en, question_ja=question_ja, question_en=question_en)


FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in [
        Fact("event", Kind.ENUM, Scope.EVENT, "ライフイベント", "life event", EVENTS),
        Fact(
            "moved_from.kind",
            Kind.ENUM,
            Scope.EVENT,
            "転入前の住所",
            "moved from",
            {"other_municipality": "他の市区町村", "abroad": "国外"},
            "転入前はどこに住んでいましたか（他の市区町村・国外）",
            "Where did the household live before (another municipality or abroad)?",
        ),
        Fact("household.size", Kind.INT, Scope.HOUSEHOLD, "世帯の人数", "household size", derived=True),
        _bool(
            "household.single_parent",
            Scope.HOUSEHOLD,
            "ひとり親世帯",
            "single-parent household",
            "ひとり親の世帯ですか",
            "Is this a single-parent household?",
        ),
        Fact(
            "household.becomes_single_parent",
            Kind.BOOL,
            Scope.HOUSEHOLD,
            "ひとり親になる",
            "becomes a single-parent household",
            derived=True,
        ),
        Fact(
            "household.head_is_subject",
            Kind.BOOL,
            Scope.HOUSEHOLD,
            "世帯主が対象",
            "the event is about the head",
            derived=True,
        ),
        _bool(
            "household.dog",
            Scope.HOUSEHOLD,
            "犬を飼っている",
            "keeps a dog",
            "犬を飼っていますか",
            "Do you keep a dog?",
        ),
        _bool(
            "household.light_motorbike",
            Scope.HOUSEHOLD,
            "原付・小型特殊自動車",
            "moped or small special vehicle",
            "原動機付自転車（125cc以下）や小型特殊自動車をお持ちですか",
            "Do you own a moped (up to 125cc) or a small special vehicle?",
        ),
        _bool(
            "household.car",
            Scope.HOUSEHOLD,
            "自動車",
            "car",
            "自動車（普通・軽）をお持ちですか",
            "Do you own a car?",
        ),
        _bool(
            "household.receives_public_assistance",
            Scope.HOUSEHOLD,
            "生活保護受給",
            "receives public assistance",
            "生活保護を受けていますか",
            "Does the household receive public assistance?",
        ),
        _bool(
            "household.public_assistance_starts",
            Scope.HOUSEHOLD,
            "生活保護の開始",
            "public assistance begins",
            "生活保護は今回受け始めますか（これまでは受けていなかった）",
            "Does the household start receiving public assistance now (it did not before)?",
        ),
        Fact(
            "member.relationship",
            Kind.ENUM,
            Scope.MEMBER,
            "続柄",
            "relationship",
            RELATIONSHIP,
        ),
        Fact("member.age", Kind.INT, Scope.MEMBER, "年齢", "age", derived=True),
        Fact(
            "member.school_age",
            Kind.INT,
            Scope.MEMBER,
            "学年齢（4月1日の年齢）",
            "school-year age",
            derived=True,
        ),
        Fact(
            "member.is_subject", Kind.BOOL, Scope.MEMBER, "届出の対象者", "subject of the event", derived=True
        ),
        Fact("member.is_head", Kind.BOOL, Scope.MEMBER, "世帯主", "head of household", derived=True),
        Fact("member.foreign", Kind.BOOL, Scope.MEMBER, "外国籍", "foreign national", derived=True),
        Fact("member.nationality", Kind.STR, Scope.MEMBER, "国籍", "nationality"),
        Fact(
            "member.health_insurance",
            Kind.ENUM,
            Scope.MEMBER,
            "健康保険",
            "health insurance",
            HEALTH_INSURANCE,
            "{member}の（届出後の）健康保険はどれですか",
            "Which health insurance will {member} have after the event?",
        ),
        _bool(
            "member.has_my_number_card",
            Scope.MEMBER,
            "マイナンバーカード",
            "My Number Card",
            "{member}はマイナンバーカードをお持ちですか",
            "Does {member} hold a My Number Card?",
        ),
        _bool(
            "member.has_seal_registration",
            Scope.MEMBER,
            "印鑑登録",
            "seal registration",
            "{member}は印鑑登録をしていますか（転入の場合は登録を希望しますか）",
            "Has {member} a registered seal (for moving in: does {member} want one)?",
        ),
        _bool(
            "member.has_driving_licence",
            Scope.MEMBER,
            "運転免許証",
            "driving licence",
            "{member}は運転免許証をお持ちですか",
            "Does {member} hold a driving licence?",
        ),
        _bool(
            "member.care_certified",
            Scope.MEMBER,
            "要介護・要支援認定",
            "care-need certification",
            "{member}は要介護・要支援の認定を受けていますか",
            "Is {member} certified as needing long-term care or support?",
        ),
        _bool(
            "member.disability_certificate",
            Scope.MEMBER,
            "障害者手帳",
            "disability certificate",
            "{member}は障害者手帳（身体・療育・精神）をお持ちですか",
            "Does {member} hold a disability certificate?",
        ),
        _bool(
            "member.pregnant",
            Scope.MEMBER,
            "妊娠中",
            "pregnant",
            "{member}は妊娠中ですか",
            "Is {member} pregnant?",
        ),
        _bool(
            "member.has_maternal_handbook",
            Scope.MEMBER,
            "母子健康手帳",
            "maternal and child health handbook",
            "{member}は今回の妊娠の母子健康手帳をお持ちですか",
            "Does {member} already hold a maternal handbook for this pregnancy?",
        ),
        Fact(
            "member.school",
            Kind.ENUM,
            Scope.MEMBER,
            "在籍・希望する学校等",
            "school",
            SCHOOL,
            "{member}の学校・保育所等（届出後）はどれですか",
            "Which school or nursery will {member} attend?",
        ),
        _bool(
            "member.receives_public_pension",
            Scope.MEMBER,
            "公的年金の受給",
            "receives a public pension",
            "{member}は公的年金を受け取っていましたか",
            "Did {member} receive a public pension?",
        ),
        _bool(
            "member.owns_real_estate",
            Scope.MEMBER,
            "不動産の所有",
            "owns real estate",
            "{member}は土地・建物をお持ちでしたか",
            "Did {member} own land or buildings?",
        ),
        _bool(
            "member.child_allowance_recipient",
            Scope.MEMBER,
            "児童手当の受給者",
            "child allowance recipient",
            "{member}は現在、児童手当を受け取っていますか",
            "Does {member} receive the child allowance now?",
        ),
        _bool(
            "member.child_rearing_allowance_recipient",
            Scope.MEMBER,
            "児童扶養手当の受給者",
            "child-rearing allowance recipient",
            "{member}は現在、児童扶養手当を受け取っていますか",
            "Does {member} receive the child-rearing allowance (for single parents) now?",
        ),
        _bool(
            "member.was_employee_dependent",
            Scope.MEMBER,
            "離婚した相手の健康保険の扶養だった",
            "was a dependant on the divorced spouse's health insurance",
            "{member}は離婚まで、離婚した相手の勤務先の健康保険の扶養に入っていましたか",
            "Was {member} covered as a dependant by the divorced spouse's workplace health insurance "
            "until the divorce?",
        ),
    ]
}

MEMBER_INPUT_FACTS = tuple(f for f in FACTS.values() if f.scope is Scope.MEMBER and not f.derived)
HOUSEHOLD_INPUT_FACTS = tuple(f for f in FACTS.values() if f.scope is Scope.HOUSEHOLD and not f.derived)
