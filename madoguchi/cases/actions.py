"""Every write to a one-stop case. Each state change is an action with its own error and a timestamp."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from madoguchi.audit.chain import AuditActor, record
from madoguchi.broadcast.events import publish_on_commit
from madoguchi.cases import crypto
from madoguchi.cases.access import require_case
from madoguchi.cases.models import Case, CaseCounter, CaseTransition, Person
from madoguchi.cases.signing import SOURCE, Prepared
from madoguchi.cases.states import CASE, CaseStateError
from madoguchi.center.intake import hold_items, receive_submission
from madoguchi.organization.models import Office
from madoguchi.organization.sequences import next_in_sequence
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import HANDLE_CASE, REVEAL_MY_NUMBER, SUBMIT_CASE
from madoguchi.submissions.actions import create_submission
from madoguchi.submissions.models import Submission, source_key
from madoguchi.transactions import atomic_action, lock
from madoguchi.ui.languages import city_name, document_language, is_english, shown

State = Case.State
logger = logging.getLogger("madoguchi.cases")


class CaseNotReady(Exception):
    """The case lacks what the next state needs (e.g. a plan without unanswered questions)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class PersonDetails:
    """One person as the clerk entered it, already normalised by the input validators."""

    member_id: str
    relationship: str
    family_name: str
    given_name: str
    birth_date: date
    sex: str
    family_name_kana: str = ""
    given_name_kana: str = ""
    name_roman: str = ""
    nationality: str = "JP"
    my_number: str = ""  # empty: keep what is stored
    is_subject: bool = True
    is_notifier: bool = False
    health_insurance: str = ""
    previous_school: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


# Every field of PersonDetails is a column of Person, except the ones written apart: the member id (the
# row's key) and the My Number (stored encrypted, only when one was entered).
STORED_PERSON_FIELDS = tuple(
    f.name for f in fields(PersonDetails) if f.name not in {"member_id", "my_number"}
)


@dataclass
class CaseDetails:
    event_date: date
    address: dict[str, str]
    previous_address: dict[str, str]
    moved_from_kind: str
    contact_phone: str
    household_facts: dict[str, Any]
    people: list[PersonDetails]
    documents_checked: list[str] = field(default_factory=list)
    payment_account: dict[str, str] = field(default_factory=dict)  # all five parts, or none
    funeral_date: date | None = None
    language: str = settings.LANGUAGE_CODE  # what the resident reads: messages and their copy (控え)


def _transition(actor: AuditActor, case: Case, step: str) -> Case:
    """Lock the case, take the step (cases/states.py), record it. Call inside a transaction."""
    locked = lock(Case.objects.filter(pk=case.pk)).get()
    now = timezone.now()
    before, fields = CASE.apply(locked, step, now)
    locked.save(update_fields=[*fields, "updated_at"])
    CaseTransition.objects.create(
        case=locked, from_state=before, to_state=locked.state, at=now, actor=actor.audit_name
    )
    record(actor, CASE.event(step), locked, before={"state": before}, after={"state": locked.state})
    return locked


def _next_number(office: Office) -> str:
    """Case numbers per office and business day: chuo-20261124-0007. Locked counter row, no gaps."""
    today = timezone.localdate()
    number = next_in_sequence(CaseCounter, office=office, day=today)
    return f"{office.code}-{today:%Y%m%d}-{number:04d}"


@atomic_action
def do_create_case(
    actor: AuditActor, *, office: Office, event: str, event_date: date, language: str = settings.LANGUAGE_CODE
) -> Case:
    require(actor, HANDLE_CASE)
    case = Case.objects.create(
        number=_next_number(office),
        office=office,
        event=event,
        event_date=event_date,
        language=document_language(language),
        created_by=actor if isinstance(actor, Staff) else None,
    )
    record(actor, "case.create", case, after={"event": event, "office": office.code})
    return case


def case_channel(case_id: object) -> str:
    """The broadcast channel on which a case's changes are announced (to whoever has it open remotely)."""
    return f"case:{case_id}"


@atomic_action
def do_save_case_details(actor: AuditActor, case: Case, details: CaseDetails) -> Case:
    """Store what the clerk entered (each fact once). Starts the interview if the case was a draft. The
    expert of a consultation on the case may too (cases.access); whoever has the case open sees it."""
    require_case(actor, case)
    locked = lock(Case.objects.filter(pk=case.pk)).get()
    if not locked.editable:
        raise CaseStateError(locked, "interview")
    if CASE.allows(locked, "interview"):
        locked = _transition(actor, locked, "interview")
    locked.event_date = details.event_date
    locked.address = details.address
    locked.previous_address = details.previous_address
    locked.moved_from_kind = details.moved_from_kind
    locked.contact_phone = details.contact_phone
    locked.household_facts = details.household_facts
    locked.documents_checked = details.documents_checked
    locked.payment_account = details.payment_account
    locked.funeral_date = details.funeral_date
    locked.language = document_language(details.language)
    locked.save(
        update_fields=[
            "language",
            "payment_account",
            "funeral_date",
            "event_date",
            "address",
            "previous_address",
            "moved_from_kind",
            "contact_phone",
            "household_facts",
            "documents_checked",
            "updated_at",
        ]
    )
    existing = {p.member_id: p for p in locked.people.all()}
    kept: set[str] = set()
    for position, details_person in enumerate(details.people):
        person = existing.get(details_person.member_id) or Person(
            case=locked, member_id=details_person.member_id
        )
        for name in STORED_PERSON_FIELDS:
            setattr(person, name, getattr(details_person, name))
        person.position = position
        if details_person.my_number:
            person.my_number_encrypted = crypto.encrypt(details_person.my_number)
        person.save()
        if details_person.my_number:
            record(actor, "case.my_number.store", person, extra={"case": locked.number})
        kept.add(person.member_id)
    removed = [p for member_id, p in existing.items() if member_id not in kept]
    for person in removed:
        person.delete()
    record(
        actor,
        "case.details.save",
        locked,
        after={
            "people": len(details.people),
            "removed": len(removed),
            "documents": len(details.documents_checked),
        },
    )
    publish_on_commit(case_channel(locked.pk), lambda: {"type": "case", "case": str(locked.pk)})
    return locked


@atomic_action
def do_mark_ready_for_signature(actor: AuditActor, case: Case, prepared: Prepared) -> Case:
    """The plan is settled and the forms are printed (cases.signing.prepare): the resident signs next.
    What was printed is recorded (its SHA-256, the catalog version, the reception date) and checked again
    at submission."""
    require(actor, HANDLE_CASE)
    if prepared.asked:
        raise CaseNotReady(
            _("確認が済んでいない手続があります：%(names)s") % {"names": "、".join(prepared.asked)}
        )
    locked = _transition(actor, case, "ready")
    locked.received_on = prepared.signed.received_on
    locked.catalog_version = prepared.signed.catalog_version
    locked.bundle_sha256 = prepared.sha256
    locked.handwritten_entries_before = prepared.handwritten_before
    locked.handwritten_entries_now = prepared.handwritten_now
    locked.save(
        update_fields=[
            "received_on",
            "catalog_version",
            "bundle_sha256",
            "handwritten_entries_before",
            "handwritten_entries_now",
            "updated_at",
        ]
    )
    return locked


@atomic_action
def do_reopen_interview(actor: AuditActor, case: Case) -> Case:
    """Back from 署名待ち to the interview, e.g. when the resident corrects a fact before signing."""
    require(actor, HANDLE_CASE)
    return _transition(actor, case, "reopen")


@atomic_action
def do_submit_case(actor: AuditActor, case: Case, prepared: Prepared, *, note: str = "") -> Submission:
    """The resident signed: the case is stored as a submission and handed to the center (受付の事実行為).

    `prepared` is what cases.signing.prepare prints now, made before this transaction; it must be what was
    printed when the case became ready, or the resident would not have signed it.
    """
    require(actor, SUBMIT_CASE)
    # A correction moves the source's work items: LOCK_ORDER takes them before the case.
    held = hold_items(source_key(SOURCE, str(case.pk)))
    locked = lock(Case.objects.filter(pk=case.pk)).get()
    CASE.check(locked, "submit")
    if (
        locked.catalog_version != prepared.signed.catalog_version
        or locked.bundle_sha256 != prepared.sha256
        or locked.received_on != prepared.signed.received_on
    ):
        raise CaseNotReady(
            _(
                "署名のために印刷した申請書と、いま作成される申請書が一致しません（手続カタログの更新など）。"
                "「聞き取りに戻る」から印刷し直し、署名をもらってください。"
            )
        )
    submitted = _transition(actor, locked, "submit")
    signed = prepared.signed
    if note.strip():
        signed = replace(signed, note=note.strip())
    submission = create_submission(
        actor,
        source=SOURCE,
        source_id=str(submitted.pk),
        reference=submitted.number,
        office=submitted.office,
        signed=signed,
    )
    # The hand-off, in the same transaction: the center's work items exist if and only if it was submitted.
    receive_submission(actor, submission, held)
    return submission


def _case_of(submission: Submission) -> Case:
    return lock(Case.objects.filter(pk=submission.source_id)).get()


def case_returned(actor: AuditActor, submission: Submission, reason: str) -> None:
    """The center returned a work item of this case's latest submission: the ward corrects the case."""
    case = _case_of(submission)
    if CASE.allows(case, "return"):  # a second returned item finds the case being corrected already
        _transition(actor, case, "return")


ONE_STOP_COUNTER = "one_stop"  # a procedure's `counter` in the catalog: taken in at the one-stop counter


def completion_message(submission: Submission, number: str, summary: str) -> str:
    """What the resident is told when the center has finished: "all done" only when nothing of the signed
    plan is left to another counter (a department's or another office's); otherwise how many procedures
    the one-stop counter took in and which ones are done elsewhere, by name (as the checklist said)."""
    from madoguchi.rules.engine import REQUIRED

    required = [p for p in submission.procedures() if p.get("status") == REQUIRED]
    elsewhere = [p for p in required if p.get("counter", ONE_STOP_COUNTER) != ONE_STOP_COUNTER]
    city = {"city": city_name(), "number": number}
    if not elsewhere:
        body = _("%(city)sです。受付番号 %(number)s の手続はすべて完了しました。") % city
    else:
        body = _(
            "%(city)sです。受付番号 %(number)s のうち、お預かりした手続 %(done)s 件が完了しました。"
            "ほかの %(left)s 件（%(where)s）は、それぞれの窓口でのお手続きです。"
        ) % {
            **city,
            "done": len(required) - len(elsewhere),
            "left": len(elsewhere),
            "where": ("; " if is_english() else "、").join(
                shown(get_language(), p["name_ja"], p.get("name_en", ""), p.get("name_easy", ""))[0]
                for p in elsewhere
            ),
        }
    if summary:
        body += _("%(things)s を郵送します。") % {"things": summary}
    return str(body)


def case_completed(actor: AuditActor, submission: Submission, summary: str) -> None:
    """Every work item is done: the case is complete, and the resident is told in the same transaction."""
    from madoguchi.notifications.service import InvalidRecipient, notify

    case = _transition(actor, _case_of(submission), "complete")
    if not case.contact_phone:
        return
    # In the resident's language (the case's), whatever language the center's clerk reads their pages in
    # (the approving request's own language would otherwise write it).
    with translation.override(case.language or settings.LANGUAGE_CODE):
        body = completion_message(submission, case.number, summary)
    try:
        notify(
            channel="sms", to=case.contact_phone, body=body, topic="center.case_completed", ref=str(case.pk)
        )
    except InvalidRecipient:
        # A landline cannot receive SMS: nothing to send and nothing lost (the clerk saw it at entry).
        logger.info("case %s completed; its contact number cannot receive SMS", case.number)


@atomic_action
def do_cancel_case(actor: AuditActor, case: Case, *, reason: str) -> Case:
    require(actor, HANDLE_CASE)
    if not reason.strip():
        raise CaseNotReady(_("取消しの理由を入力してください。"))
    if Submission.objects.filter(source=SOURCE, source_id=str(case.pk)).exists():
        raise CaseNotReady(_("センターへ送付済みの受付案件は取り消せません。訂正して送付し直してください。"))
    locked = _transition(actor, case, "cancel")
    locked.cancel_reason = reason.strip()[:200]
    locked.save(update_fields=["cancel_reason", "updated_at"])
    return locked


@atomic_action
def do_reveal_my_number(actor: AuditActor, person: Person, *, reason: str) -> str:
    """Show a stored My Number in full. Only permitted roles; every reveal is in the audit log."""
    reason = check_disclosure(actor, reason=reason)
    if not person.has_my_number:
        raise CaseNotReady(_("個人番号は登録されていません。"))
    record(
        actor,
        "case.my_number.reveal",
        person,
        reason=reason,
        extra={"case": person.case.number},
    )
    return crypto.decrypt(person.my_number_encrypted)


def check_disclosure(actor: AuditActor, *, reason: str) -> str:
    """The reason, stripped, for showing or printing full My Numbers (the reveal and the print share it);
    refused without the role or a reason. Checked before anything is decrypted."""
    require(actor, REVEAL_MY_NUMBER)
    if not reason.strip():
        raise CaseNotReady(_("表示する理由を入力してください。"))
    return reason.strip()[:200]


@atomic_action
def do_record_my_number_print(
    actor: Staff, case: Case, *, reason: str, people: list[Person], pages: int
) -> None:
    """One audit entry for a print that carries full My Numbers: who printed whose numbers, and why."""
    record(
        actor,
        "case.my_number.print",
        case,
        reason=check_disclosure(actor, reason=reason),
        extra={"people": [str(person.pk) for person in people], "count": len(people), "pages": pages},
    )


@atomic_action
def do_rotate_my_number_keys(actor: AuditActor) -> int:
    """Re-encrypt every stored My Number with the first key of MADOGUCHI_MY_NUMBER_KEYS; how many."""
    rotated = 0
    people = lock(Person.objects.exclude(my_number_encrypted="").order_by("pk"))
    for person in people.iterator(chunk_size=500):
        person.my_number_encrypted = crypto.rotate(person.my_number_encrypted)
        person.save(update_fields=["my_number_encrypted"])
        rotated += 1
    record(actor, "case.my_number.rotate", extra={"rotated": rotated})
    return rotated
