"""The clerk's interview screen: answer the questions that matter, watch the plan, print the checklist."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from madoguchi.catalog.service import current_catalog
from madoguchi.navigator.interview import InterviewState, facts_from_state, initial_state, state_from_post
from madoguchi.navigator.locations import locate
from madoguchi.rules.catalog import Catalog
from madoguchi.rules.engine import ASK, REQUIRED, Plan, make_plan
from madoguchi.rules.facts import EVENTS, FACTS, VOCABULARIES, Kind, labels
from madoguchi.rules.household import InvalidFacts
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability, staff_for
from madoguchi.staff.roles import HANDLE_CASE, HANDLE_DEPARTMENT_PROCEDURE
from madoguchi.ui.htmx import HtmxHttpRequest
from madoguchi.ui.languages import is_english, shown

MEMBER_PATH = re.compile(r"^members\[(\d+)\]\.?(\w*)")


def _event(event: str) -> str:
    if event not in EVENTS:
        raise Http404
    return event


@login_required
def start(request: HttpRequest) -> HttpResponse:
    staff_for(request, HANDLE_CASE, HANDLE_DEPARTMENT_PROCEDURE)
    catalog = current_catalog()
    return render(request, "navigator/start.html", {"life_events": catalog.life_events})


def _fact_field(fact_name: str, member_id: str | None, state: InterviewState) -> dict[str, Any]:
    fact = FACTS[fact_name]
    if member_id is None:
        name, value = f"h-{fact.key}", state.household.get(fact.key, "")
    else:
        member = next(m for m in state.members if m.member_id == member_id)
        name, value = f"m-{member.index}-f-{fact.key}", member.answers.get(fact.key, "")
    english = is_english()
    if fact.kind is Kind.ENUM:
        vocabulary = fact.key if fact.key in VOCABULARIES else None
        choices = list(
            (labels(vocabulary, translation.get_language()) if vocabulary else fact.values).items()
        )
    else:
        choices = [("yes", str(_("はい"))), ("no", str(_("いいえ")))]
    label = fact.label_en if english and fact.label_en else fact.label_ja
    return {
        "fact": fact,
        "label": label,
        "name": name,
        "value": value,
        "choices": choices,
        "member_id": member_id,
    }


def _event_label(catalog: Catalog, event: str) -> str:
    """The life event's name from the catalog, in the active language."""
    for named in catalog.life_events:
        if named.code == event:
            return shown(None, named.name_ja, named.name_en, named.name_easy)[0]
    return labels("event", translation.get_language())[event]


def _grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions grouped by fact (one heading, one row per member), most decisive facts first."""
    groups: dict[str, dict[str, Any]] = {}
    for item in items:
        group = groups.setdefault(
            item["fact"].name, {"fact": item["fact"], "label": item["label"], "items": [], "decides": set()}
        )
        group["items"].append(item)
        group["decides"].update(item.get("decides", ()))
    return sorted(groups.values(), key=lambda g: -len(g["decides"]))


# What the clerk reads for each problem the household facts can have (never the validator's own words).
FIELD_MESSAGES = {
    "birth_date": _("生年月日が正しくありません。"),
    "relationship": _("続柄を選んでください。"),
    "event_date": _("届出日（異動日）が正しくありません。"),
    "subject_member_ids": _("届出の対象となる方を選んでください。"),
    "members": _("世帯主は1人だけ選んでください。"),
}
SEMANTIC_MESSAGES = {
    "birth date is after the event date": _("生年月日が届出日（異動日）より後になっています。"),
}


def _message(field: str, raw: str) -> str:
    return str(SEMANTIC_MESSAGES.get(raw) or FIELD_MESSAGES.get(field) or _("入力内容を確認してください。"))


def _blank(state: InterviewState) -> bool:
    """Still being filled in: a date, a birth date or a relationship is empty. No plan yet, and no error for
    what nobody has typed so far (the panel says what to enter)."""
    return not state.event_date or any(not m.birth_date or not m.relationship for m in state.members)


def interview_context(request: HttpRequest, state: InterviewState, staff: Staff) -> dict[str, Any]:
    """What the interview screen shows for `state`: the questions that still decide something, the plan,
    the problems by member. The standalone navigator and a case's interview (cases.views) both use it."""
    return _context(request, state, staff)


def _context(request: HttpRequest, state: InterviewState, staff: Staff) -> dict[str, Any]:
    member_errors: dict[int, dict[str, str]] = {}
    form_errors: dict[str, str] = {}
    plan: Plan | None = None
    catalog = current_catalog()
    try:
        plan = None if _blank(state) else make_plan(catalog, facts_from_state(state))
    except InvalidFacts as error:
        for problem in error.errors:
            match = MEMBER_PATH.match(problem.path)
            if match and int(match.group(1)) < len(state.members):
                member = state.members[int(match.group(1))]
                field = match.group(2) or "id"
                member_errors.setdefault(member.index, {})[field] = _message(field, problem.message)
            else:
                field = problem.path.split(".")[0].split("[")[0]
                form_errors[field] = _message(field, problem.message)
    # Questions: the facts already answered stay on screen; the plan adds the ones still deciding something.
    asked: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    for member in state.members:
        for key in member.answers:
            seen.add((f"member.{key}", member.member_id))
            asked.append(_fact_field(f"member.{key}", member.member_id, state))
    for key in state.household:
        seen.add((f"household.{key}", None))
        asked.append(_fact_field(f"household.{key}", None, state))
    open_questions = []
    if plan is not None:
        for question in plan.questions:
            if question.fact == "moved_from.kind" or (question.fact, question.member_id) in seen:
                continue
            item = _fact_field(question.fact, question.member_id, state)
            item["decides"] = question.decides
            open_questions.append(item)
    names = state.names()
    for item in asked + open_questions:
        item["who"] = names.get(item["member_id"] or "", "")
    for member in state.members:
        member.errors = member_errors.get(member.index, {})
    locations = locate(plan, staff.office) if plan else {}

    separator, colon = (", ", ": ") if get_language().startswith("en") else ("、", "：")

    def waits_for(code: str) -> list[str]:
        """The open questions an undecided procedure waits for, each with the person it is about."""
        return [
            f"{item['who']}{colon}{item['label']}" if item["who"] else item["label"]
            for item in open_questions
            if code in item["decides"]
        ]

    def items(status: str) -> list[dict[str, Any]]:
        return [
            {
                "procedure": p,
                "location": locations[p.code],
                "who": separator.join(names.get(m, m) for m in p.member_ids),
                "waits_for": waits_for(p.code) if status == ASK else [],
            }
            for p in (plan.procedures if plan else ())
            if p.status == status
        ]

    return {
        "state": state,
        "question_groups": _grouped(open_questions),
        "answered_groups": _grouped(asked),
        "event_label": _event_label(catalog, state.event),
        "plan": plan,
        "required": items(REQUIRED),
        "ask": items(ASK),
        "answered": asked,
        "open_questions": open_questions,
        "form_errors": form_errors,
        "relationships": list(labels("relationship", translation.get_language()).items()),
        "insurances": list(labels("health_insurance", translation.get_language()).items()),
        "schools": list(labels("school", translation.get_language()).items()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def interview(request: HtmxHttpRequest, event: str) -> HttpResponse:
    staff = staff_for(request, HANDLE_CASE, HANDLE_DEPARTMENT_PROCEDURE)
    event = _event(event)
    if request.method == "POST":
        state = state_from_post(event, request.POST)
    else:
        state = initial_state(event, timezone.localdate())
    context = _context(request, state, staff)
    context.update(
        interview_url=reverse("navigator:interview", args=[event]),
        checklist_url=reverse("navigator:checklist", args=[event]),
        # a clerk who may open cases turns this interview into one (its answers are the case's facts)
        from_interview_url=reverse("cases:from-interview", args=[event])
        if has_capability(staff, HANDLE_CASE)
        else "",
    )
    template = "navigator/interview.html#workspace" if request.htmx else "navigator/interview.html"
    return render(request, template, context)


@login_required
@require_POST
def checklist(request: HttpRequest, event: str) -> HttpResponse:
    """The resident's checklist as a printable A4 page, in Japanese, English (lang=en) or やさしい日本語
    (lang=ja-easy); the catalog's texts in that language where the catalog has them (catalog_text)."""
    staff = staff_for(request, HANDLE_CASE, HANDLE_DEPARTMENT_PROCEDURE)
    state = state_from_post(_event(event), request.POST)
    language = request.POST.get("lang") if request.POST.get("lang") in {"en", "ja-easy"} else "ja"
    with translation.override(language):
        context = _context(request, state, staff)
        context["language"] = language
        context["printed_at"] = timezone.localtime()
        context["office"] = staff.office
        status = 200 if context["plan"] is not None else 400
        return render(request, "navigator/checklist.html", context, status=status)
