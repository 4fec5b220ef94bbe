"""The demo city's operations inventory (みなと市の業務棚卸表): 762 counter operations, as Chiba City listed.

Generated, not invented row by row, so that it is reproducible and explained:

- every procedure of the default catalog that the city itself handles (the external agencies are left out)
  keeps its catalog code, name, department and minutes (base + 1.2 members × minutes per member); its volume
  comes from yearly event counts for a city of about 300,000 people (`EVENTS_PER_YEAR`); it is 高 relevance
  when a contractor may take it (else 中, 判断業務);
- the rest are the other counter operations of a city hall (certificates, tax, business licences, facility
  bookings, dogs, parking, public housing, …): `DEPARTMENTS` lists subjects and what a resident does about
  them, each with a typical volume and reception time; a seeded random generator picks combinations and
  scatters volumes (log-normal) and minutes around the typical values.

    python -m madoguchi.screening.demo_inventory           print the CSV
    python -m madoguchi.screening.demo_inventory --write   rewrite data/minato-inventory.csv
    python -m madoguchi.screening.demo_inventory --check   exit 1 if the shipped file differs (no drift)

Plain Python (no Django): the catalog comes from `madoguchi.rules.catalog`.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from madoguchi.screening.inventory import HEADERS_JA

# The first seed whose default screening keeps 148 operations, as Chiba City did. The catalog's procedures are
# rows of the inventory: when the catalog changes, the seed is found again and the file rewritten.
SEED = 67
TOTAL_OPERATIONS = 762
DEMO_INVENTORY = Path(__file__).resolve().parent / "data" / "minato-inventory.csv"
HEADERS = (*HEADERS_JA, "備考")

# Cases a year in a city of about 300,000 people.
EVENTS_PER_YEAR: dict[str, int] = {
    "tennyu": 15000,
    "tenshutsu": 14000,
    "tenkyo": 12000,
    "shussei": 2200,
    "shibou": 3300,
    "konin": 1500,
    "rikon": 550,
    "ninshin": 2200,
    "shaho_kanyu": 6000,
    "shaho_soshitsu": 6500,
}


@dataclass(frozen=True)
class Subject:
    name: str
    relevance: str  # 高 / 中 / 低
    events: str = ""  # life-event codes, comma-separated


@dataclass(frozen=True)
class Action:
    name: str
    volume: int  # typical cases a year for one subject
    minutes: float  # typical reception minutes
    life: bool = False  # done because of a move, a death, …: raises the relevance one level
    discretionary: bool = False
    expertise: str = "低"


@dataclass(frozen=True)
class Department:
    name: str
    prefix: str
    subjects: tuple[Subject, ...]
    actions: tuple[Action, ...]


def _s(spec: str, relevance: str, events: str = "") -> tuple[Subject, ...]:
    return tuple(Subject(name, relevance, events) for name in spec.split("|"))


CERTIFICATE = (
    Action("交付（窓口）", 9000, 4),
    Action("交付（代理人・委任状）", 1500, 6),
    Action("交付（郵送請求）", 2500, 7, expertise="中"),
    Action("交付（本人通知・相続関係）", 600, 9, life=True),
)
LICENCE = (
    Action("許可申請", 60, 25, discretionary=True, expertise="高"),
    Action("変更届", 80, 10, expertise="中"),
    Action("廃止・廃業届", 50, 6),
    Action("地位承継届（相続・合併）", 10, 15, life=True, discretionary=True, expertise="高"),
    Action("許可証の再交付", 15, 8),
)
REGISTRATION = (
    Action("申請", 400, 12, expertise="中"),
    Action("住所・氏名の変更届", 300, 5, life=True),
    Action("廃止・返還届", 200, 4, life=True),
    Action("再交付申請", 80, 6),
    Action("相談・問合せ", 500, 15, expertise="高"),
)
BOOKING = (
    Action("利用申込", 3000, 5),
    Action("利用料の減免申請", 150, 10, discretionary=True, expertise="中"),
    Action("利用の取消し・変更", 800, 4),
    Action("団体登録", 120, 8),
)
TAX = (
    Action("証明書の交付", 8000, 5),
    Action("申告の受付", 3000, 18, expertise="高"),
    Action("減免申請", 200, 15, discretionary=True, expertise="高"),
    Action("納付相談", 900, 25, discretionary=True, expertise="高"),
    Action("送付先の変更届", 700, 4, life=True),
    Action("相続人代表者の届出", 250, 8, life=True),
)
BENEFIT = (
    Action("申請", 500, 18, discretionary=True, expertise="中"),
    Action("現況届", 2000, 6),
    Action("住所・氏名・口座の変更届", 600, 5, life=True),
    Action("資格喪失届", 400, 5, life=True),
    Action("相談", 700, 25, expertise="高"),
)

DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "市民課（住民記録・戸籍・証明）",
        "shimin",
        _s("戸籍謄本・抄本|戸籍の附票の写し|住民票記載事項証明書|除票の写し", "中", "shibou")
        + _s("身分証明書|独身証明書|不在籍・不在住証明書|記載事項証明書（届書）|受理証明書", "低"),
        CERTIFICATE,
    ),
    Department(
        "市民課（戸籍届出）",
        "koseki",
        _s(
            "養子縁組届|養子離縁届|認知届|入籍届|氏の変更届|転籍届|外国人の婚姻要件具備証明",
            "中",
            "konin,rikon",
        )
        + _s("分籍届|名の変更届|帰化届|国籍取得届|不受理申出|失踪宣告届", "低"),
        (
            Action("届出の受付", 300, 20, discretionary=True, expertise="高"),
            Action("届出前の事前相談", 200, 15, expertise="高"),
            Action("届書の記載事項の追完", 40, 10, expertise="中"),
        ),
    ),
    Department(
        "市民課（マイナンバー）",
        "mynumber",
        _s("マイナンバーカード|電子証明書", "高", "tennyu,tenkyo,konin,rikon")
        + _s("住民基本台帳の閲覧|本人通知制度|住民票コード", "低"),
        (
            Action("交付", 12000, 8),
            Action("更新", 9000, 7),
            Action("暗証番号の再設定", 4000, 5),
            Action("紛失・一時停止の届出", 1500, 6, life=True),
            Action("住所・氏名の記載変更", 2500, 4, life=True),
            Action("返納・廃止", 800, 4, life=True),
        ),
    ),
    Department(
        "市民税課",
        "shiminzei",
        _s("個人市民税・県民税|市県民税の特別徴収|退職所得の分離課税", "中", "shaho_soshitsu,shibou")
        + _s("給与支払報告書|非課税証明", "低"),
        TAX,
    ),
    Department(
        "資産税課",
        "shisanzei",
        _s("固定資産税|都市計画税|家屋|償却資産", "低") + _s("土地", "中", "shibou"),
        (
            Action("評価証明書の交付", 6000, 5),
            Action("名寄帳の閲覧・交付", 2500, 6),
            Action("課税台帳の閲覧", 400, 8),
            Action("減免申請", 150, 15, discretionary=True, expertise="高"),
            Action("所有者の変更届（相続）", 500, 9, life=True),
            Action("課税の相談", 600, 20, expertise="高"),
        ),
    ),
    Department(
        "納税課",
        "nozei",
        _s("市税", "中", "shibou,shaho_soshitsu") + _s("軽自動車税|口座振替|督促", "低"),
        (
            Action("納税証明書の交付", 7000, 4),
            Action("口座振替の申込み", 3000, 5),
            Action("分納・徴収猶予の相談", 800, 30, discretionary=True, expertise="高"),
            Action("過誤納金の還付請求", 300, 8, life=True),
            Action("窓口での納付", 9000, 3),
        ),
    ),
    Department(
        "税務課（軽自動車税）",
        "keiji",
        _s("軽自動車|小型特殊自動車|ミニカー", "低", "tennyu,tenshutsu")
        + _s("原動機付自転車（ナンバー）", "中", "tennyu,tenshutsu,tenkyo,shibou"),
        (
            Action("標識の交付", 900, 6),
            Action("廃車申告", 700, 5, life=True),
            Action("名義変更", 300, 7, life=True),
            Action("減免申請（身体障害者等）", 150, 12, discretionary=True, expertise="中"),
            Action("課税・非課税証明（継続検査用）", 1800, 4),
        ),
    ),
    Department(
        "保険年金課",
        "hoken",
        _s("国民健康保険被保険者証", "高", "tennyu,shaho_kanyu,shaho_soshitsu")
        + _s("高額療養費|限度額適用認定証|特定疾病療養受療証|療養費（補装具・柔道整復）", "中", "shibou")
        + _s("国民健康保険料|国民年金", "高", "shaho_soshitsu,konin"),
        (
            Action("申請", 1200, 8),
            Action("再交付", 900, 4),
            Action("記載事項の変更届", 800, 5, life=True),
            Action("減免・免除の申請", 500, 12, discretionary=True, expertise="中"),
            Action("相談", 1000, 20, expertise="高"),
        ),
    ),
    Department(
        "介護保険課",
        "kaigo",
        _s("要介護・要支援認定|介護保険負担限度額認定|福祉用具購入費|住宅改修費", "高", "tennyu,shibou")
        + _s("介護保険被保険者証|負担割合証", "高", "tennyu,tenkyo,shibou"),
        BENEFIT,
    ),
    Department(
        "こども家庭課",
        "kodomo",
        _s("児童扶養手当|特別児童扶養手当|ひとり親家庭等医療費", "高", "rikon,shibou")
        + _s("子ども医療費受給券|児童手当", "高", "shussei,tennyu,tenkyo")
        + _s("養育費確保支援|母子父子寡婦福祉資金", "中", "rikon"),
        BENEFIT,
    ),
    Department(
        "保育課",
        "hoiku",
        _s("保育所等の入所|放課後児童クラブ|一時預かり|病児保育", "中", "tennyu,shussei,tenkyo")
        + _s("幼稚園の預かり保育|保育料", "中", "tennyu"),
        (
            Action("申込み", 900, 20, discretionary=True, expertise="中"),
            Action("変更届（就労・住所・世帯）", 900, 7, life=True),
            Action("退所・退会届", 600, 4, life=True),
            Action("就労証明書の受付", 2500, 3),
            Action("入所・利用の相談", 900, 25, expertise="高"),
        ),
    ),
    Department(
        "障害福祉課",
        "shogai",
        _s(
            "身体障害者手帳|療育手帳|精神障害者保健福祉手帳|自立支援医療受給者証",
            "高",
            "tennyu,tenkyo,shibou",
        )
        + _s("福祉タクシー券|補装具費|日常生活用具", "低"),
        BENEFIT,
    ),
    Department(
        "高齢福祉課",
        "korei",
        _s("敬老乗車証|紙おむつ給付|緊急通報装置|配食サービス|高齢者福祉タクシー", "低")
        + _s("成年後見制度の利用支援", "中", "shibou"),
        (
            Action("申請", 900, 10, expertise="中"),
            Action("住所等の変更届", 400, 4, life=True),
            Action("廃止届", 500, 4, life=True),
            Action("相談", 400, 20, expertise="高"),
        ),
    ),
    Department(
        "健康課（母子保健）",
        "boshi",
        _s("乳幼児健診|両親学級|産後ケア|未熟児養育医療|不妊治療費助成", "中", "ninshin,shussei")
        + _s("母子健康手帳（転入者）", "高", "tennyu,ninshin"),
        (
            Action("申込み", 800, 6),
            Action("変更・取消し", 300, 4, life=True),
            Action("相談", 600, 20, expertise="高"),
        ),
    ),
    Department(
        "健康推進課",
        "kenko",
        _s(
            "がん検診|特定健康診査|骨粗しょう症検診|成人歯科健診|任意予防接種費用助成|高齢者肺炎球菌予防接種",
            "低",
        )
        + _s("健康手帳", "低"),
        (
            Action("申込み", 2500, 4),
            Action("受診券の再発行", 600, 4),
            Action("費用の償還払い申請", 200, 10, expertise="中"),
        ),
    ),
    Department(
        "生活衛生課",
        "eisei",
        _s(
            "飲食店営業|喫茶店営業|菓子製造業|理容所|美容所|クリーニング所|旅館業|公衆浴場|興行場|食肉販売業",
            "低",
        ),
        LICENCE,
    ),
    Department(
        "生活衛生課（動物愛護）",
        "dobutsu",
        _s("犬の登録|狂犬病予防注射済票", "中", "tennyu,tenkyo,shibou")
        + _s("犬・猫の引取り|特定動物の飼養|地域猫活動", "低"),
        REGISTRATION,
    ),
    Department(
        "環境局（廃棄物）",
        "kankyo",
        _s("事業系一般廃棄物|ごみ集積所|家庭用生ごみ処理機購入補助|犬猫等の死体処理", "低")
        + _s("粗大ごみ処理券|資源物の回収", "中", "tennyu,tenshutsu,tenkyo"),
        (
            Action("申込み・届出", 1500, 5),
            Action("変更・取消し", 400, 4, life=True),
            Action("相談・苦情", 800, 12, expertise="中"),
        ),
    ),
    Department(
        "市民活動課（施設予約）",
        "shisetsu",
        _s(
            "市民会館|公民館|体育館|市民プール|テニスコート|野球場|キャンプ場|会議室（本庁舎）|コミュニティセンター|男女共同参画センター",
            "低",
        ),
        BOOKING,
    ),
    Department(
        "道路管理課",
        "doro",
        _s("道路占用|道路使用（工事）|自費工事|境界確定|道路台帳|公共用物の使用", "低"),
        (
            Action("許可申請", 300, 20, discretionary=True, expertise="高"),
            Action("変更・廃止届", 150, 10, expertise="中"),
            Action("証明・閲覧", 800, 8, expertise="中"),
            Action("事前相談", 300, 25, expertise="高"),
        ),
    ),
    Department(
        "交通政策課（駐車・駐輪）",
        "chusha",
        _s("市営駐車場の定期利用|市営駐輪場の定期利用|放置自転車の返還|路外駐車場|公用車駐車許可", "低")
        + _s("住宅地の路上駐車許可|自転車の防犯登録", "中", "tennyu,tenkyo"),
        (
            Action("申込み", 2500, 5),
            Action("更新", 2500, 4),
            Action("住所変更・解約", 900, 4, life=True),
            Action("減免申請", 100, 10, discretionary=True, expertise="中"),
        ),
    ),
    Department(
        "住宅課（市営住宅）",
        "jutaku",
        _s("市営住宅|特定公共賃貸住宅|高齢者向け優良賃貸住宅|住宅改修補助|空き家バンク", "低")
        + _s("市営住宅の名義", "中", "shibou,rikon,konin"),
        (
            Action("入居申込み", 700, 15, discretionary=True, expertise="中"),
            Action("収入申告", 3000, 6),
            Action("同居・承継の承認申請", 150, 15, life=True, discretionary=True, expertise="高"),
            Action("退去届", 300, 6, life=True),
            Action("家賃の減免・相談", 300, 20, discretionary=True, expertise="高"),
        ),
    ),
    Department(
        "建築指導課",
        "kenchiku",
        _s("建築確認|建築計画概要書|開発許可|景観計画届出|屋外広告物|空き家の相談", "低"),
        (
            Action("申請の受付", 250, 25, discretionary=True, expertise="高"),
            Action("閲覧・写しの交付", 900, 8, expertise="中"),
            Action("事前相談", 300, 30, expertise="高"),
        ),
    ),
    Department(
        "商工振興課",
        "shoko",
        _s(
            "中小企業融資あっせん|創業支援|商店街補助|ふるさと納税返礼品事業者|計量器の定期検査|大規模小売店舗",
            "低",
        ),
        (
            Action("申請", 150, 25, discretionary=True, expertise="高"),
            Action("変更届", 80, 10, expertise="中"),
            Action("相談", 200, 30, expertise="高"),
        ),
    ),
    Department(
        "農政課",
        "nosei",
        _s("農地転用|農地の権利移動|農業者年金|鳥獣被害防止|市民農園|家畜の飼養", "低")
        + _s("農地の相続届出", "中", "shibou"),
        (
            Action("申請・届出", 120, 20, discretionary=True, expertise="高"),
            Action("証明書の交付", 200, 8, expertise="中"),
            Action("相談", 120, 25, expertise="高"),
        ),
    ),
    Department(
        "教育委員会 学務課",
        "gakumu",
        _s("区域外就学|指定校変更|就学援助|学校給食費|特別支援教育の就学相談", "中", "tennyu,tenkyo")
        + _s("在学証明|奨学金", "低"),
        (
            Action("申請", 500, 12, discretionary=True, expertise="中"),
            Action("変更届", 300, 6, life=True),
            Action("証明書の交付", 400, 5),
            Action("相談", 300, 20, expertise="高"),
        ),
    ),
    Department(
        "生涯学習課",
        "gakushu",
        _s("図書館利用カード|公民館講座|文化財の現状変更|スポーツ少年団|社会教育団体登録", "低"),
        (
            Action("申込み・登録", 2000, 4),
            Action("登録事項の変更", 500, 4, life=True),
            Action("許可申請", 40, 20, discretionary=True, expertise="高"),
        ),
    ),
    Department(
        "選挙管理委員会",
        "senkyo",
        _s("期日前投票|不在者投票|在外選挙人名簿|選挙人名簿の閲覧|政治団体の届出", "低"),
        (
            Action("請求・申請", 800, 6, expertise="中"),
            Action("宣誓書の受付", 6000, 2),
            Action("閲覧・証明", 100, 10, expertise="中"),
        ),
    ),
    Department(
        "水道局 お客さまセンター",
        "suido",
        _s("上下水道料金|給水装置|下水道排水設備|井戸水使用", "低", "tennyu,tenshutsu")
        + _s("水道の名義", "中", "shibou,konin"),
        (
            Action("開始・中止の申込み", 4000, 3, life=True),
            Action("口座振替の申込み", 2000, 4),
            Action("減免申請", 200, 8, discretionary=True, expertise="中"),
            Action("工事の申請", 300, 20, discretionary=True, expertise="高"),
        ),
    ),
    Department(
        "保護課",
        "hogo",
        _s("生活保護|生活困窮者自立支援|住居確保給付金|行旅病人・死亡人", "中", "shibou,shaho_soshitsu"),
        (
            Action("相談", 1500, 40, expertise="高"),
            Action("申請の受付", 600, 45, discretionary=True, expertise="高"),
            Action("変更届（収入・世帯）", 2500, 10, life=True, expertise="中"),
        ),
    ),
    Department(
        "防災危機管理課",
        "bousai",
        _s(
            "防災行政無線の戸別受信機|避難行動要支援者名簿|感震ブレーカー補助|住宅用火災警報器|防災マップ",
            "低",
        ),
        (
            Action("申込み", 300, 5),
            Action("変更・廃止届", 120, 4, life=True),
            Action("相談", 150, 15, expertise="中"),
        ),
    ),
)


def _level_up(relevance: str) -> str:
    return {"低": "中", "中": "高", "高": "高"}[relevance]


def _minutes(rng: random.Random, typical: float) -> float:
    return max(1.0, round(rng.gauss(typical, typical * 0.25) * 2) / 2)


def _volume(rng: random.Random, typical: int) -> int:
    return max(1, int(round(typical * rng.lognormvariate(0.0, 0.6), -1 if typical >= 100 else 0)))


def _yes_no(value: bool) -> str:
    return "はい" if value else "いいえ"


def _catalog_rows(rng: random.Random, catalog: Catalog) -> list[list[str]]:
    departments = {d.code: d.name_ja for d in catalog.departments}
    rows: list[list[str]] = []
    for procedure in catalog.procedures:
        if procedure.counter == "external":
            continue
        events = sorted(procedure.events)
        if procedure.code.endswith(("-shomeisho", "-utsushi")):
            volume = rng.randrange(60000, 120000, 100)
        else:
            yearly = max(EVENTS_PER_YEAR[e] for e in events)
            volume = int(round(yearly * rng.uniform(0.15, 0.8), -1))
        minutes = round((procedure.minutes_base + 1.2 * procedure.minutes_per_member) * 2) / 2
        expertise = (
            "高"
            if procedure.minutes_base >= 20 or not procedure.contractor_ok
            else "低"
            if procedure.minutes_base <= 5
            else "中"
        )
        rows.append(
            [
                procedure.code,
                procedure.name_ja,
                departments[procedure.department],
                str(volume),
                f"{minutes:g}",
                "高" if procedure.contractor_ok else "中",
                ",".join(events),
                _yes_no(not procedure.contractor_ok),
                expertise,
                _yes_no(procedure.online),
                "手続カタログに登録済み",
            ]
        )
    return rows


def _other_rows(rng: random.Random, count: int) -> list[list[str]]:
    candidates = [
        (department, subject, action)
        for department in DEPARTMENTS
        for subject in department.subjects
        for action in department.actions
    ]
    if len(candidates) < count:
        raise ValueError(f"only {len(candidates)} candidate operations for {count}")
    chosen = sorted(rng.sample(range(len(candidates)), count))
    numbers: dict[str, int] = {}
    rows: list[list[str]] = []
    for index in chosen:
        department, subject, action = candidates[index]
        numbers[department.prefix] = numbers.get(department.prefix, 0) + 1
        relevance = _level_up(subject.relevance) if action.life else subject.relevance
        online = rng.random() < (0.35 if action.minutes <= 6 else 0.1)
        note = rng.choice(("", "", "", "", "コンビニ交付あり", "郵送可", "予約制", "繁忙期は3月・4月"))
        rows.append(
            [
                f"{department.prefix}-{numbers[department.prefix]:03d}",
                f"{subject.name} {action.name}",
                department.name,
                str(_volume(rng, action.volume)),
                f"{_minutes(rng, action.minutes):g}",
                relevance,
                subject.events if relevance != "低" else "",
                _yes_no(action.discretionary),
                action.expertise,
                _yes_no(online),
                note,
            ]
        )
    return rows


def generate(seed: int = SEED, catalog: Catalog | None = None) -> str:
    """The inventory as CSV text (UTF-8, LF line ends), identical for the same seed and catalog."""
    catalog = catalog or load_catalog(DEFAULT_CATALOG_DIR)
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    rows = _catalog_rows(rng, catalog)
    rows += _other_rows(rng, TOTAL_OPERATIONS - len(rows))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="みなと市の業務棚卸表（デモ）を生成する")
    parser.add_argument("--seed", type=int, default=SEED)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help=f"rewrite {DEMO_INVENTORY.name}")
    group.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs")
    args = parser.parse_args(argv)
    text = generate(args.seed)
    if args.write:
        DEMO_INVENTORY.write_text(text, encoding="utf-8", newline="")
    elif args.check:
        if DEMO_INVENTORY.read_text(encoding="utf-8") != text:
            sys.stderr.write(f"{DEMO_INVENTORY} differs from the generator; run with --write\n")
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
