"""The マイナポータル door: sample files as the city would receive them, good and broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.preparation import mynaportal, record

SAMPLES = Path(__file__).resolve().parent / "samples"


def read(name: str) -> list[dict]:
    kind = "pittari" if name.endswith(".xml") else "hikkoshi"
    return mynaportal.read(kind, (SAMPLES / name).read_bytes())


def test_a_hikkoshi_file_gives_one_preparation_per_household_with_every_value_in_place() -> None:
    first, second = read("hikkoshi-two-households-utf8.csv")
    assert first["source"] == "mynaportal_hikkoshi"
    assert first["event"] == "tennyu"
    assert first["event_date"] == "2026-11-28"
    assert first["visit"] == {"date": "2026-11-30", "office": "chuo"}
    assert first["moved_from"] == {"kind": "other_municipality", "municipality_code": "131032"}
    assert first["previous_address"] == {
        "prefecture": "東京都",
        "city": "港区",
        "town": "芝公園四丁目",
        "block": "2番8号",
        "municipality_code": "131032",
    }
    assert first["address"] == {
        "postal_code": "2600013",
        "prefecture": "千葉県",
        "city": "千葉市中央区",
        "town": "中央四丁目",
        "block": "5番1号",
        "building": "髙﨑ハイツ305",
    }
    assert first["contact"] == {"phone": "090-1234-5678"}
    assert first["members"] == [
        {
            "id": "m1",
            "family_name": "𠮷田",
            "given_name": "髙志",
            "family_name_kana": "ヨシダ",
            "given_name_kana": "タカシ",
            "birth_date": "1984-05-17",  # 昭和59年5月17日
            "sex": "male",
            "relationship": "head",
            "nationality": "JP",
        },
        {
            "id": "m2",
            "family_name": "𠮷田",
            "given_name": "美﨑",
            "family_name_kana": "ヨシダ",
            "given_name_kana": "ミサキ",
            "birth_date": "1986-11-02",
            "sex": "female",
            "relationship": "spouse",
            "nationality": "JP",
        },
        {
            "id": "m3",
            "family_name": "𠮷田",
            "given_name": "陽葵",
            "family_name_kana": "ヨシダ",
            "given_name_kana": "ヒマリ",
            "birth_date": "2016-07-21",  # H28.7.21
            "sex": "female",
            "relationship": "child",  # 長女
            "nationality": "JP",
        },
        {
            "id": "m4",
            "family_name": "𠮷田",
            "given_name": "蒼",
            "family_name_kana": "ヨシダ",
            "given_name_kana": "アオイ",
            "birth_date": "2022-02-09",
            "sex": "male",
            "relationship": "child",
            "nationality": "JP",
        },
    ]
    assert first["subject_member_ids"] == ["m1", "m2", "m3", "m4"]
    assert first["notifier_member_id"] == "m1"
    assert "address" not in second  # the new address was not announced
    assert second["members"][0]["nationality"] == "VN"
    assert second["members"][0]["name_roman"] == "NGUYEN VAN AN"
    # the same file read again names the same preparations (the 通知番号 makes the id)
    assert [r["id"] for r in read("hikkoshi-two-households-utf8.csv")] == [first["id"], second["id"]]


def test_a_shift_jis_file_keeps_the_old_character_forms() -> None:
    (household,) = read("hikkoshi-shift-jis.csv")
    assert [m["family_name"] for m in household["members"]] == ["髙橋", "髙橋"]
    assert household["members"][1]["given_name"] == "早﨑"
    assert household["visit"] == {"date": "2026-11-24"}
    assert household["moved_from"]["municipality_code"] == "011002"


def test_a_pittari_child_allowance_application_prepares_the_birth_with_the_account() -> None:
    (birth,) = read("pittari-jido-teate.xml")
    assert birth["source"] == "mynaportal_pittari"
    assert birth["event"] == "shussei"
    assert birth["event_date"] == "2026-11-20"  # the child's birth, 令和8年11月20日
    assert [m["given_name"] for m in birth["members"]] == ["美﨑", "結"]
    assert birth["members"][1]["relationship"] == "child"
    assert birth["bank_account"] == {
        "bank": "千葉銀行",
        "branch": "本店営業部",
        "kind": "ordinary",
        "number": "1234567",
        "holder_kana": "ヨシダ　ミサキ",
    }
    assert birth["address"]["postal_code"] == "2600013"
    assert birth["subject_member_ids"] == ["m2"]


def test_a_pittari_pregnancy_notification_prepares_the_pregnancy() -> None:
    (pregnancy,) = read("pittari-ninshin.xml")
    assert pregnancy["event"] == "ninshin"
    assert pregnancy["event_date"] == "2026-11-30"
    assert pregnancy["members"][0]["pregnant"] is True
    assert pregnancy["members"][0]["family_name"] == "山﨑"


@pytest.mark.parametrize(
    ("name", "places"),
    [
        ("broken-missing-column.csv", ["1行目"]),
        ("broken-empty.csv", ["(ファイル)"]),
        ("broken-latin1.csv", ["(ファイル)"]),
        ("broken-ragged.csv", ["2行目"]),
        (
            "broken-bad-values.csv",
            ["4行目 転入先町域", "2行目 生年月日", "3行目 氏カナ", "3行目 続柄", "4行目 性別"],
        ),
        ("broken-entities.xml", ["(ファイル)"]),
        ("broken-not-well-formed.xml", ["(ファイル)"]),
        ("broken-unknown-procedure.xml", ["/申請データ/手続ID"]),
        ("broken-bad-values.xml", ["/申請データ/申請者/生年月日", "/申請データ/申請者/性別"]),
    ],
)
def test_a_broken_file_is_refused_whole_naming_every_problem(name: str, places: list[str]) -> None:
    with pytest.raises(mynaportal.ImportRefused) as refused:
        read(name)
    assert [place for place, _message in refused.value.problems] == places
    assert all(message for _place, message in refused.value.problems)


def test_a_file_too_large_is_refused_before_it_is_read() -> None:
    with pytest.raises(mynaportal.ImportRefused):
        mynaportal.read_hikkoshi(b"x" * (mynaportal.MAX_BYTES + 1))
    with pytest.raises(ValueError, match="unknown kind"):
        mynaportal.read("fax", b"")


def test_an_import_merged_into_the_residents_draft_marks_only_what_it_changed() -> None:
    (imported,) = [r for r in read("hikkoshi-two-households-utf8.csv") if len(r["members"]) == 4]
    typed = dict(imported, source="resident")
    typed["members"] = [dict(m) for m in imported["members"]]
    typed["members"][0]["given_name_kana"] = "タカシ"
    typed["visit"] = {"office": "chuo"}
    typed.pop("contact")
    merged = record.merge(typed, imported, source="mynaportal_hikkoshi")
    assert record.source_of(merged, "/members/0/family_name") == "resident"  # the same in both
    assert record.source_of(merged, "/visit/date") == "mynaportal_hikkoshi"  # added by the import
    assert record.source_of(merged, "/contact/phone") == "mynaportal_hikkoshi"
    assert merged["visit"] == {"office": "chuo", "date": "2026-11-30"}
    record.validate(merged)
