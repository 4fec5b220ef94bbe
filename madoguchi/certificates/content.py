"""What each certificate says, read from the registry for one subject (the issuer's only source)."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from madoguchi.certificates.document import Content, Row, Section
from madoguchi.certificates.kinds import Kind
from madoguchi.identity.wareki import format_date
from madoguchi.registry.adapter import ResidentRecord, registry

SEX = {"1": "男", "2": "女"}


def _person(record: ResidentRecord, options: Mapping[str, bool]) -> Section:
    rows = [
        Row("氏名", record.name),
        Row("生年月日", format_date(record.birth_date)),
        Row("性別", SEX.get(record.sex, "")),
    ]
    if options.get("relation"):
        rows.append(Row("続柄", record.relation))
    rows.append(Row("住民となった日", format_date(record.moved_in_on)))
    return Section(record.name, tuple(rows))


def content_for(kind: Kind, subject: ResidentRecord, options: Mapping[str, bool]) -> Content:
    city = str(settings.CITY_NAME_JA)
    if kind.code in ("juminhyo", "kisai_jiko"):
        people = registry().household(subject.household) if options.get("whole_household") else [subject]
        people = [p for p in people if p.status == "resident"] or [subject]
        head = next((p for p in people if p.relation == "世帯主"), None)
        general = [Row("住所", subject.address)]
        if options.get("relation") and head is not None:
            general.append(Row("世帯主", head.name))
        if options.get("domicile"):
            general += [Row("本籍", subject.domicile), Row("筆頭者", subject.domicile_head)]
        sections = [Section("世帯", tuple(general))] + [_person(p, options) for p in people]
        scope = "世帯全員" if options.get("whole_household") else "世帯の一部"
        return Content(
            kind.label_ja,
            tuple(sections),
            f"この写しは、{scope}の住民票の原本と相違ないことを証明する。",
        )
    if kind.code == "inkan":
        return Content(
            kind.label_ja,
            (
                Section(
                    "印鑑登録者",
                    (
                        Row("登録番号", subject.seal_number),
                        Row("氏名", subject.name),
                        Row("生年月日", format_date(subject.birth_date)),
                        Row("住所", subject.address),
                    ),
                ),
            ),
            f"この写しは、{city}に登録されている印影と相違ないことを証明する。",
        )
    if kind.code == "koseki":
        return Content(
            kind.label_ja,
            (
                Section("戸籍", (Row("本籍", subject.domicile), Row("筆頭者", subject.domicile_head))),
                Section(
                    "戸籍に記録されている者",
                    (
                        Row("氏名", subject.name),
                        Row("生年月日", format_date(subject.birth_date)),
                        Row("性別", SEX.get(subject.sex, "")),
                    ),
                ),
            ),
            "これは、戸籍に記録されている事項の全部を証明した書面である。",
        )
    income = subject.income or 0
    return Content(
        kind.label_ja,
        (
            Section(
                "納税義務者",
                (Row("氏名", subject.name), Row("住所", subject.address)),
            ),
            Section(
                "所得・課税の状況",
                (
                    Row("合計所得金額", f"{income:,} 円"),
                    Row("課税の有無", "課税" if income > 1_000_000 else "非課税"),
                ),
            ),
        ),
        "上記のとおり相違ないことを証明する。",
    )
