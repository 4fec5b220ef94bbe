"""Parameters of the office model: named constants with units and sources, and the office configurations.

Sources: "Chiba" is the seminar report in `/work/shared/seed` (Chiba City's one-stop plan); "catalog" is the
procedure catalog and its form definitions (`madoguchi/catalog/data`); "assumption" is a stated modelling
choice, explained in `docs/simulator.md`. Times are minutes unless the name says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

BEFORE = "before"
AFTER = "after"
DESIGNS = (BEFORE, AFTER)

# --- The resident's own time

# assumption, calibrated (docs/simulator.md; its range 8-20 s): writing one entry of a
# paper form by hand (a name with its furigana counts two entries, a tick one).
HANDWRITTEN_ENTRY_SECONDS = 10.0
# Chiba (書かない窓口): after, the resident only signs; the one signature sheet of the printed bundle.
SIGNATURES_AFTER = 1
SIGNATURE_SECONDS = 30.0
# assumption: walking from one counter to the next one (another department, often another floor) and
# finding it; from the entrance to the first counter or the concierge.
WALK_BETWEEN_COUNTERS_MINUTES = 2.0
WALK_FROM_ENTRANCE_MINUTES = 1.0
# assumption: spread of the speed of writing between residents (coefficient of variation, lognormal).
WRITING_CV = 0.3

# --- Counter time

# catalog: `minutes_base + minutes_per_member × members` of a procedure is its counter time at a
# department counter, where the clerk reads the handwritten form, keys it in and decides (before).
# assumption, calibrated: the catalog's minutes are its authors' estimates of a clerk's time per procedure;
# this scale brings them to the times cities publish (千葉市: at most 88 minutes for a move-in of four). The
# fit puts it at the low end of its range (0.2-1.2): the catalog's minutes are far above what cities publish.
CATALOG_MINUTES_FACTOR = 0.2
# assumption, calibrated (at the low end of its range 1-6): each call at a counter costs the call, the
# identity check and the receipt, once per visit.
COUNTER_CALL_MINUTES = 1.0
# Chiba (集中事務センター): at the one-stop counter the clerk receives and the central center processes,
# so the counter time of a one-stop procedure is a share of its catalog minutes (assumption, calibrated).
ONE_STOP_MINUTES_FACTOR = 0.8
# Chiba (ライフイベント型・誰でも型): the one-stop clerk first interviews the household with the navigator
# (facts, questions, identity documents): a fixed time per case (assumption, calibrated: docs/simulator.md).
ONE_STOP_INTERVIEW_MINUTES = 8.0
# Chiba (集中事務センター): what the one-stop counter receives is processed behind the counter (the central
# center, or the ward's back office for same-day work), not by the clerk with the resident in front of them.
# A document the household takes home the same day (an insurance card, a medical-expense card) is issued
# once that processing is done: it takes this share of the procedure's catalog minutes of a processing
# clerk (assumption: the decision and the issue remain, the keying of a handwritten form is gone), and the
# household waits for it, holding no counter, only if it is not ready when the household is done.
PROCESSING_MINUTES_FACTOR = 0.5
# assumption, calibrated: the clerk explains each pre-filled form of the bundle and the resident checks it.
FORM_REVIEW_MINUTES = 2.0
# 岩見沢 (書かない窓口), share calibrated: at a department's or the certificate counter, a form printed from
# what the resident said (or read from the My Number card) spares the clerk reading, checking and keying a
# handwritten one, and the corrections of a form filled in wrongly: the counter time is this share of the
# catalog minutes (at the low end of its range 0.5-1).
PREFILLED_MINUTES_FACTOR = 0.5
# Chiba (コンシェルジェ): the concierge asks the purpose and issues the ticket (assumption: 1.5 minutes).
CONCIERGE_MINUTES = 1.5
# assumption: service times vary around their mean with this coefficient of variation, lognormal (a long
# right tail: the occasional complicated case); "gamma" is the other choice (with CV 1, exponential).
SERVICE_CV = 0.5
SERVICE_DISTRIBUTION = "lognormal"
DISTRIBUTIONS = ("lognormal", "gamma")

# --- Office hours (assumption: 8:30-17:15 as most ward offices; tickets until 17:00)

OPEN_MINUTE = 8 * 60 + 30
LAST_TICKET_MINUTE = 17 * 60
CLOSE_MINUTE = 17 * 60 + 15
FIRST_HOUR = 8  # hour blocks of a counter schedule: 8:00-9:00 (from the opening), 9:00-10:00, ...
HOURS = tuple(range(FIRST_HOUR, 18))  # 8 … 17

# --- Arrivals (assumption, see docs/simulator.md)

# Share of tickets issued in each hour block (8 is the half hour after the opening).
HOUR_WEIGHTS: Mapping[int, float] = {
    8: 0.7,
    9: 1.3,
    10: 1.4,
    11: 1.2,
    12: 0.8,
    13: 1.1,
    14: 1.1,
    15: 0.9,
    16: 0.6,
}
# Moves (転入・転出・転居) by month: the March-April peak of the Basic Resident Register migration statistics
# (住民基本台帳人口移動報告), where March and April each carry about twice an ordinary month.
MOVE_MONTH_WEIGHTS: Mapping[int, float] = {
    1: 0.8,
    2: 0.8,
    3: 2.0,
    4: 1.9,
    5: 1.0,
    6: 0.8,
    7: 0.9,
    8: 0.9,
    9: 0.9,
    10: 0.8,
    11: 0.7,
    12: 0.8,
}
# Visits by weekday (0 = Monday): Mondays and Fridays are busier.
WEEKDAY_WEIGHTS: Mapping[int, float] = {0: 1.3, 1: 1.0, 2: 0.95, 3: 0.95, 4: 1.1}
MOVE_EVENTS = frozenset({"tennyu", "tenshutsu", "tenkyo"})
# Share of visits by purpose in an ordinary month; a certificate visit is one request at the certificate
# counter. Life-event visits are a small share of tickets but most of the counter time.
VISIT_SHARES: Mapping[str, float] = {
    "certificate": 0.859,
    "tennyu": 0.025,
    "tenshutsu": 0.025,
    "tenkyo": 0.020,
    "shussei": 0.008,
    "shibou": 0.006,
    "konin": 0.006,
    "rikon": 0.003,
    "ninshin": 0.008,
    "shaho_kanyu": 0.020,
    "shaho_soshitsu": 0.020,
}
# Households by size (assumption, close to the national census: many one- and two-person households).
SIZE_SHARES: Mapping[int, float] = {1: 0.34, 2: 0.27, 3: 0.18, 4: 0.14, 5: 0.05, 6: 0.02}


# --- What the household takes home, per procedure (what it waits for after signing)

HANDOVER_NONE = "none"  # nothing to take home: a registration, a notice sent later, information
HANDOVER_COUNTER = "counter"  # handed over by the clerk during the call (part of its counter minutes)
HANDOVER_PROCESSED = "processed"  # issued the same day once processed behind the counter (after only)
HANDOVER_MAIL = "mail"  # mailed or sent later: nobody waits for it
HANDOVER_KINDS = (HANDOVER_NONE, HANDOVER_COUNTER, HANDOVER_PROCESSED, HANDOVER_MAIL)
# Before, the department's clerk processes and hands everything over during the call: the catalog minutes
# include it. After, a `processed` document of a one-stop procedure is issued behind the counter. Sources:
# the procedures' own texts in the catalog (e.g. kaigo-shikaku-shutoku: "被保険者証は後日郵送します") and
# the usual practice of ward offices (assumption where the catalog is silent). A procedure not listed
# hands over nothing.
HANDOVER: Mapping[str, str] = {
    # 市民課: the register is updated during the call; the clerk hands the card or certificate back
    "tennyu-todoke": HANDOVER_COUNTER,
    "tenkyo-todoke": HANDOVER_COUNTER,
    "tenshutsu-todoke": HANDOVER_COUNTER,  # 転出証明書
    "mynumber-card-kenmen-henko": HANDOVER_COUNTER,  # the card, its back rewritten
    "zairyu-card-jusho-todoke": HANDOVER_COUNTER,
    "inkan-toroku": HANDOVER_COUNTER,  # 印鑑登録証
    "kaso-kyoka": HANDOVER_COUNTER,  # 火葬許可証: the funeral needs it the same day
    "juminhyo-utsushi": HANDOVER_COUNTER,
    "inkan-shomeisho": HANDOVER_COUNTER,
    "koseki-shomeisho": HANDOVER_COUNTER,
    # 保険年金課: the card or 資格確認書 issued the same day (assumption: most ward offices issue it)
    "kokuho-kanyu": HANDOVER_PROCESSED,
    "kokuho-henko": HANDOVER_PROCESSED,
    "koki-koreisha-kanyu": HANDOVER_PROCESSED,
    "koki-koreisha-henko": HANDOVER_PROCESSED,
    # こども家庭課: the medical-expense card (医療証) the same day; 児童手当 is decided and notified later
    "kodomo-iryohi-josei": HANDOVER_PROCESSED,
    "kodomo-iryohi-henko": HANDOVER_PROCESSED,
    "hitorioya-iryohi": HANDOVER_PROCESSED,
    "jido-teate-nintei": HANDOVER_MAIL,
    "jido-teate-gaku-kaitei": HANDOVER_MAIL,
    "jido-fuyo-teate": HANDOVER_MAIL,
    # 介護保険課: the catalog says the insured person's certificate is mailed
    "kaigo-shikaku-shutoku": HANDOVER_MAIL,
    "kaigo-henko": HANDOVER_MAIL,
    # 学務課, 健康課, 母子保健: papers handed over during the call
    "tennyugaku": HANDOVER_COUNTER,  # 就学通知書
    "tengaku": HANDOVER_COUNTER,
    "yobo-sesshu-yoshinhyo": HANDOVER_COUNTER,  # 予診票
    "boshi-techo-kofu": HANDOVER_COUNTER,  # 母子健康手帳
    "shogai-techo-jusho": HANDOVER_COUNTER,
}


@dataclass(frozen=True)
class Timings:
    """The time constants of one run (the module constants by default)."""

    handwritten_entry_seconds: float = HANDWRITTEN_ENTRY_SECONDS
    signatures_after: int = SIGNATURES_AFTER
    signature_seconds: float = SIGNATURE_SECONDS
    walk_between_counters: float = WALK_BETWEEN_COUNTERS_MINUTES
    walk_from_entrance: float = WALK_FROM_ENTRANCE_MINUTES
    writing_cv: float = WRITING_CV
    counter_call: float = COUNTER_CALL_MINUTES
    catalog_factor: float = CATALOG_MINUTES_FACTOR
    one_stop_factor: float = ONE_STOP_MINUTES_FACTOR
    interview: float = ONE_STOP_INTERVIEW_MINUTES
    processing_factor: float = PROCESSING_MINUTES_FACTOR
    form_review: float = FORM_REVIEW_MINUTES
    prefilled_factor: float = PREFILLED_MINUTES_FACTOR
    concierge: float = CONCIERGE_MINUTES
    service_cv: float = SERVICE_CV
    service_distribution: str = SERVICE_DISTRIBUTION


Schedule = tuple[int, ...]  # counters open in each hour block of HOURS


@dataclass(frozen=True)
class Errand:
    """Residents who come to a department's counter for its own business (a premium, a pension, a
    consultation): not a life event, the same visit in both designs, and the line the life-event
    households find at that counter."""

    per_day: float  # visits on an ordinary day (weekday weight 1; the moving season does not change them)
    minutes: float  # mean counter minutes of one visit, the call included


def hour_block(hour: int, until: float) -> tuple[float, float]:
    """The hour block `hour` of HOURS as (start, end) minutes of the day: the first starts at the opening,
    and none runs past `until` (the last ticket, the closing, or the last resident served)."""
    return float(max(hour * 60, OPEN_MINUTE)), float(min((hour + 1) * 60, until))


def flat(counters: int) -> Schedule:
    """The same number of counters in every hour block."""
    return (counters,) * len(HOURS)


@dataclass(frozen=True)
class OfficeConfig:
    """One ward office: its counters per queue and design, its yearly visits, its arrival pattern.

    `before` and `after` map a queue (a department code, `shomei` for certificates, `one_stop`,
    `concierge`) to its counters per hour block; a department without an entry has `default_counters`.
    """

    code: str
    visits_per_year: int
    before: Mapping[str, Schedule]
    after: Mapping[str, Schedule]
    default_counters: int = 1
    timings: Timings = field(default_factory=Timings)
    visit_shares: Mapping[str, float] = field(default_factory=lambda: dict(VISIT_SHARES))
    size_shares: Mapping[int, float] = field(default_factory=lambda: dict(SIZE_SHARES))
    hour_weights: Mapping[int, float] = field(default_factory=lambda: dict(HOUR_WEIGHTS))
    move_month_weights: Mapping[int, float] = field(default_factory=lambda: dict(MOVE_MONTH_WEIGHTS))
    weekday_weights: Mapping[int, float] = field(default_factory=lambda: dict(WEEKDAY_WEIGHTS))
    handover: Mapping[str, str] = field(default_factory=lambda: dict(HANDOVER))
    name: str = ""  # the office's name as its sign says ("" where only the code is known)
    queue_names: Mapping[str, str] = field(default_factory=dict)  # queue → its name, for reports
    queue_names_en: Mapping[str, str] = field(default_factory=dict)  # queue → its English name, if any
    errands: Mapping[str, Errand] = field(default_factory=dict)  # queue → its own residents' visits

    def schedule(self, design: str, queue: str) -> Schedule:
        counters = self.before if design == BEFORE else self.after
        return counters.get(queue, flat(self.default_counters))

    def with_schedule(self, design: str, queue: str, schedule: Schedule) -> OfficeConfig:
        """A copy with one queue's counters changed (the staffing search uses it)."""
        counters = dict(self.before if design == BEFORE else self.after)
        counters[queue] = tuple(schedule)
        return replace(self, before=counters) if design == BEFORE else replace(self, after=counters)


def _flat_all(counts: Mapping[str, int]) -> Mapping[str, Schedule]:
    return {queue: flat(number) for queue, number in counts.items()}


# Department counters of a ward as in the demo city (madoguchi/demo/minato.yaml `ward_queues`); before, the
# staff of the one-stop counter sat at their departments' counters (assumption: the same number of staff).
_DEPARTMENTS_AFTER = {
    "shomei": 16,
    "hoken_nenkin": 3,
    "kaigo": 2,
    "kodomo": 2,
    "hoiku": 2,
    "boshi_hoken": 2,
    "shogai": 2,
    "hogo": 2,
    "zeimu": 2,
}
_BUSY_WARD_BEFORE = {
    **_DEPARTMENTS_AFTER,
    "shimin": 8,
    "hoken_nenkin": 8,
    "kodomo": 4,
    "kaigo": 2,
    "gakumu": 2,
    "kenko": 2,
    "kankyo": 2,
    "suido": 2,
}
_BUSY_WARD_AFTER = {**_DEPARTMENTS_AFTER, "one_stop": 20, "concierge": 2, "suido": 2, "processing": 4}

# A ward with half the visits: half the counters where the load is (assumption).
_SMALL_WARD_BEFORE = {**_BUSY_WARD_BEFORE, "shomei": 8, "shimin": 4, "hoken_nenkin": 4, "kodomo": 2}
_SMALL_WARD_AFTER = {**_BUSY_WARD_AFTER, "shomei": 8, "one_stop": 10, "processing": 2}

# The departments' own residents (assumption, as the demo city's generated history: each department's
# counters after the change half busy with them, at the demo's mean minutes per visit; docs/simulator.md).
ERRAND_UTILISATION = 0.5
ERRAND_DEFAULT_MINUTES = 15.0  # a department not listed below
ERRAND_MINUTES = {
    "hoken_nenkin": 12.0,
    "kaigo": 15.0,
    "kodomo": 14.0,
    "hoiku": 20.0,
    "boshi_hoken": 18.0,
    "shogai": 20.0,
    "hogo": 30.0,
    "zeimu": 10.0,
}


def with_errand_load(config: OfficeConfig, load: float) -> OfficeConfig:
    """The office with as many of each department's own residents as keep `load` of its counters after
    the change busy (its mean counters over the day), at their minutes per visit."""
    if not 0.0 <= load < 1.0:
        raise ValueError(f"the share of counters busy with their own residents is 0 or more, under 1: {load}")
    day = LAST_TICKET_MINUTE - OPEN_MINUTE
    errands = {}
    for queue, errand in config.errands.items():
        hours = config.schedule(AFTER, queue)
        counters = sum(hours) / len(hours)
        errands[queue] = replace(errand, per_day=round(load * counters * day / errand.minutes, 1))
    return replace(config, errands=errands)


def _example_ward(
    code: str, visits: int, before: Mapping[str, int], after: Mapping[str, int]
) -> OfficeConfig:
    errands = {queue: Errand(0.0, minutes) for queue, minutes in ERRAND_MINUTES.items()}
    config = OfficeConfig(code, visits, _flat_all(before), _flat_all(after), errands=errands)
    return with_errand_load(config, ERRAND_UTILISATION)


OFFICES: Mapping[str, OfficeConfig] = {
    "chuo": _example_ward("chuo", 300_000, _BUSY_WARD_BEFORE, _BUSY_WARD_AFTER),
    "kita": _example_ward("kita", 150_000, _SMALL_WARD_BEFORE, _SMALL_WARD_AFTER),
    "minami": _example_ward("minami", 150_000, _SMALL_WARD_BEFORE, _SMALL_WARD_AFTER),
}


def with_self_service(config: OfficeConfig, share: float) -> OfficeConfig:
    """The office once `share` of its certificate requests are served by stores, issuing machines and
    phones (the certificates' records measure it): those residents no longer come, so the office's
    yearly visits and the certificate counter's share of them fall; life-event visits are unchanged."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the self-service share of certificates must be between 0 and 1, not {share}")
    certificate = config.visit_shares.get("certificate", 0.0)
    total = sum(config.visit_shares.values())
    staying = certificate * (1.0 - share)
    shares = dict(config.visit_shares)
    shares["certificate"] = staying
    remaining = (total - certificate + staying) / total if total else 1.0
    return replace(
        config, visits_per_year=max(1, round(config.visits_per_year * remaining)), visit_shares=shares
    )
