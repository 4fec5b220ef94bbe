"""The resident's pages on the phone (/prepare/): the visit prepared step by step, then sealed into a code.

Nothing is stored before the resident finishes: the draft travels in the page (a hidden field POSTed with
each step, never the URL) and, with JavaScript, in the browser's localStorage so that a reload or Back
keeps it. Its fields have the case page's names and are read by the case page's own validators
(cases/entry.py `read_entry`), so the counter later reads exactly what the phone accepted; each step shows
only the errors of its own fields. The questions are the navigator's: the rules engine's plan for the
household so far, asking what still decides a procedure.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from madoguchi.cases.entry import (
    ACCOUNT_PARTS,
    ADDRESS_PARTS,
    FIELD_LABELS,
    Entry,
    read_entry,
)
from madoguchi.cases.models import Case
from madoguchi.catalog.service import current_catalog
from madoguchi.navigator.locations import locate
from madoguchi.organization.models import Office, Queue
from madoguchi.preparation import actions, codes, qr
from madoguchi.preparation.intake import record_from_details
from madoguchi.printing.casefile import household_facts
from madoguchi.reservations.actions import BookingError, Resident, do_book
from madoguchi.reservations.models import Reservation
from madoguchi.rules.engine import ASK, REQUIRED, Plan, PlannedProcedure, make_plan
from madoguchi.rules.facts import FACTS, Kind, labels
from madoguchi.rules.household import InvalidFacts, settled_facts
from madoguchi.staff.throttling import client_ip
from madoguchi.ui.inputs import BadInput, parse_json

EVENTS = ("tennyu", "tenkyo", "tenshutsu", "shussei", "shibou")
EVENT_LABELS = {
    "tennyu": gettext_lazy("引越しで市内に転入する"),
    "tenkyo": gettext_lazy("市内で引越しをする"),
    "tenshutsu": gettext_lazy("市外へ転出する"),
    "shussei": gettext_lazy("子どもが生まれた"),
    "shibou": gettext_lazy("家族が亡くなった"),
}
STEPS = ("event", "people", "address", "questions", "plan", "visit")
STEP_LABELS = {
    "event": gettext_lazy("手続のきっかけ"),
    "people": gettext_lazy("世帯の方"),
    "address": gettext_lazy("住所・連絡先"),
    "questions": gettext_lazy("質問"),
    "plan": gettext_lazy("必要な手続"),
    "visit": gettext_lazy("来庁の予定"),
}
MAX_DRAFT_BYTES = 64 * 1024
MAX_PEOPLE = 10
PERSON_INPUTS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "sex",
    "relationship",
    "nationality",
    "name_roman",
    "health_insurance",
    "previous_school",
)
SEXES = (("male", gettext_lazy("男性")), ("female", gettext_lazy("女性")))
MOVED_FROM = (
    ("other_municipality", gettext_lazy("日本国内のほかの市区町村")),
    ("abroad", gettext_lazy("外国")),
)


@dataclass
class Draft:
    """The preparation as typed so far: the case page's form values, the event and the visit."""

    id: str
    event: str
    values: dict[str, str]
    visit: dict[str, str]

    @property
    def people(self) -> list[int]:
        return sorted(
            {int(k.split("-")[1]) for k in self.values if k.startswith("p-") and k.split("-")[1].isdigit()}
        )

    def as_json(self) -> str:
        return json.dumps(
            {"id": self.id, "event": self.event, "values": self.values, "visit": self.visit},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def entry(self) -> Entry:
        data = QueryDict(mutable=True)
        for key, value in self.values.items():
            data[key] = value
        data["notifier"] = self.values.get("notifier", "0")
        for index in self.people:
            data[f"p-{index}-subject"] = "on"
        return read_entry(Case(event=self.event), data)


def _draft(request: HttpRequest) -> Draft:
    """The draft the page sent back; a tampered one is refused (BadInput, 400) rather than half-read."""
    raw = request.POST.get("draft", "")
    if not raw:
        return Draft(id=str(uuid.uuid4()), event="", values={}, visit={})
    data = parse_json(raw, field="draft", max_bytes=MAX_DRAFT_BYTES)
    if not isinstance(data, dict):
        raise BadInput("draft", _("入力内容を読み取れません。最初からやり直してください。"))
    values, visit = data.get("values", {}), data.get("visit", {})
    try:
        draft_id = str(uuid.UUID(str(data.get("id", ""))))
    except ValueError:
        draft_id = ""
    if (
        not draft_id
        or data.get("event", "") not in ("", *EVENTS)
        or not isinstance(values, dict)
        or not isinstance(visit, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in {**values, **visit}.items())
    ):
        raise BadInput("draft", _("入力内容を読み取れません。最初からやり直してください。"))
    return Draft(id=draft_id, event=data.get("event", ""), values=values, visit=visit)


def _step_fields(draft: Draft, step: str) -> tuple[str, ...]:
    """The form fields a step asks (their errors are shown there, the others' on their own step)."""
    if step == "event":
        return ("event_date", "funeral_date")
    if step == "people":
        return ("people", "notifier", *[f"p-{i}-{f}" for i in draft.people for f in PERSON_INPUTS])
    if step == "address":
        return (
            *[f"addr-{p}" for p in ADDRESS_PARTS],
            *[f"prev-{p}" for p in ADDRESS_PARTS],
            "prev-municipality",
            "addr-municipality",
            "moved_from",
            "contact_phone",
            *[f"bank-{p}" for p in ACCOUNT_PARTS],
        )
    return ()


def _take(draft: Draft, post: QueryDict, step: str) -> None:
    """The step's POSTed fields into the draft (text bounded by the case page's own length checks)."""
    if step == "event":
        event = post.get("event", "")
        if event in EVENTS:
            draft.event = event
        for name in ("event_date", "funeral_date"):
            if name in post:
                draft.values[name] = post.get(name, "")[:40]
    elif step in ("people", "address", "questions"):
        prefixes = {
            "people": ("p-",),
            "address": ("addr-", "prev-", "bank-", "moved_from", "contact_phone"),
            "questions": ("h-",),
        }[step]
        for key in post:
            if key.startswith(prefixes) or (step == "questions" and "-f-" in key):
                if step == "people" and "-f-" in key:
                    continue
                draft.values[key] = post.get(key, "")[:200]
        if step == "people":
            removed = {key.split("-")[1] for key in post if key.startswith("p-") and key.endswith("-remove")}
            for key in [k for k in draft.values if k.startswith("p-") and k.split("-")[1] in removed]:
                del draft.values[key]
    elif step == "visit":
        for name in ("office", "date", "slot"):
            draft.visit[name] = post.get(name, "")[:40]


def _errors(draft: Draft, step: str) -> dict[str, str]:
    if step == "event" and draft.event not in EVENTS:
        return {"event": _("手続のきっかけを選んでください。")}
    if step == "people" and not draft.people:
        return {"people": _("世帯の方を1人以上入力してください。")}
    entry = draft.entry()
    fields = _step_fields(draft, step)
    errors = {name: str(message) for name, message in entry.errors.items() if name in fields}
    if step == "people" and not errors:
        errors.update(_people_rules(draft))
    return errors


def _people_rules(draft: Draft) -> dict[str, str]:
    """What the phone asks beyond the case page: a notifier (the first person) of 15 or more."""
    first = draft.people[0]
    if draft.values.get(f"p-{first}-relationship") not in ("head", "spouse", "parent", "other"):
        return {f"p-{first}-relationship": _("1人目は、届け出る方（世帯主など）にしてください。")}
    return {}


def _facts(details: Any, event: str) -> dict[str, Any]:
    record = record_from_details(details, event=event, draft_id=str(uuid.uuid4()), language="ja", visit={})
    facts = household_facts(record)
    for member, data in zip(facts["members"], record["members"], strict=True):
        birth = date.fromisoformat(data["birth_date"])
        member.update(settled_facts(data["sex"], birth, details.event_date))
    return facts


def _plan(draft: Draft) -> tuple[Plan | None, Entry]:
    entry = draft.entry()
    if entry.details is None:
        return None, entry
    try:
        return make_plan(current_catalog(), _facts(entry.details, draft.event)), entry
    except InvalidFacts:
        return None, entry


def _name(draft: Draft, index: int) -> str:
    family, given = (
        draft.values.get(f"p-{index}-family_name", ""),
        draft.values.get(f"p-{index}-given_name", ""),
    )
    return f"{family} {given}".strip()


def _question_fields(draft: Draft, plan: Plan) -> list[dict[str, Any]]:
    """The plan's open questions as fields, each with the person it is about."""
    names = {draft.values.get(f"p-{i}-member_id", f"m{i + 1}"): _name(draft, i) for i in draft.people}
    index_of = {draft.values.get(f"p-{i}-member_id", f"m{i + 1}"): i for i in draft.people}
    english = translation.get_language().startswith("en")
    fields = []
    for question in plan.questions:
        if question.fact == "moved_from.kind":
            continue
        fact = FACTS[question.fact]
        if question.member_id is None:
            name = f"h-{fact.key}"
        else:
            name = f"p-{index_of.get(question.member_id, 0)}-f-{fact.key}"
        if fact.kind is Kind.ENUM:
            choices = (
                list(labels(fact.key, translation.get_language()).items())
                if fact.key
                in (
                    "school",
                    "health_insurance",
                    "relationship",
                )
                else list(fact.values.items())
            )
        else:
            choices = [("yes", _("はい")), ("no", _("いいえ"))]
        text = (fact.question_en if english and fact.question_en else fact.question_ja) or (
            fact.label_en if english else fact.label_ja
        )
        who = names.get(question.member_id or "", "")
        fields.append(
            {
                "name": name,
                "label": _("%(who)sさん：%(question)s") % {"who": who, "question": text} if who else text,
                "text": text,
                "choices": choices,
                "value": draft.values.get(name, ""),
            }
        )
    return fields


def _field(draft: Draft, errors: dict[str, str], name: str, label: Any, **options: Any) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "value": draft.values.get(name, ""),
        "error": errors.get(name, ""),
        **options,
    }


def _people_rows(draft: Draft, errors: dict[str, str]) -> list[dict[str, Any]]:
    language = translation.get_language()
    rows = []
    for position, index in enumerate(draft.people, start=1):
        p = f"p-{index}-"

        def field(name: str, label: Any, prefix: str = p, **options: Any) -> dict[str, Any]:
            return _field(draft, errors, prefix + name, label, **options)

        foreign = draft.values.get(p + "nationality", "JP") not in ("", "JP")
        rows.append(
            {
                "index": index,
                "position": position,
                "member_id": draft.values.get(p + "member_id", f"m{index + 1}"),
                "names": [
                    field(
                        "family_name",
                        _("氏"),
                        required=True,
                        autocomplete="family-name" if position == 1 else "off",
                    ),
                    field(
                        "given_name",
                        _("名"),
                        required=True,
                        autocomplete="given-name" if position == 1 else "off",
                    ),
                    field("family_name_kana", _("氏（フリガナ）"), help=_("カタカナで入力してください。")),
                    field("given_name_kana", _("名（フリガナ）")),
                    field(
                        "birth_date",
                        _("生年月日"),
                        type="date",
                        required=True,
                        help=_("例：1985-04-01（和暦でも入力できます：昭和60年4月1日）"),
                    ),
                ],
                "sex": field("sex", _("性別"), choices=SEXES, required=True),
                "relationship": field(
                    "relationship",
                    _("続柄（世帯主から見て）"),
                    choices=list(labels("relationship", language).items()),
                ),
                "nationality": field(
                    "nationality",
                    _("国籍（2文字の国名コード）"),
                    help=_("日本国籍の方は JP のままにしてください。例：VN（ベトナム）、CN（中国）"),
                ),
                "name_roman": field(
                    "name_roman",
                    _("氏名（ローマ字、在留カードのとおり）"),
                    required=foreign,
                    autocomplete="name" if position == 1 else "off",
                ),
                "insurance": field(
                    "health_insurance",
                    _("健康保険"),
                    choices=list(labels("health_insurance", language).items()),
                ),
                "school": field("previous_school", _("前の学校名（転校するお子さん）")),
            }
        )
    return rows


def _address_fields(draft: Draft, errors: dict[str, str]) -> dict[str, Any]:
    parts = {
        "postal_code": (_("郵便番号（7桁）"), {"inputmode": "numeric", "autocomplete": "postal-code"}),
        "prefecture": (_("都道府県"), {"autocomplete": "address-level1"}),
        "city": (_("市区町村"), {"autocomplete": "address-level2"}),
        "town": (_("町名・丁目"), {"autocomplete": "address-line1"}),
        "block": (_("番地・号"), {"autocomplete": "address-line2"}),
        "building": (_("建物名・部屋番号"), {"autocomplete": "address-line3"}),
    }
    new = [_field(draft, errors, f"addr-{k}", label, **o) for k, (label, o) in parts.items()]
    previous = [_field(draft, errors, f"prev-{k}", label) for k, (label, _o) in parts.items()] + [
        _field(draft, errors, "prev-municipality", _("市区町村（団体コードまたは名称、わかれば）"))
    ]
    bank = [
        _field(draft, errors, "bank-bank", _("金融機関名")),
        _field(draft, errors, "bank-branch", _("支店名")),
        _field(
            draft,
            errors,
            "bank-kind",
            _("預金種目"),
            choices=[("ordinary", _("普通")), ("current", _("当座"))],
        ),
        _field(draft, errors, "bank-number", _("口座番号（7桁）"), inputmode="numeric"),
        _field(draft, errors, "bank-holder_kana", _("口座名義（カタカナ）")),
    ]
    return {
        "address_fields": new,
        "previous_fields": previous,
        "bank_fields": bank,
        "moved_from": _field(draft, errors, "moved_from", _("転入する前の住所"), choices=MOVED_FROM),
        "phone": _field(
            draft, errors, "contact_phone", _("日中に連絡がつく電話番号"), type="tel", autocomplete="tel"
        ),
    }


def _offices() -> list[Office]:
    return list(Office.objects.filter(queues__code=Queue.ONE_STOP_CODE).distinct().order_by("pk"))


def _context(draft: Draft, step: str, errors: dict[str, str], **extra: Any) -> dict[str, Any]:
    position = STEPS.index(step) + 1 if step in STEPS else len(STEPS) + 1
    summary = [
        (name, str(FIELD_LABELS.get(name.split("-", 2)[-1] if name.startswith("p-") else name, "")), message)
        for name, message in errors.items()
    ]
    return {
        "draft": draft,
        "draft_json": draft.as_json(),
        "step": step,
        "steps": [(s, STEP_LABELS[s]) for s in STEPS],
        "position": position,
        "total": len(STEPS) + 1,
        "errors": errors,
        "error_summary": summary,
        "events": [(e, EVENT_LABELS[e]) for e in EVENTS],
        "event_label": EVENT_LABELS.get(draft.event, ""),
        "values": draft.values,
        "people": _people_rows(draft, errors),
        **_address_fields(draft, errors),
        "event_date": _field(
            draft,
            errors,
            "event_date",
            _("届出の事由が生じた日（引越しの日・生まれた日など）"),
            type="date",
            required=True,
        ),
        "funeral_date": _field(
            draft, errors, "funeral_date", _("葬儀を行った日（済んでいれば）"), type="date"
        ),
        "sexes": SEXES,
        "moved_from_choices": MOVED_FROM,
        "is_move": draft.event in ("tennyu", "tenkyo", "tenshutsu"),
        "offices": _offices(),
        "languages": settings.LANGUAGES,
        **extra,
    }


def _render(
    request: HttpRequest, draft: Draft, step: str, errors: dict[str, str], **extra: Any
) -> HttpResponse:
    context = _context(draft, step, errors, **extra)
    if step == "questions":
        plan, _entry = _plan(draft)
        context["questions"] = _question_fields(draft, plan) if plan else []
    if step in ("plan", "visit"):
        plan, _entry = _plan(draft)
        context.update(_plan_context(plan, draft))
    if step == "visit":
        context.update(_slots(draft))
    response = render(request, "preparation/phone.html", context, status=400 if errors else 200)
    response["Cache-Control"] = "no-store"
    return response


# procedures whose form asks for the bank account an allowance is paid to (catalog/data/forms)
PAID_TO_AN_ACCOUNT = frozenset(
    {"jido-teate-nintei", "jido-teate-gaku-kaitei", "kokuho-sosaihi", "koki-koreisha-sosaihi"}
)


def _plan_context(plan: Plan | None, draft: Draft | None = None) -> dict[str, Any]:
    if plan is None:
        return {"plan": None}
    needs_account = bool(PAID_TO_AN_ACCOUNT & set(plan.codes(REQUIRED)))
    account_missing = needs_account and draft is not None and not draft.values.get("bank-number")
    locations = locate(plan, Office.objects.order_by("pk").first())
    required = [p for p in plan.procedures if p.status == REQUIRED]
    ask = [p for p in plan.procedures if p.status == ASK]

    def items(procedures: list[PlannedProcedure]) -> list[dict[str, Any]]:
        return [{"procedure": p, "location": locations[p.code], "who": ""} for p in procedures]

    return {
        "plan": plan,
        "required": items(required),
        "ask": items(ask),
        "online": items([p for p in required if p.online]),
        "total_minutes": plan.total_minutes,
        "account_missing": account_missing,
    }


def _slots(draft: Draft) -> dict[str, Any]:
    from madoguchi.reservations.actions import available_slots

    office = Office.objects.filter(code=draft.visit.get("office", "")).first()
    day = _day(draft.visit.get("date", ""))
    queue = Queue.objects.filter(office=office, code=Queue.ONE_STOP_CODE).first() if office else None
    slots = [s for s in available_slots(queue, day) if s.remaining] if queue and day else []
    return {"chosen_office": office, "chosen_day": day, "slots": slots}


def _day(text: str) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    today = timezone.localdate()
    return day if today <= day <= today + timedelta(days=90) else None


def _language(request: HttpRequest) -> str | None:
    choice = request.POST.get("language", "")
    return choice if choice in {code for code, _name in settings.LANGUAGES} else None


@require_http_methods(["GET", "POST"])
def prepare(request: HttpRequest) -> HttpResponse:
    """Every step of the preparation: the step the page came from is `step`, the button pressed `go`."""
    if request.method == "GET":
        return _render(request, Draft(id=str(uuid.uuid4()), event="", values={}, visit={}), "event", {})
    draft = _draft(request)
    step = request.POST.get("step", "event")
    if step not in STEPS:
        step = "event"
    go = request.POST.get("go", "next")
    if go == "stay":  # the draft restored from the browser's storage: shown as it was left
        return _render(request, draft, step, {})
    _take(draft, request.POST, step)
    language = _language(request)
    if language:  # the language changes on the same step, the draft kept
        translation.activate(language)
        response = _render(request, draft, step, {})
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response
    index = STEPS.index(step)
    if go == "back":
        return _render(request, draft, STEPS[max(0, index - 1)], {})
    if go == "slots" and step == "visit":  # the times of the chosen office and day
        return _render(request, draft, step, {})
    if go == "add_person" and step == "people":
        if len(draft.people) < MAX_PEOPLE:
            new = max(draft.people, default=-1) + 1
            draft.values[f"p-{new}-member_id"] = f"m{new + 1}"
            draft.values[f"p-{new}-nationality"] = "JP"
        return _render(request, draft, step, {})
    if go.startswith("remove-") and step == "people":
        removed = go.removeprefix("remove-")
        for key in [k for k in draft.values if k.startswith(f"p-{removed}-")]:
            del draft.values[key]
        return _render(request, draft, step, {})
    if step == "event" and not draft.people:
        draft.values.update({"p-0-member_id": "m1", "p-0-relationship": "head", "p-0-nationality": "JP"})
    errors = _errors(draft, step)
    if errors:
        return _render(request, draft, step, errors)
    if step == "questions":
        plan, _entry = _plan(draft)
        if (
            plan is not None
            and _question_fields(draft, plan)
            and any(not draft.values.get(f["name"]) for f in _question_fields(draft, plan))
        ):
            return _render(request, draft, step, {"questions": _("すべての質問に答えてください。")})
    if step == "visit":
        return _finish(request, draft)
    return _render(request, draft, STEPS[index + 1], {})


def _finish(request: HttpRequest, draft: Draft) -> HttpResponse:
    entry = draft.entry()
    if entry.details is None:
        first = next(iter(entry.errors))
        back = next((s for s in STEPS if first in _step_fields(draft, s)), "people")
        return _render(request, draft, back, {k: str(v) for k, v in entry.errors.items()})
    office = Office.objects.filter(code=draft.visit.get("office", "")).first()
    visit: dict[str, str] = {}
    day = _day(draft.visit.get("date", ""))
    if office is not None:
        visit["office"] = office.code
        if day is not None:
            visit["date"] = day.isoformat()
    language = translation.get_language() or settings.LANGUAGE_CODE
    if office is not None and day is not None and draft.visit.get("slot"):
        try:
            visit["reservation"] = _book(request, draft, office, day, entry, language)
        except BookingError as refused:
            return _render(request, draft, "visit", {"slot": refused.message})
    record = record_from_details(
        entry.details, event=draft.event, draft_id=draft.id, language=language, visit=visit
    )
    try:
        finished = actions.do_finish(Resident(office_code=office.code if office else ""), record)
    except codes.CodeRefused:
        return _render(
            request, draft, "visit", {"visit": _("この事前入力はすでに窓口で受け付けられています。")}
        )
    symbols = qr.symbols(finished.texts)
    images = [
        qr.svg(symbol, title=_("事前入力のQRコード %(n)s/%(total)s") % {"n": n, "total": len(symbols)})
        for n, symbol in enumerate(symbols, start=1)
    ]
    plan, _entry = _plan(draft)
    context = _context(draft, "done", {}, codes=list(zip(images, finished.texts, strict=True)))
    context.update(_plan_context(plan, draft))
    context["expires"] = timezone.localtime(finished.visit.expires_at)
    context["visit"] = finished.visit
    response = render(request, "preparation/phone_done.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _book(request: HttpRequest, draft: Draft, office: Office, day: date, entry: Entry, language: str) -> str:
    """Book the chosen slot for the visit (once per draft: finishing again returns the same booking)."""
    try:
        start = time.fromisoformat(draft.visit.get("slot", ""))
    except ValueError:
        raise BookingError({"slot": _("時間を選び直してください。")}) from None
    assert entry.details is not None  # noqa: S101 (checked by _finish)
    notifier = next((p for p in entry.details.people if p.is_notifier), entry.details.people[0])
    name_kana = f"{notifier.family_name_kana}　{notifier.given_name_kana}".strip("　")
    if not name_kana or not entry.details.contact_phone:
        raise BookingError(
            {
                "slot": _(
                    "予約には、届け出る方のフリガナと電話番号が必要です。「世帯の方」「住所・連絡先」で入力してください。"
                )
            }
        )
    queue = Queue.objects.get(office=office, code=Queue.ONE_STOP_CODE)
    reservation = do_book(
        Resident(office.code),
        queue=queue,
        day=day,
        start=start,
        name_kana=name_kana,
        phone=entry.details.contact_phone,
        purpose=str(EVENT_LABELS.get(draft.event, "")),
        channel=Reservation.Channel.RESIDENT,
        language=language,
        source_address=client_ip(request),
        request_key="prepare-" + draft.id,
    )
    return reservation.code


@require_POST
def code_png(request: HttpRequest) -> HttpResponse:
    """One symbol of a finished code as a PNG, to save or print (the text is sealed: no personal data)."""
    text = request.POST.get("code", "")[:4000]
    try:
        codes.scan([text])
    except codes.CodeRefused:
        return HttpResponse(_("QRコードを作れません。"), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(qr.png(qr.symbols([text])[0], scale=8), content_type="image/png")
    response["Content-Disposition"] = 'attachment; filename="madoguchi-qr.png"'
    response["Cache-Control"] = "no-store"
    return response
