"""The マイナポータル door of the preparation: files the city receives, read into preparation/v1 records.

The national formats are not published where madoguchi is developed; these readers implement madoguchi's
documented assumptions (docs/preparation-format.md, "マイナポータル imports"), with sample files in
tests/samples/. A city checks the mapping against the files its systems really deliver and changes the
column names here (HIKKOSHI_COLUMNS, PITTARI_PROCEDURES).

- 引越しワンストップ: the receiving city's list of announced move-ins (転入予定者), a CSV with Japanese
  headers, one row per person moving, the rows of one household sharing a 通知番号; UTF-8 (with or without
  BOM) or Shift_JIS (cp932). One record per 通知番号, event tennyu, with the announced visit.
- ぴったりサービス: one application (申請データ) as XML; its 手続ID chooses the event and the answers'
  mapping (PITTARI_PROCEDURES).

Every value passes the same identity validators as the counter's (names, kana, 和暦 and 西暦 dates, phone
numbers, municipality codes). A file that cannot be read whole raises ImportRefused listing every problem
with its place (line and column, or XML path), in Japanese; nothing of it is taken.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeXML
from defusedxml import DefusedXmlException

from madoguchi.identity import kana, names, phone, wareki
from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.municipality import validate as validate_municipality
from madoguchi.preparation.record import MAX_MEMBERS, InvalidPreparation, new_record, validate

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
HIKKOSHI = "mynaportal_hikkoshi"
PITTARI = "mynaportal_pittari"

# 続柄 as written in the national files → the record's vocabulary (seen from the head of household)
RELATIONSHIPS = {
    "世帯主": "head",
    "本人": "head",
    "妻": "spouse",
    "夫": "spouse",
    "配偶者": "spouse",
    "子": "child",
    "長男": "child",
    "長女": "child",
    "二男": "child",
    "次男": "child",
    "二女": "child",
    "次女": "child",
    "三男": "child",
    "三女": "child",
    "父": "parent",
    "母": "parent",
    "孫": "grandchild",
    "兄": "sibling",
    "弟": "sibling",
    "姉": "sibling",
    "妹": "sibling",
    "縁故者": "other",
    "同居人": "other",
}
SEXES = {"男": "male", "女": "female", "1": "male", "2": "female"}

# column → (where it goes, required). Household columns must agree on every row of a 通知番号.
HIKKOSHI_COLUMNS: dict[str, tuple[str, bool]] = {
    "通知番号": ("notice", True),
    "転出元市区町村コード": ("household", True),
    "転出元都道府県": ("household", True),
    "転出元市区町村": ("household", True),
    "転出元町域": ("household", True),
    "転出元番地": ("household", False),
    "転出元方書": ("household", False),
    "転入先郵便番号": ("household", False),
    "転入先都道府県": ("household", False),
    "転入先市区町村": ("household", False),
    "転入先町域": ("household", False),
    "転入先番地": ("household", False),
    "転入先方書": ("household", False),
    "転入予定日": ("household", True),
    "来庁予定日": ("household", False),
    "来庁予定窓口": ("household", False),
    "連絡先電話番号": ("household", False),
    "氏": ("person", True),
    "名": ("person", True),
    "氏カナ": ("person", False),
    "名カナ": ("person", False),
    "生年月日": ("person", True),
    "性別": ("person", True),
    "続柄": ("person", True),
    "国籍": ("person", False),
    "ローマ字氏名": ("person", False),
}


class ImportRefused(Exception):
    """The file cannot be taken; `problems` lists (place, message) for each problem found."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{place}: {message}" for place, message in problems[:20]))
        self.problems = problems


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            [("(ファイル)", f"ファイルが大きすぎます（{MAX_BYTES // 1024 // 1024}MBまで）。")]
        )
    if not data.strip():
        raise ImportRefused([("(ファイル)", "ファイルが空です。")])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused([("(ファイル)", "文字コードを読み取れません（UTF-8 か Shift_JIS にしてください）。")])


class _Problems:
    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def check(self, place: str, function: Callable[[], Any]) -> Any:
        try:
            return function()
        except InvalidInput as error:
            self.found.append((place, error.message))
        except ValueError as error:
            self.found.append((place, str(error)))
        return None


def _getter(row: dict[str, str]) -> Callable[[str], str]:
    return lambda column: row.get(column, "")


def _placer(prefix: str) -> Callable[[str], str]:
    return lambda name: f"{prefix}{name}"


def _date(text: str) -> date:
    return wareki.parse_date(text.strip())


def _member(
    get: Callable[[str], str],
    place: Callable[[str], str],
    problems: _Problems,
    member_id: str,
    keys: dict[str, str],
) -> dict[str, Any]:
    """One person from its fields (`keys`: the record's name → the file's name for it)."""
    member: dict[str, Any] = {"id": member_id}
    member["family_name"] = problems.check(
        place(keys["family_name"]), lambda: names.family_or_given(get(keys["family_name"]))
    )
    member["given_name"] = problems.check(
        place(keys["given_name"]), lambda: names.family_or_given(get(keys["given_name"]))
    )
    for name in ("family_name_kana", "given_name_kana"):
        if get(keys[name]).strip():
            member[name] = problems.check(place(keys[name]), partial(kana.furigana, get(keys[name])))
    birth = problems.check(place(keys["birth_date"]), lambda: _date(get(keys["birth_date"])))
    member["birth_date"] = birth.isoformat() if birth else None
    sex = SEXES.get(get(keys["sex"]).strip())
    if sex is None:
        problems.found.append(
            (place(keys["sex"]), f"性別「{get(keys['sex'])}」は 男 か 女 で書いてください。")
        )
    member["sex"] = sex
    relationship = RELATIONSHIPS.get(get(keys["relationship"]).strip())
    if relationship is None:
        problems.found.append(
            (place(keys["relationship"]), f"続柄「{get(keys['relationship'])}」が分かりません。")
        )
    member["relationship"] = relationship
    nationality = get(keys.get("nationality", "")).strip().upper() if keys.get("nationality") else ""
    member["nationality"] = nationality or "JP"
    roman = get(keys["name_roman"]).strip() if keys.get("name_roman") else ""
    if roman:
        member["name_roman"] = problems.check(place(keys["name_roman"]), lambda: names.roman(roman))
    return member


def _checked(record: dict[str, Any], problems: _Problems, where: str) -> dict[str, Any] | None:
    if problems.found:
        return None
    try:
        return validate(record)
    except InvalidPreparation as invalid:
        problems.found += [(f"{where} {path}", message) for path, message in invalid.errors]
        return None


def read_hikkoshi(data: bytes) -> list[dict[str, Any]]:
    """The households of a 引越しワンストップ file, one preparation each (source mynaportal_hikkoshi)."""
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [
        name for name, (_kind, required) in HIKKOSHI_COLUMNS.items() if required and name not in header
    ]
    if missing:
        raise ImportRefused([("1行目", f"列「{name}」がありません。") for name in missing])
    rows: list[tuple[int, dict[str, str]]] = []
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            raise ImportRefused([("(ファイル)", f"行が多すぎます（{MAX_ROWS}行まで）。")])
        if None in row:
            raise ImportRefused([(f"{line}行目", "列の数が見出しと合いません。")])
        rows.append((line, {k.strip(): (v or "").strip() for k, v in row.items() if k}))
    if not rows:
        raise ImportRefused([("(ファイル)", "データの行がありません。")])
    problems = _Problems()
    households: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, row in rows:
        if not row.get("通知番号"):
            problems.found.append((f"{line}行目 通知番号", "通知番号がありません。"))
            continue
        households.setdefault(row["通知番号"], []).append((line, row))
    records = []
    for notice, members in households.items():
        first_line, first = members[0]
        for line, row in members[1:]:
            for column, (kind, _required) in HIKKOSHI_COLUMNS.items():
                if kind == "household" and row.get(column, "") != first.get(column, ""):
                    problems.found.append(
                        (f"{line}行目 {column}", f"同じ通知番号 {notice} の{first_line}行目と値が違います。")
                    )
        if len(members) > MAX_MEMBERS:
            problems.found.append((f"{first_line}行目 通知番号", f"1世帯{MAX_MEMBERS}人までです。"))
            continue
        record = _hikkoshi_record(notice, first_line, first, members, problems)
        if record is not None:
            checked = _checked(record, problems, f"通知番号 {notice}:")
            if checked is not None:
                records.append(checked)
    if problems.found:
        raise ImportRefused(problems.found)
    return records


def _hikkoshi_record(
    notice: str,
    line: int,
    first: dict[str, str],
    members: list[tuple[int, dict[str, str]]],
    problems: _Problems,
) -> dict[str, Any] | None:
    at = lambda column, where=line: f"{where}行目 {column}"  # noqa: E731
    moving = problems.check(at("転入予定日"), lambda: _date(first["転入予定日"]))
    code = problems.check(
        at("転出元市区町村コード"),
        lambda: validate_municipality(kana.ascii_digits(first["転出元市区町村コード"])),
    )
    if moving is None or code is None:
        return None
    record = new_record("tennyu", moving.isoformat(), source=HIKKOSHI)
    record["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"madoguchi:mynaportal:hikkoshi:{notice}"))
    previous = {
        "prefecture": first["転出元都道府県"],
        "city": first["転出元市区町村"],
        "town": first["転出元町域"],
        "municipality_code": code.code6,
    }
    for part, column in (("block", "転出元番地"), ("building", "転出元方書")):
        if first.get(column):
            previous[part] = first[column]
    record["previous_address"] = previous
    record["moved_from"] = {"kind": "other_municipality", "municipality_code": code.code6}
    new = {
        part: first[column]
        for part, column in (
            ("postal_code", "転入先郵便番号"),
            ("prefecture", "転入先都道府県"),
            ("city", "転入先市区町村"),
            ("town", "転入先町域"),
            ("block", "転入先番地"),
            ("building", "転入先方書"),
        )
        if first.get(column)
    }
    if new.get("postal_code"):
        new["postal_code"] = kana.digits(new["postal_code"]).replace("-", "")
    if new.get("town"):
        record["address"] = new
    visit: dict[str, str] = {}
    if first.get("来庁予定日"):
        day = problems.check(at("来庁予定日"), lambda: _date(first["来庁予定日"]))
        if day is not None:
            visit["date"] = day.isoformat()
    if first.get("来庁予定窓口"):
        visit["office"] = first["来庁予定窓口"].lower()
    if visit:
        record["visit"] = visit
    if first.get("連絡先電話番号"):
        number = problems.check(at("連絡先電話番号"), lambda: phone.normalize(first["連絡先電話番号"]))
        if number:
            record["contact"] = {"phone": number}
    keys = {
        "family_name": "氏",
        "given_name": "名",
        "family_name_kana": "氏カナ",
        "given_name_kana": "名カナ",
        "birth_date": "生年月日",
        "sex": "性別",
        "relationship": "続柄",
        "nationality": "国籍",
        "name_roman": "ローマ字氏名",
    }
    for index, (row_line, row) in enumerate(members):
        member = _member(
            _getter(row),
            _placer(f"{row_line}行目 "),
            problems,
            f"m{index + 1}",
            keys,
        )
        record["members"].append(member)
    record["subject_member_ids"] = [m["id"] for m in record["members"]]
    head = next((m["id"] for m in record["members"] if m["relationship"] == "head"), None)
    if head:
        record["notifier_member_id"] = head
    return record


# ぴったりサービス: 手続ID → the event it prepares and what its answers (回答/項目[@名]) fill in
PITTARI_PROCEDURES: dict[str, dict[str, Any]] = {
    # 児童手当 認定請求: after a birth; the child is a 対象者, the account the allowance is paid to
    "jido-teate-nintei": {"event": "shussei", "event_date": "対象者の生年月日", "applicant": "parent"},
    # 妊娠の届出: the applicant is pregnant; the day of the application is the event's day
    "ninshin-todoke": {"event": "ninshin", "event_date": "申請日", "applicant": "pregnant"},
}
ACCOUNT_ANSWERS = {
    "金融機関名": "bank",
    "支店名": "branch",
    "預金種目": "kind",
    "口座番号": "number",
    "口座名義カナ": "holder_kana",
}
ACCOUNT_KINDS = {"普通": "ordinary", "当座": "current"}


def _text(element: Element | None, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def read_pittari(data: bytes) -> dict[str, Any]:
    """The preparation of one ぴったりサービス application (source mynaportal_pittari)."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            [("(ファイル)", f"ファイルが大きすぎます（{MAX_BYTES // 1024 // 1024}MBまで）。")]
        )
    if not data.strip():
        raise ImportRefused([("(ファイル)", "ファイルが空です。")])
    try:
        root = SafeXML.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise ImportRefused(
            [("(ファイル)", f"使えないXMLの構文があります（DTD・実体参照）：{type(error).__name__}")]
        ) from error
    except SafeXML.ParseError as error:
        raise ImportRefused([("(ファイル)", f"XMLとして読めません（{error}）。")]) from error
    problems = _Problems()
    if root.tag != "申請データ":
        raise ImportRefused([("/", f"ルート要素が「申請データ」ではありません（{root.tag}）。")])
    procedure = _text(root, "手続ID")
    spec = PITTARI_PROCEDURES.get(procedure)
    if spec is None:
        raise ImportRefused([("/申請データ/手続ID", f"この手続ID「{procedure}」は取り込めません。")])
    applied = problems.check("/申請データ/申請日時", lambda: _date(_text(root, "申請日時")[:10]))
    applicant = root.find("申請者")
    if applicant is None:
        raise ImportRefused([("/申請データ/申請者", "申請者がありません。")])
    keys = {
        "family_name": "氏",
        "given_name": "名",
        "family_name_kana": "氏カナ",
        "given_name_kana": "名カナ",
        "birth_date": "生年月日",
        "sex": "性別",
        "relationship": "続柄",
    }
    people: list[dict[str, Any]] = [
        _member(
            lambda k: _text(applicant, k) or ("世帯主" if k == "続柄" else ""),
            lambda k: f"/申請データ/申請者/{k}",
            problems,
            "m1",
            keys,
        )
    ]
    for index, target in enumerate(root.findall("対象者/人")[: MAX_MEMBERS - 1], start=2):
        people.append(
            _member(
                partial(_text, target),
                _placer(f"/申請データ/対象者/人[{index - 1}]/"),
                problems,
                f"m{index}",
                keys,
            )
        )
    if spec["event_date"] == "申請日":
        event_date = applied
    else:
        event_date = (
            date.fromisoformat(people[-1]["birth_date"])
            if len(people) > 1 and people[-1]["birth_date"]
            else None
        )
        if event_date is None:
            problems.found.append(("/申請データ/対象者", "対象者（生まれたお子さん）がありません。"))
    if problems.found or event_date is None:
        raise ImportRefused(problems.found)
    record = new_record(spec["event"], event_date.isoformat(), source=PITTARI)
    record["id"] = str(
        uuid.uuid5(
            uuid.NAMESPACE_URL, f"madoguchi:mynaportal:pittari:{_text(root, '申請番号') or uuid.uuid4()}"
        )
    )
    record["members"] = people
    if spec["applicant"] == "pregnant":
        people[0]["pregnant"] = True
    address = root.find("申請者/住所")
    if address is not None:
        parts = (
            ("postal_code", "郵便番号"),
            ("prefecture", "都道府県"),
            ("city", "市区町村"),
            ("town", "町域"),
            ("block", "番地"),
            ("building", "方書"),
        )
        record["address"] = {part: _text(address, tag) for part, tag in parts if _text(address, tag)}
        if "postal_code" in record["address"]:
            record["address"]["postal_code"] = kana.digits(record["address"]["postal_code"]).replace("-", "")
    if _text(applicant, "電話番号"):
        number = problems.check(
            "/申請データ/申請者/電話番号", lambda: phone.normalize(_text(applicant, "電話番号"))
        )
        if number:
            record["contact"] = {"phone": number}
    answers = {item.get("名", ""): (item.text or "").strip() for item in root.findall("回答/項目")}
    account = {ACCOUNT_ANSWERS[k]: v for k, v in answers.items() if k in ACCOUNT_ANSWERS and v}
    if account:
        account["kind"] = ACCOUNT_KINDS.get(account.get("kind", ""), account.get("kind", ""))
        if "holder_kana" in account:
            account["holder_kana"] = problems.check(
                "/申請データ/回答/項目[@名='口座名義カナ']", lambda: kana.furigana(account["holder_kana"])
            )
        record["bank_account"] = account
    record["subject_member_ids"] = [m["id"] for m in people[1:]] or ["m1"]
    record["notifier_member_id"] = "m1"
    checked = _checked(record, problems, "/申請データ:")
    if checked is None:
        raise ImportRefused(problems.found)
    return checked


def read(kind: str, data: bytes) -> list[dict[str, Any]]:
    """The preparations in a file of `kind` (hikkoshi or pittari)."""
    if kind == "hikkoshi":
        return read_hikkoshi(data)
    if kind == "pittari":
        return [read_pittari(data)]
    raise ValueError(f"unknown kind {kind!r} (hikkoshi or pittari)")


def summary(records: Iterable[dict[str, Any]]) -> list[str]:
    return [
        f"{r['event']} {r['event_date']} {len(r['members'])}人 visit={r.get('visit', {})}" for r in records
    ]
