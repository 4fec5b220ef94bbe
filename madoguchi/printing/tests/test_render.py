"""The bundle: forms pre-filled, text extractable, fonts embedded, and the handwritten entries counted."""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from madoguchi.printing.casefile import InvalidCase, read_case
from madoguchi.printing.examples import EXAMPLES
from madoguchi.printing.fonts import fonts
from madoguchi.printing.forms import load_forms
from madoguchi.printing.render import Bundle, render_bundle
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog


@cache
def catalog() -> Catalog:
    return load_catalog(DEFAULT_CATALOG_DIR)


@cache
def five_person_bundle() -> Bundle:
    return render_bundle(read_case(EXAMPLES["5-person-tennyu"]), catalog())


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def fonts_in(resources: Any) -> Iterator[DictionaryObject]:
    """Every font of a resource dictionary, including those of its form XObjects."""
    resources = resources.get_object() if resources is not None else {}
    for font in resources.get("/Font", {}).values():
        yield font.get_object()
    for xobject in resources.get("/XObject", {}).values():
        yield from fonts_in(xobject.get_object().get("/Resources"))


def test_the_5_person_move_in_prints_its_forms_and_one_signature_sheet() -> None:
    # when
    bundle = five_person_bundle()
    # then
    assert bundle.forms == (
        "tennyu-todoke",
        "mynumber-card-kenmen-henko",
        "inkan-toroku",
        "kokuho-kanyu",
        "koki-koreisha-kanyu",
        "kaigo-shikaku-shutoku",
        "jido-teate-nintei",
        "kodomo-iryohi-josei",
        "tennyugaku",
    )
    texts = page_texts(bundle.pdf)
    assert len(texts) == bundle.pages == 10
    assert "住民異動届（転入）" in texts[0]
    assert "児童手当 認定請求書" in texts[6]
    assert "署名シート" in texts[-1]
    assert "署名" in texts[-1]
    assert sum("署名シート（届出書" in text for text in texts) == 1
    assert "zairyu-card-jusho-todoke" in bundle.without_form  # no form: listed on the sheet
    assert "在留カードの住居地届出" in texts[-1]
    assert "運転免許証の住所変更" in texts[-1]  # an outside body: guidance only


def test_names_and_wareki_dates_are_extractable_text() -> None:
    # when
    texts = page_texts(five_person_bundle().pdf)
    # then
    first = texts[0]
    for expected in [
        "髙橋　健一",
        "タカハシ　ケンイチ",
        "SANTOS MARIA CRUZ",
        "昭和59年7月1日",  # 1984-07-01
        "平成29年10月10日",  # 2017-10-10
        "令和8年4月3日",  # the event date
        "千葉県みなと市中央区港町二丁目3番5号　山﨑ハイツ305",
        "フィリピン",
    ]:
        assert expected in first, expected
    assert "令和8年4月6日" in texts[-1]  # the date of the signature
    assert "中学2年" in texts[8]
    assert "小学3年" in texts[8]


def test_the_rare_characters_of_names_survive_into_the_text() -> None:
    text = "".join(page_texts(five_person_bundle().pdf))
    assert "髙" in text
    assert "﨑" in text
    assert "高橋" not in text  # 髙 is not replaced by its common form


def test_my_numbers_print_in_full_or_masked_as_the_form_says() -> None:
    texts = page_texts(five_person_bundle().pdf)
    assert "1234 5678 9018" in texts[3]  # 国民健康保険: in full
    assert "**** **** 9018" in texts[1]  # マイナンバーカード: masked
    assert "1234 5678 9018" not in texts[1]
    assert "9018" not in texts[0]  # 住民異動届: not at all


def test_every_font_is_embedded() -> None:
    # given
    reader = PdfReader(io.BytesIO(five_person_bundle().pdf))
    # when
    found = [font for page in reader.pages for font in fonts_in(page.get("/Resources"))]
    # then
    assert found
    for font in found:
        descendants: Any = font.get("/DescendantFonts")
        described: Any = descendants[0].get_object() if descendants else font
        descriptor: Any = described["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
    names = {str(font["/BaseFont"]).split("+")[-1] for font in found}
    assert names <= {"IPAexGothic", "IPAexMincho", "IPAmjMincho"}


def test_check_marks_are_drawn_not_typed() -> None:
    text = "".join(page_texts(five_person_bundle().pdf))
    assert "☑" not in text
    assert "☐" not in text


def test_a_one_person_move_within_the_city_counts_its_handwritten_entries() -> None:
    # given: one person, no telephone, one form (住民異動届（転居）)
    case = read_case(EXAMPLES["tenkyo-single"])
    # when
    bundle = render_bundle(case, catalog())
    # then
    assert bundle.forms == ("tenkyo-todoke",)
    # By hand on the paper form: 届出日, 異動日, 異動の種別 (1 tick)                      3
    # 新しい住所, 新しい世帯主, 前の住所, 前の世帯主 (郵便番号 is not the resident's)     4
    # 届出人の氏名 + フリガナ (no telephone number in the case file)                      2
    # 届出人: ☑本人 ☑世帯主 (she is both)                                                  2
    # the row of the one person: 氏名 + フリガナ, 生年月日, 性別, 続柄                     5
    # the signature                                                                       1
    assert bundle.handwritten_entries_before == 17
    assert bundle.handwritten_entries_now == 1
    assert bundle.blank_entries == 0
    assert bundle.pages == 2


def test_the_5_person_move_in_counts_per_form() -> None:
    # given
    case = read_case(EXAMPLES["5-person-tennyu"])
    # when
    tennyu = render_bundle(case, catalog(), procedures=["tennyu-todoke"])
    # then
    # 住民異動届（転入）by hand: 届出日, 異動日, 異動の種別                                 3
    # 新しい住所, 新しい世帯主, 前の住所, 前の世帯主                                         4
    # 届出人: 氏名 + フリガナ, 電話番号, ☑本人 ☑世帯主                                      5
    # 5 rows × (氏名 + フリガナ, 生年月日, 性別, 続柄) + 国籍 of the one foreign member      26
    # the signature                                                                         1
    assert tennyu.handwritten_entries_before == 39
    bundle = five_person_bundle()
    assert bundle.handwritten_entries_before == 206  # the nine forms together
    assert bundle.blank_entries == 5  # 児童手当: the bank account (3 cells); 転入学届: 前の学校名 × 2
    # what the resident writes now: the signature and those 5 blanks (never "signature only" then)
    assert bundle.handwritten_entries_now == 6


def test_procedures_can_be_chosen_and_unknown_ones_are_refused() -> None:
    # given
    case = read_case(EXAMPLES["5-person-tennyu"])
    # when
    bundle = render_bundle(case, catalog(), procedures=["kokuho-kanyu", "juminhyo-utsushi"])
    # then
    assert bundle.forms == ("kokuho-kanyu",)
    assert bundle.without_form == ("juminhyo-utsushi",)
    with pytest.raises(InvalidCase) as raised:
        render_bundle(case, catalog(), procedures=["kokuho-kanyu", "no-such-thing"])
    assert raised.value.errors == [("procedures[1]", "no procedure 'no-such-thing' in the catalog")]


def test_a_death_prints_the_funeral_grant_with_the_bank_account_left_blank() -> None:
    # when
    bundle = render_bundle(read_case(EXAMPLES["shibou-head"]), catalog())
    # then
    assert bundle.forms == (
        "setai-henko-todoke",
        "koki-koreisha-soshitsu",
        "koki-koreisha-sosaihi",
        "kaigo-soshitsu",
    )
    assert bundle.blank_entries == 4  # 葬儀を行った日 and the three cells of the bank account
    texts = page_texts(bundle.pdf)
    assert "山﨑　正男" in texts[2]
    assert "死亡日" in texts[2]
    assert "shibou-todoke" in bundle.without_form  # the family brings the 死亡届


def test_the_application_date_defaults_to_today() -> None:
    # given
    data = copy.deepcopy(EXAMPLES["tenkyo-single"])
    del data["received_on"]
    # when
    bundle = render_bundle(read_case(data), catalog(), today=date(2026, 5, 13))
    # then
    assert "令和8年5月13日" in page_texts(bundle.pdf)[0]


def test_a_character_no_font_has_is_reported() -> None:
    # given: 𠮷 (U+20BB7) is not in IPAex; IPAmj明朝 has it when installed
    data = copy.deepcopy(EXAMPLES["tenkyo-single"])
    data["members"][0]["family_name"] = "𠮷田"
    # when
    bundle = render_bundle(read_case(data), catalog())
    # then
    if fonts().fallback is None:
        assert bundle.missing_glyphs == ("𠮷",)
    else:
        assert bundle.missing_glyphs == ()
        # pypdf breaks the line where the font changes (IPAmj明朝 → IPAex); the characters are right
        assert "𠮷田" in "".join(page_texts(bundle.pdf)[0].split())


def moving_out() -> dict[str, Any]:
    """The 5-person household moving out of the city again, to 大阪市."""
    data = copy.deepcopy(EXAMPLES["5-person-tennyu"])
    data.update(event="tenshutsu", event_date="2027-03-20", received_on="2027-03-10")
    for key in ("previous_address", "moved_from"):
        del data[key]
    data["next_address"] = {
        "postal_code": "5300001",
        "prefecture": "大阪府",
        "city": "大阪市北区",
        "town": "梅田一丁目",
        "block": "1番3号",
        "municipality_code": "271276",
    }
    for member in data["members"]:
        member["has_seal_registration"] = member["relationship"] == "head"
    return data


def case_for(code: str) -> dict[str, Any]:
    """An example whose life event the procedure is considered for."""
    events = catalog().procedure(code).events
    candidates = [*EXAMPLES.values(), moving_out()]
    return next((data for data in candidates if data["event"] in events), EXAMPLES["5-person-tennyu"])


@pytest.mark.parametrize("name", sorted(form.name for form in load_forms().forms))
def test_every_form_prints_on_its_own_page_with_its_title(name: str) -> None:
    # given
    form = next(form for form in load_forms().forms if form.name == name)
    data = case_for(form.procedures[0])
    # when
    bundle = render_bundle(read_case(data), catalog(), procedures=[form.procedures[0]])
    # then
    texts = page_texts(bundle.pdf)
    assert form.heading in texts[0]
    assert "署名シート" in texts[-1]
    assert bundle.forms == (form.procedures[0],)
    assert bundle.missing_glyphs == ()


def test_what_the_counter_asked_is_printed_and_what_it_did_not_is_named_on_the_signature_sheet() -> None:
    # given the five-person move-in without a bank account or the children's previous school
    bundle = five_person_bundle()
    assert bundle.blank_labels == (
        "児童手当 認定請求書・額改定認定請求書　振込先（認定請求の方）：金融機関・支店",
        "児童手当 認定請求書・額改定認定請求書　振込先（認定請求の方）：口座番号（普通・当座）",
        "児童手当 認定請求書・額改定認定請求書　振込先（認定請求の方）：口座名義（カナ）",
        *(label for label in bundle.blank_labels[3:] if "前の学校名" in label),
    )
    assert len(bundle.blank_labels) == 5
    assert "ご記入いただく欄：児童手当" in page_texts(bundle.pdf)[-1].replace("\n", "")
    # when the counter asked for them
    data = copy.deepcopy(EXAMPLES["5-person-tennyu"])
    data["bank_account"] = {
        "bank": "みなと銀行",
        "branch": "港町支店",
        "kind": "ordinary",
        "number": "1234567",
        "holder_kana": "ヤマザキ　タロウ",
    }
    for member in data["members"]:
        if member["relationship"] == "child":
            member["previous_school"] = "千代田区立千代田小学校"
    asked = render_bundle(read_case(data), catalog())
    # then they are printed, and the resident writes nothing but the signature
    assert asked.blank_entries == 0
    assert asked.blank_labels == ()
    assert asked.handwritten_entries_now == 1
    text = "".join(page_texts(asked.pdf)).replace("\n", "")
    assert "みなと銀行　港町支店" in text
    assert "普通　1234567" in text
    assert "千代田区立千代田小学校" in text
    # and the paper form would have had them written by hand all the same
    assert asked.handwritten_entries_before == five_person_bundle().handwritten_entries_before


def test_a_bank_account_is_checked_as_the_bank_needs_it() -> None:
    data = copy.deepcopy(EXAMPLES["5-person-tennyu"])
    data["bank_account"] = {
        "bank": "みなと銀行",
        "branch": "",
        "kind": "savings",
        "number": "12-34",
        "holder_kana": "ア",
    }
    with pytest.raises(InvalidCase) as raised:
        read_case(data)
    paths = {path for path, _message in raised.value.errors}
    assert {"bank_account.branch", "bank_account.kind", "bank_account.number"} <= paths
