"""A manager edits one procedure on a form: Japanese messages at the field, a preview of the scenario
households it changes, nothing saved before the confirmation, then an audited save every server reloads."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from madoguchi.audit.models import AuditEntry
from madoguchi.catalog.editing import document_lines
from madoguchi.catalog.models import CatalogVersion, Procedure
from madoguchi.catalog.service import current_catalog
from madoguchi.rules.catalog import text_parts

pytestmark = pytest.mark.django_db

URL = "/catalog/kokuho-kanyu/"


def form(procedure: Procedure, **changes: str) -> dict[str, Any]:
    documents, documents_en, documents_easy = document_lines(procedure.documents)
    data: dict[str, Any] = {
        "name_ja": procedure.name_ja,
        "name_en": procedure.name_en,
        "name_easy": procedure.name_easy,
        "counter": procedure.counter,
        "events": list(procedure.events),
        "documents": documents,
        "documents_en": documents_en,
        "documents_easy": documents_easy,
        "reference_title": procedure.reference_title,
        "reference_title_en": procedure.reference_title_en,
        "reference_title_easy": procedure.reference_title_easy,
        "reference_url": procedure.reference_url,
    }
    for index, rule in enumerate(procedure.rules):
        data[f"rule-{index}-when"] = rule["when"]
        (
            data[f"rule-{index}-reason"],
            data[f"rule-{index}-reason_en"],
            data[f"rule-{index}-reason_easy"],
        ) = text_parts(rule["reason"])
    data.update(changes)
    return data


@pytest.fixture
def manager(staff_of: Any, signed_in: Any) -> Client:
    return signed_in(staff_of("manager"))


def test_only_those_who_edit_the_catalog_see_it(manager: Client, staff_of: Any, signed_in: Any) -> None:
    assert "kokuho-kanyu" in manager.get("/catalog/").content.decode()
    page = manager.get(URL).content.decode()
    assert 'name="rule-0-when"' in page
    assert signed_in(staff_of("onestop_clerk")).get(URL).status_code == 403


def test_a_broken_condition_is_said_in_japanese_at_its_field(manager: Client) -> None:
    procedure = Procedure.objects.get(code="kokuho-kanyu")
    broken = manager.post(URL, form(procedure, **{"step": "preview", "rule-0-when": "member.agee >= 20"}))
    assert broken.status_code == 400
    page = broken.content.decode()
    assert "「member.agee」という事項はありません" in page
    assert 'id="rule-0-when" name="rule-0-when" value="member.agee &gt;= 20"' in page  # what was typed stays
    typo = manager.post(URL, form(procedure, **{"step": "preview", "rule-1-when": "member.age >== 20"}))
    assert "文字目）" in typo.content.decode()
    no_reason = manager.post(URL, form(procedure, **{"step": "preview", "rule-0-reason": " "}))
    assert "住民の方に伝える理由を入力してください。" in no_reason.content.decode()
    assert Procedure.objects.get(code="kokuho-kanyu").rules == procedure.rules


def test_the_preview_names_the_households_the_change_alters_and_saves_nothing(manager: Client) -> None:
    procedure = Procedure.objects.get(code="kokuho-kanyu")
    version = CatalogVersion.objects.get(id=1).number
    # national health insurance on moving in, only for those 75 and over: a wrong change
    narrowed = {"step": "preview", "rule-0-when": procedure.rules[0]["when"] + " and member.age >= 75"}
    response = manager.post(URL, form(procedure, **narrowed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "必要な手続が変わります" in page
    assert "kokuho-kanyu" in page
    assert "このシナリオが必要とする手続（kokuho-kanyu）が出なくなります" in page
    assert Procedure.objects.get(code="kokuho-kanyu").rules == procedure.rules
    assert CatalogVersion.objects.get(id=1).number == version


def test_a_confirmed_change_is_saved_audited_and_planned_with(manager: Client) -> None:
    procedure = Procedure.objects.get(code="kokuho-kanyu")
    version = CatalogVersion.objects.get(id=1).number
    changed = form(
        procedure,
        step="save",
        documents="届出人の本人確認書類\n加入する方の個人番号が分かるもの",
        documents_en="\nMy Number of each person joining",  # the first line left untranslated
        documents_easy="",  # not written in やさしい日本語 yet
    )
    response = manager.post(URL, changed, follow=True)
    assert "を保存しました" in response.content.decode()
    saved = Procedure.objects.get(code="kokuho-kanyu")
    assert saved.documents == [
        "届出人の本人確認書類",  # no English yet: plain Japanese, as in the YAML
        {"ja": "加入する方の個人番号が分かるもの", "en": "My Number of each person joining"},
    ]
    assert saved.rules == procedure.rules
    assert CatalogVersion.objects.get(id=1).number == version + 1
    entry = AuditEntry.objects.filter(action="catalog.procedure.update").latest("id")
    assert entry.summary["after"] == {"documents": saved.documents}
    planned_with = current_catalog().procedure("kokuho-kanyu")
    assert planned_with.documents == ("届出人の本人確認書類", "加入する方の個人番号が分かるもの")
    assert planned_with.documents_en == ("", "My Number of each person joining")


def test_english_texts_are_edited_beside_the_japanese(manager: Client) -> None:
    procedure = Procedure.objects.get(code="kokuho-kanyu")
    # the English documents must line up with the Japanese ones: a missing line is said at its field
    uneven = manager.post(
        URL, form(procedure, step="preview", documents="本人確認書類\n印鑑", documents_en="ID\nSeal\nPen")
    )
    assert uneven.status_code == 400
    assert (
        "英語の持ち物は、日本語と同じ順に同じ行数（2行）で入力してください（今は3行）。"
        in uneven.content.decode()
    )
    # a reason translated on the form is what the English plan says
    english = "You are joining National Health Insurance (edited)."
    response = manager.post(URL, form(procedure, step="save", **{"rule-0-reason_en": english}), follow=True)
    assert "を保存しました" in response.content.decode()
    saved = Procedure.objects.get(code="kokuho-kanyu")
    assert text_parts(saved.rules[0]["reason"])[1] == english
    assert current_catalog().procedure("kokuho-kanyu").rules[0].reason_en == english
    page = manager.get(URL).content.decode()
    assert english in page


def test_easy_japanese_texts_are_edited_beside_the_japanese(manager: Client) -> None:
    # given the procedure's form, with a field beside each Japanese one for its やさしい日本語
    procedure = Procedure.objects.get(code="kokuho-kanyu")
    page = manager.get(URL).content.decode()
    assert 'name="name_easy"' in page
    assert 'name="rule-0-reason_easy"' in page
    assert 'name="documents_easy"' in page
    # the easy documents line up with the Japanese ones: a missing line is said at its field
    uneven = manager.post(
        URL,
        form(
            procedure,
            step="preview",
            documents="本人確認書類\n印鑑",
            documents_easy="あなたが だれか わかる もの",
        ),
    )
    assert uneven.status_code == 400
    assert (
        "やさしい日本語の持ち物は、日本語と同じ順に同じ行数（2行）で入力してください（今は1行）。"
        in uneven.content.decode()
    )
    # when the manager rewrites the name, a reason and the documents in やさしい日本語
    name = "こくみん けんこう ほけんに はいる（国民健康保険 加入）"
    reason = "こくみん けんこう ほけんに はいります。（へんしゅう しました）"
    response = manager.post(
        URL,
        form(
            procedure,
            step="save",
            name_easy=name,
            documents="本人確認書類\n印鑑",
            documents_en="",
            documents_easy="\nはんこ（印鑑）",  # the first line left as it is
            **{"rule-0-reason_easy": reason},
        ),
        follow=True,
    )
    # then they are stored, planned with and shown on the form again
    assert "を保存しました" in response.content.decode()
    saved = Procedure.objects.get(code="kokuho-kanyu")
    assert saved.name_easy == name
    assert text_parts(saved.rules[0]["reason"]).easy == reason
    assert saved.documents == ["本人確認書類", {"ja": "印鑑", "en": "", "easy": "はんこ（印鑑）"}]
    planned_with = current_catalog().procedure("kokuho-kanyu")
    assert (planned_with.name_easy, planned_with.rules[0].reason_easy) == (name, reason)
    assert planned_with.documents_easy == ("", "はんこ（印鑑）")
    page = manager.get(URL).content.decode()
    assert name in page
    assert reason in page


def test_adding_a_rule_row_keeps_what_was_typed_without_errors(manager: Client) -> None:
    procedure = Procedure.objects.get(code="kokuho-kanyu")
    response = manager.post(URL, form(procedure, add_rule="1", name_ja="国民健康保険 加入（編集中）"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="rule-{len(procedure.rules)}-when"' in page
    assert 'value="国民健康保険 加入（編集中）"' in page
    assert "field__error" not in page


def test_the_english_legal_basis_is_edited_beside_the_japanese(manager: Client) -> None:
    # given: the default catalog's English title of the legal basis is on the form
    procedure = Procedure.objects.get(code="kokuho-kanyu")
    assert procedure.reference_title_en
    assert f'value="{procedure.reference_title_en}"' in manager.get(URL).content.decode()
    # when: a manager rewrites it
    english = "National Health Insurance Act, Articles 5 to 7 and 9 (edited)"
    response = manager.post(URL, form(procedure, step="save", reference_title_en=english), follow=True)
    # then: it is saved, and the engine's catalog carries it; the Japanese title stays
    assert "を保存しました" in response.content.decode()
    saved = Procedure.objects.get(code="kokuho-kanyu")
    assert (saved.reference_title, saved.reference_title_en) == (procedure.reference_title, english)
    assert current_catalog().procedure("kokuho-kanyu").reference.title_en == english
    # and a title longer than its column is said at its field, not saved
    too_long = manager.post(URL, form(procedure, step="preview", reference_title_en="x" * 401))
    assert too_long.status_code == 400
    assert "英語の根拠は400字以内で入力してください。" in too_long.content.decode()
