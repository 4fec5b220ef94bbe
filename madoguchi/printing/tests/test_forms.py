"""Form definitions: the default ones load and serve catalog procedures; broken ones say where and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.printing.forms import DEFAULT_FORMS_DIR, FormError, load_forms, read_form
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog

VALID = """\
title: 試験の届
procedures: [tennyu-todoke]
sections:
  - title: 届出人
    fields:
      - {label: 氏名, value: notifier.name, handwritten: true}
"""
TABLE = "  - title: 表\n    table:\n"


def write(tmp_path: Path, text: str, name: str = "sample.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_forms_load_and_serve_procedures_of_the_default_catalog() -> None:
    # given
    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    codes = {p.code for p in catalog.procedures}
    # when
    library = load_forms()
    # then
    assert len(library.forms) >= 15
    for form in library.forms:
        assert set(form.procedures) <= codes, form.file
        for section in form.sections:
            for item in section.items:
                for option in getattr(item, "options", ()):
                    assert not option.procedure or option.procedure in form.procedures, form.file


def test_the_forms_the_brief_asks_for_exist() -> None:
    library = load_forms()
    for code in [
        "tennyu-todoke",
        "tenshutsu-todoke",
        "tenkyo-todoke",
        "setai-henko-todoke",
        "kokuho-kanyu",
        "kokuho-soshitsu",
        "kokuho-sosaihi",
        "koki-koreisha-kanyu",
        "koki-koreisha-sosaihi",
        "kaigo-shikaku-shutoku",
        "jido-teate-nintei",
        "kodomo-iryohi-josei",
        "inkan-toroku",
        "mynumber-card-kenmen-henko",
        "tennyugaku",
    ]:
        assert library.for_procedure(code) is not None, code


def test_definitions_are_parsed_once() -> None:
    assert load_forms() is load_forms()
    assert load_forms(DEFAULT_FORMS_DIR) is load_forms()


def test_a_valid_definition_reads(tmp_path: Path) -> None:
    # when
    form = read_form(write(tmp_path, VALID))
    # then
    assert form.title == "試験の届"
    assert form.name == "sample"
    assert form.wareki
    assert form.sections[0].items[0].handwritten


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (VALID.replace("title: 試験の届", "titel: 試験の届"), 1, "unknown key 'titel'"),
        (VALID.replace("notifier.name", "notifier.nickname"), 6, "unknown member field 'nickname'"),
        (VALID.replace("notifier.name", "member.name"), 6, "use it in a table column"),
        (
            VALID.replace("handwritten: true", "handwritten: yes please"),
            6,
            "handwritten must be true or false",
        ),
        (VALID.replace("handwritten: true", "width: 3/2"), 6, "width must be a fraction"),
        (VALID.replace("[tennyu-todoke]", "[Tennyu Todoke]"), 1, "is not a procedure code"),
        (VALID + "dates: meiji\n", 1, "dates must be wareki or seireki"),
        (
            VALID
            + "      - check: 種別\n        options:\n          - {label: 転入, when: event == tennyu}\n",
            9,
            "unknown fact 'tennyu'",
        ),
        (
            VALID
            + "      - check: 種別\n        options:\n          - {label: 転入, when: member.age > 3}\n",
            9,
            "needs a member",
        ),
        (
            VALID + TABLE + "      rows: everyone\n      columns: [{label: 氏名, value: member.name}]\n",
            9,
            "rows must be one of",
        ),
        (
            VALID + TABLE + "      columns: [{label: 氏名, value: member.name, check: 'true'}]\n",
            9,
            "not both",
        ),
        (VALID.replace("value: notifier.name", "value: notifier.name, mask: true"), 6, "`mask` applies to"),
        ("title: [unclosed\n", 2, "YAML syntax error"),
        ("- just a list\n", 0, "a form definition must be a mapping"),
    ],
)
def test_a_broken_definition_names_the_file_the_line_and_the_reason(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    # given
    path = write(tmp_path, text)
    # when
    with pytest.raises(FormError) as raised:
        read_form(path)
    # then
    assert raised.value.file == str(path)
    assert raised.value.line == line
    assert reason in raised.value.reason
    assert str(path) in str(raised.value)


def test_two_forms_for_one_procedure_are_refused(tmp_path: Path) -> None:
    # given
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, VALID, "b.yaml")
    # when
    with pytest.raises(FormError) as raised:
        load_forms(tmp_path)
    # then
    assert raised.value.file.endswith("b.yaml")
    assert "already has a form in" in raised.value.reason
    assert raised.value.reason.endswith("a.yaml")
