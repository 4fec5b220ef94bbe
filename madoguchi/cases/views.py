"""The one-stop case screens: open a case, enter each fact once, print the bundle, submit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import jaconv
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.audit.chain import record
from madoguchi.cases.access import require_case
from madoguchi.cases.actions import (
    ONE_STOP_COUNTER,
    CaseNotReady,
    CaseStateError,
    check_disclosure,
    do_cancel_case,
    do_create_case,
    do_mark_ready_for_signature,
    do_record_my_number_print,
    do_reopen_interview,
    do_reveal_my_number,
    do_save_case_details,
    do_submit_case,
)
from madoguchi.cases.casefile import case_file, household_facts
from madoguchi.cases.entry import (
    PERSON_FACTS,
    Entry,
    entry_from_case,
    note_clerk_changes,
    prepared_sources,
    read_entry,
)
from madoguchi.cases.interview import (
    InterviewNotReady,
    check_interview,
    details_from_interview,
    settle,
    state_from_case,
)
from madoguchi.cases.models import Case, Person
from madoguchi.cases.signing import SOURCE, Prepared, prepare, reception_date
from madoguchi.cases.states import CASE
from madoguchi.catalog.service import current_catalog
from madoguchi.center.models import WorkItem
from madoguchi.identity import postal, wareki
from madoguchi.identity.errors import InvalidInput
from madoguchi.identity.names import member_name
from madoguchi.navigator.interview import facts_from_state, state_from_post
from madoguchi.navigator.locations import locate
from madoguchi.navigator.views import interview_context
from madoguchi.printing.casefile import InvalidCase, read_case
from madoguchi.printing.forms import load_forms
from madoguchi.printing.render import Bundle, render_bundle
from madoguchi.registry.comparison import compare
from madoguchi.rules.engine import Plan, make_plan
from madoguchi.rules.facts import EVENTS, HOUSEHOLD_INPUT_FACTS, Kind, labels
from madoguchi.rules.household import InvalidFacts, legal_age
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability, staff_for
from madoguchi.staff.roles import CONSULT_REMOTE, HANDLE_CASE, REVEAL_MY_NUMBER
from madoguchi.submissions.actions import latest
from madoguchi.submissions.models import Submission, source_key
from madoguchi.ui.htmx import HtmxHttpRequest
from madoguchi.ui.languages import (
    DOCUMENT_LANGUAGES,
    document_language,
    english_date,
    html_lang,
    is_english,
    shown,
)

SCHOOL_LEAVING_AGE = (
    16  # 転入学届: children of compulsory school age (and a little over, for a late birthday)
)


def access_case(staff: Staff, case_id: UUID, *, granted: bool = False) -> Case:
    """A case of the staff member's own office, with its people (the page, plan and forms all read them).
    With `granted`, also a case another context lets them fill in now (cases.access: the expert of a
    consultation on it)."""
    case = get_object_or_404(Case.objects.select_related("office").prefetch_related("people"), pk=case_id)
    if granted:
        require_case(staff, case)
    elif case.office_id != staff.office_id:
        raise PermissionDenied(_("他の庁舎の受付案件は開けません。"))
    return case


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The office's recent cases with the household's name; `q` finds a case by its number or by any of its
    people's names, in kanji or in kana (hiragana, katakana, half-width)."""
    staff = staff_for(request, HANDLE_CASE)
    query = request.GET.get("q", "").strip()[:50]
    cases = Case.objects.filter(office=staff.office).exclude(state=Case.State.CANCELLED)
    if query:
        reading = jaconv.hira2kata(jaconv.h2z(query, kana=True))
        cases = cases.filter(
            Q(number__icontains=query)
            | Q(people__family_name__icontains=query)
            | Q(people__given_name__icontains=query)
            | Q(people__family_name_kana__icontains=reading)
            | Q(people__given_name_kana__icontains=reading)
        ).distinct()
    cases = cases.prefetch_related("people").order_by("-created_at")[:100]
    events = labels("event", get_language())
    rows = [(case, _household_name(case), events[case.event]) for case in cases]
    return render(request, "cases/list.html", {"rows": rows, "query": query, "events": list(events.items())})


def _household_name(case: Case) -> str:
    """Whom the case is about, as a clerk looks for it: the notifier, else the head, else the first person,
    with "ほか N 人" for the rest of the household."""
    people = list(case.people.all())
    if not people:
        return ""
    shown = next((p for p in people if p.is_notifier), None) or next(
        (p for p in people if p.relationship == "head"), people[0]
    )
    others = len(people) - 1
    return shown.full_name + (str(_("ほか%(n)s人") % {"n": others}) if others else "")


@login_required
@require_POST
def case_create(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request, HANDLE_CASE)
    event = request.POST.get("event", "")
    if event not in EVENTS or staff.office is None:
        messages.error(request, _("ライフイベントを選んでください。"))
        return redirect("cases:list")
    case = do_create_case(staff, office=staff.office, event=event, event_date=timezone.localdate())
    return redirect("cases:detail", case_id=case.pk)


def _plan(case: Case) -> tuple[Plan | None, str]:
    try:
        return make_plan(current_catalog(), household_facts(case)), ""
    except InvalidFacts as error:
        return None, "; ".join(f"{e.path}: {e.message}" for e in error.errors)


def _context(case: Case, entry: Entry, staff: Staff) -> dict[str, Any]:
    plan, plan_problem = _plan(case) if case.people.exists() else (None, "")
    locations = locate(plan, case.office) if plan else {}
    people = {p.member_id: p for p in case.people.all()}
    # what to see from the resident, under the procedure that first needs it (one box per distinct item)
    # (a box's value is the catalog's Japanese text, which the case keeps; its label is in the page language)
    documents: list[tuple[str, list[dict[str, str]], bool]] = []
    language = get_language()
    seen: set[str] = set()
    for procedure in plan.procedures if plan else ():
        english = dict(zip(procedure.documents, procedure.documents_en, strict=False))
        easy = dict(zip(procedure.documents, procedure.documents_easy, strict=False))
        fresh = [d for d in dict.fromkeys(procedure.documents) if d not in seen]
        seen.update(fresh)
        if fresh:
            name = shown(language, procedure.name_ja, procedure.name_en, procedure.name_easy)[0]
            items = [
                dict(
                    zip(
                        ("label", "lang"),
                        shown(language, d, english.get(d, ""), easy.get(d, "")),
                        strict=True,
                    )
                )
                | {"value": d}
                for d in fresh
            ]
            documents.append((name, items, any(d in case.documents_checked for d in fresh)))
    rows = []
    for index in entry.people:
        member_id = entry.value(f"p-{index}-member_id") or f"m{index + 1}"
        stored = people.get(member_id)
        # the previous school is asked of children (a person not saved yet may be one)
        child = stored is None or legal_age(stored.birth_date, case.event_date) < SCHOOL_LEAVING_AGE
        rows.append({"index": index, "member_id": member_id, "stored": stored, "child": child})
    planned = {p.code for p in plan.procedures} if plan else set()
    forms = load_forms()
    registry_records = [
        compare(p.family_name_kana, p.given_name_kana, p.birth_date, p.family_name, p.given_name)
        for p in people.values()
    ]
    return {
        "registry_records": registry_records,
        "case": case,
        "entry": entry,
        "rows": rows,
        "event_label": labels("event", get_language())[case.event],
        "plan": plan,
        "plan_problem": plan_problem,
        "required": [p for p in plan.procedures if p.status == "required"] if plan else [],
        "ask": [p for p in plan.procedures if p.status == "ask"] if plan else [],
        "locations": locations,
        "documents": documents,
        "document_languages": DOCUMENT_LANGUAGES,
        "relationships": list(labels("relationship", get_language()).items()),
        "insurances": list(labels("health_insurance", get_language()).items()),
        "schools": list(labels("school", get_language()).items()),
        "person_facts": [f for f in PERSON_FACTS if f.kind is Kind.BOOL],
        "household_facts": [f for f in HOUSEHOLD_INPUT_FACTS if f.kind is Kind.BOOL],
        # what only some forms need, asked when the plan prints one of them (or was given before)
        "asks_account": bool(case.payment_account)
        or bool(planned & forms.procedures_printing("bank_account.")),
        "asks_funeral": case.event == "shibou",
        "account_kinds": [("ordinary", _("普通")), ("current", _("当座"))],
        "can_reveal": has_capability(staff, REVEAL_MY_NUMBER),
        "people_with_numbers": [p for p in people.values() if p.has_my_number],
        "event_date_wareki": wareki.format_date(case.event_date),
        # the expert of a consultation fills the case in; printing and sending stay with the branch
        "steps": CASE.allowed(case) if has_capability(staff, HANDLE_CASE) else [],
        "handles_cases": has_capability(staff, HANDLE_CASE),
        "submissions": list(
            Submission.objects.filter(source=SOURCE, source_id=str(case.pk)).defer("bundle_pdf")
        ),
        "returns": WorkItem.objects.filter(
            source_key=source_key(SOURCE, str(case.pk)), status=WorkItem.Status.RETURNED
        ).select_related("queue"),
    }


@login_required
def case_detail(request: HttpRequest, case_id: UUID) -> HttpResponse:
    staff = staff_for(request)
    case = access_case(staff, case_id, granted=True)
    entry = entry_from_case(case)
    if not entry.people:
        # a new case starts with one row: the notifier, usually the head of household
        entry.people.append(0)
        entry.values.update({"p-0-subject": "on", "p-0-relationship": "head", "notifier": "0"})
    if request.method == "POST":
        if not case.editable:
            raise PermissionDenied(_("この受付案件は編集できません。"))
        entry = read_entry(case, request.POST)
        entry.sources = prepared_sources(case)
        adding = bool(request.POST.get("add_person"))
        if entry.details is not None:
            # Saving on "add a person" too keeps what was typed (a My Number is never sent back to the page).
            case = do_save_case_details(staff, case, entry.details)
            note_clerk_changes(case, request.POST)
            if not adding:
                messages.success(request, _("保存しました。"))
                return redirect("cases:detail", case_id=case.pk)
            entry = entry_from_case(case)
        if adding:
            next_index = max(entry.people, default=-1) + 1
            entry.people.append(next_index)
            entry.values[f"p-{next_index}-subject"] = "on"
            if entry.details is None:
                entry.errors = {}  # a row added to a form with mistakes: the mistakes show when saving
    # a refused POST is a 400; a GET of a prepared case with values to correct is the page asking for them
    status = 400 if entry.errors and request.method == "POST" else 200
    response = render(request, "cases/detail.html", _context(case, entry, staff), status=status)
    # personal data, and after a mistake the My Numbers typed in this request: never in a cache
    response["Cache-Control"] = "no-store"
    return response


def _prepared(request: HttpRequest, case: Case) -> Prepared | None:
    """The case planned and printed for signature, or None after telling the clerk why it cannot be."""
    try:
        return prepare(case, received_on=reception_date(case))
    except InvalidFacts as error:
        messages.error(request, "; ".join(f"{e.path}: {e.message}" for e in error.errors))
    except InvalidCase as error:
        messages.error(
            request, _("申請書を作成できません：") + "；".join(f"{e.path} {e.message}" for e in error.errors)
        )
    return None


@login_required
@require_POST
def case_ready(request: HttpRequest, case_id: UUID) -> HttpResponse:
    staff = staff_for(request, HANDLE_CASE)
    case = access_case(staff, case_id)
    prepared = _prepared(request, case)
    if prepared is not None:
        try:
            do_mark_ready_for_signature(staff, case, prepared)
        except (CaseNotReady, CaseStateError) as error:
            messages.error(request, error.message)
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_GET
def case_bundle(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """The forms to sign and the signature sheet as one PDF. Printing personal data is audited.

    While the interview goes on: a preview (with My Numbers for roles that may see them). Once ready for
    signature: exactly what the resident signs (the bytes whose SHA-256 was recorded). Once submitted: the
    signed PDF of the latest submission, as stored.
    """
    staff = staff_for(request, HANDLE_CASE)
    case = access_case(staff, case_id)
    back = reverse("cases:detail", args=[case.pk])
    if case.editable:
        return bundle_response(request, staff, case, back=back)
    if case.state == Case.State.READY_FOR_SIGNATURE:
        prepared = _prepared(request, case)
        if prepared is None:
            return redirect(back)
        if prepared.sha256 != case.bundle_sha256:
            messages.error(
                request,
                _(
                    "手続カタログが更新されたため、署名用の申請書が変わります。「聞き取りに戻る」から印刷し直してください。"
                ),
            )
            return redirect(back)
        return pdf_response(staff, case, prepared.signed.pdf, pages=prepared.signed.pages, signed=True)
    submission = latest(SOURCE, str(case.pk))
    if submission is None or not submission.bundle_pdf:
        messages.error(request, _("この受付案件には署名済みの申請書がありません。"))
        return redirect(back)
    return pdf_response(
        staff,
        case,
        bytes(submission.bundle_pdf),
        pages=submission.bundle_pages,
        signed=True,
        version=submission.version,
    )


def pdf_response(
    staff: Staff, case: Case, pdf: bytes, *, pages: int, signed: bool, version: int | None = None
) -> HttpResponse:
    extra: dict[str, Any] = {"pages": pages, "full_numbers": False, "signed": signed}
    if version is not None:
        extra["version"] = version
    record(staff, "case.print", case, extra=extra)
    return _pdf(case, pdf)


def _pdf(case: Case, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}.pdf"'
    response["Cache-Control"] = "no-store"  # personal data: never in a cache
    return response


def bundle_response(request: HttpRequest, staff: Staff, case: Case, *, back: str) -> HttpResponse:
    """A preview of the case's bundle as an inline PDF, audited. My Numbers are never on it, whatever the
    role: printing them takes a reason (`case_bundle_with_my_numbers`). A case that cannot be printed sends
    the reader `back` with the reasons."""
    bundle = _render(request, case, with_my_numbers=False)
    if bundle is None:
        return redirect(back)
    return pdf_response(staff, case, bundle.pdf, pages=bundle.pages, signed=False)


def _render(request: HttpRequest, case: Case, *, with_my_numbers: bool) -> Bundle | None:
    data = case_file(case, with_my_numbers=with_my_numbers) | {
        "received_on": reception_date(case).isoformat()
    }
    try:
        return render_bundle(read_case(data), current_catalog())
    except InvalidCase as error:
        messages.error(
            request, _("申請書を作成できません：") + "；".join(f"{e.path} {e.message}" for e in error.errors)
        )
        return None


@login_required
@require_POST
def case_bundle_with_my_numbers(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """The case's forms with every stored My Number in full, for a procedure that needs them on paper. Only
    roles that may reveal a number, only with a reason, and one audit entry naming whose numbers were
    printed, by whom and why."""
    staff = staff_for(request, HANDLE_CASE)
    case = access_case(staff, case_id)
    reason = request.POST.get("reason", "")
    try:
        check_disclosure(staff, reason=reason)
    except CaseNotReady as error:
        return render(request, "cases/print_refused.html", {"case": case, "error": error.message}, status=400)
    bundle = _render(request, case, with_my_numbers=True)
    if bundle is None:
        return redirect("cases:detail", case_id=case.pk)
    people = [person for person in case.people.all() if person.has_my_number]
    do_record_my_number_print(staff, case, reason=reason, people=people, pages=bundle.pages)
    return _pdf(case, bundle.pdf)


def receipt_name(member: dict[str, Any], language: str) -> dict[str, str]:
    """A member's name on the resident's copy: as written in the register, and, on a copy in English or
    in やさしい日本語, how to read it (the name in Latin letters the resident gave, else the kana)."""
    name = member_name(member)
    if language == settings.LANGUAGE_CODE:
        return {"name": name}
    kana = member_name(member, kana=True)
    roman = str(member.get("name_roman", "")).strip()
    if is_english(language) and roman:
        return {"name": name, "reading": roman, "reading_lang": "en"}
    return {"name": name, "reading": kana, "reading_lang": "ja"} if kana else {"name": name}


@login_required
@require_GET
def case_receipt(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """The resident's copy (控え) of what was submitted: reference, date, the household's names, the
    procedures taken in at this counter and those done elsewhere. No My Number, no phone number; printing
    it is audited as any print of personal data."""
    staff = staff_for(request, HANDLE_CASE)
    case = access_case(staff, case_id)
    submission = latest(SOURCE, str(case.pk))
    if submission is None:
        messages.error(request, _("送付した申請がまだありません。控えは送付の後に印刷できます。"))
        return redirect("cases:detail", case_id=case.pk)
    # in the resident's language (?lang=ja|en|ja-easy), whatever the clerk's screen; the case's by default
    language = document_language(request.GET.get("lang") or case.language)
    names = {m["id"]: receipt_name(m, language) for m in submission.data.get("members", [])}
    required = [p for p in submission.procedures() if p.get("status") == "required"]

    def rows(here: bool) -> list[dict[str, Any]]:
        return [
            {"p": p, "who": [names.get(m, {"name": m}) for m in p.get("member_ids", [])]}
            for p in required
            if (p.get("counter", ONE_STOP_COUNTER) == ONE_STOP_COUNTER) == here
        ]

    record(staff, "case.receipt", case, extra={"version": submission.version, "language": language})
    received = submission.received_on
    with translation.override(language):
        response = render(
            request,
            "cases/receipt.html",
            {
                "case": case,
                "submission": submission,
                "received_on": (english_date(received) if language == "en" else wareki.format_date(received)),
                "event_label": labels("event", language)[case.event],
                "people": list(names.values()),  # each {name, reading, reading_lang}
                "taken_in": rows(True),
                "elsewhere": rows(False),
                "printed_at": timezone.localtime(),
                "language": language,
                "html_lang": html_lang(language),
            },
        )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def case_transition(request: HttpRequest, case_id: UUID, action: str) -> HttpResponse:
    staff = staff_for(request, HANDLE_CASE)
    case = access_case(staff, case_id)
    try:
        if action == "submit":
            prepared = _prepared(request, case)
            if prepared is None:
                return redirect("cases:detail", case_id=case.pk)
            submission = do_submit_case(staff, case, prepared, note=request.POST.get("note", ""))
            if submission.version == 1:
                messages.success(request, _("集中事務センターへ送付しました。"))
            else:
                messages.success(
                    request,
                    _("訂正した内容（第%(v)s版）を集中事務センターへ送付しました。")
                    % {"v": submission.version},
                )
        elif action == "reopen":
            do_reopen_interview(staff, case)
        elif action == "cancel":
            do_cancel_case(staff, case, reason=request.POST.get("reason", ""))
            messages.success(request, _("受付案件を取り消しました。"))
        else:
            return HttpResponse(status=404)
    except (CaseNotReady, CaseStateError) as error:
        messages.error(request, error.message)
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_POST
def reveal_my_number(request: HttpRequest, case_id: UUID, person_id: UUID) -> HttpResponse:
    """A person's My Number in full, on a case this staff member may open (a department's staff do not
    open the counter's cases: they see what was handed over to them, without numbers)."""
    staff = staff_for(request, HANDLE_CASE)
    case = access_case(staff, case_id)
    person = get_object_or_404(Person, pk=person_id, case=case)
    try:
        number = do_reveal_my_number(staff, person, reason=request.POST.get("reason", ""))
    except CaseNotReady as error:
        return render(
            request,
            "cases/_my_number.html",
            {"person": person, "case": case, "error": error.message},
            status=400,
        )
    return render(request, "cases/_my_number.html", {"person": person, "case": case, "number": number})


@login_required
@require_GET
def postal_lookup(request: HttpRequest) -> JsonResponse:
    """Postal code → address candidates (bundled data; a postal code is not personal data). For whoever
    fills in a case: the one-stop staff, and the expert of a remote consultation."""
    staff_for(request, HANDLE_CASE, CONSULT_REMOTE)
    try:
        candidates = postal.lookup(request.GET.get("code", ""))
    except InvalidInput as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse(
        {
            "candidates": [
                {
                    "postal_code": c.postal_code,
                    "prefecture": c.prefecture,
                    "city": c.city,
                    "town": c.town,
                    "municipality_code": c.municipality_code,
                }
                for c in candidates
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_interview(request: HtmxHttpRequest, case_id: UUID) -> HttpResponse:
    """The navigator's interview on this case's people and facts. Changes re-plan as in the navigator; "save"
    stores the answers in the case (nothing is stored before)."""
    staff = staff_for(request)
    case = access_case(staff, case_id, granted=True)
    if not case.editable:
        messages.error(request, _("この受付案件は編集できません。"))
        return redirect("cases:detail", case_id=case.pk)
    if request.method == "POST":
        state = settle(state_from_post(case.event, request.POST), case)
    else:
        state = state_from_case(case)
    status = 200
    if request.method == "POST" and request.POST.get("save"):
        try:
            details = details_from_interview(case, state)
            make_plan(current_catalog(), facts_from_state(state))
        except InterviewNotReady as error:
            messages.error(request, error.message)
            status = 400
        except InvalidFacts:
            messages.error(
                request, _("聞き取りの内容に確認が必要な箇所があります。赤字の項目を直してください。")
            )
            status = 400
        else:
            do_save_case_details(staff, case, details)
            messages.success(request, _("聞き取りの内容を受付案件に保存しました。"))
            return redirect("cases:detail", case_id=case.pk)
    context = interview_context(request, state, staff)
    url = reverse("cases:interview", args=[case.pk])
    context.update(
        case=case,
        interview_url=url,
        save_url=url,
        checklist_url=reverse("navigator:checklist", args=[case.event]),
    )
    template = "navigator/interview.html#workspace" if request.htmx else "navigator/interview.html"
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def case_from_interview(request: HttpRequest, event: str) -> HttpResponse:
    """A case made from the navigator's interview: its answers and people (relationship, birth date) become
    the case's; the clerk then enters names and the rest on the case page."""
    staff = staff_for(request, HANDLE_CASE)
    if event not in EVENTS or staff.office is None:
        raise Http404
    state = state_from_post(event, request.POST)
    try:
        event_date = check_interview(state)
        make_plan(current_catalog(), facts_from_state(state))
    except (InterviewNotReady, InvalidFacts) as error:
        # the navigator again, with what was typed (it travels in the form) and what to fix
        message = (
            error.message if isinstance(error, InterviewNotReady) else _("聞き取りの内容を確認してください。")
        )
        messages.error(request, message)
        context = interview_context(request, state, staff)
        context.update(
            interview_url=reverse("navigator:interview", args=[event]),
            checklist_url=reverse("navigator:checklist", args=[event]),
            from_interview_url=reverse("cases:from-interview", args=[event]),
        )
        return render(request, "navigator/interview.html", context, status=400)
    case = do_create_case(staff, office=staff.office, event=event, event_date=event_date)
    details = details_from_interview(case, state)
    do_save_case_details(staff, case, details)
    messages.success(
        request, _("ナビの聞き取りから受付案件を作りました。氏名・性別と住所を入力してください。")
    )
    return redirect("cases:detail", case_id=case.pk)
