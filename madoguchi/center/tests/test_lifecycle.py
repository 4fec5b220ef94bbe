from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from madoguchi.cases.actions import do_save_case_details
from madoguchi.center.actions import (
    WorkItemStateError,
    claim_next,
    do_approve,
    do_mark_dispatched,
    do_return,
    do_send_for_approval,
)
from madoguchi.center.exports import rows_for
from madoguchi.center.models import WorkItem, WorkItemEvent
from madoguchi.center.tests.conftest import items_of
from madoguchi.demo.cases import details_of, sign_and_submit
from madoguchi.rules.calendar import add_business_days
from madoguchi.staff.roles import Role
from madoguchi.submissions.models import Submission

pytestmark = pytest.mark.django_db
Status = WorkItem.Status


def test_a_submitted_case_becomes_one_work_item_per_center_procedure(submit_case: Any) -> None:
    case = submit_case()
    items = {item.queue.procedure: item for item in items_of(case).select_related("queue")}
    assert "kokuho-kanyu" in items
    assert "jido-teate-nintei" in items
    assert "tennyu-todoke" not in items  # finished at the ward counter
    for item in items.values():
        assert item.status == Status.RECEIVED
        assert item.received_office == case.office
        assert item.deadline == add_business_days(item.received_on, item.queue.processing_days)
    assert items["jido-teate-nintei"].members


def test_a_case_that_is_not_submitted_has_no_work_items(staff_of: Any) -> None:
    from datetime import date

    from madoguchi.cases.actions import do_create_case

    clerk = staff_of(Role.ONESTOP_CLERK)
    do_create_case(clerk, office=clerk.office, event="tennyu", event_date=date(2026, 11, 20))
    assert not WorkItem.objects.exists()


def test_from_submission_to_completion_with_a_return_and_a_correction(
    submit_case: Any, staff_of: Any
) -> None:
    from madoguchi.notifications.models import Notification

    center, approver = staff_of(Role.CENTER_STAFF), staff_of(Role.CENTER_APPROVER)
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = submit_case()
    items = list(items_of(case).select_related("queue"))
    first, *others = items
    # the center processes the first item; the approver returns it to the ward
    claimed = claim_next(center, first.queue)
    assert claimed == first
    with pytest.raises(WorkItemStateError):
        do_send_for_approval(center, claimed, result=" ")  # a result is required
    do_send_for_approval(center, claimed, result="資格取得を登録した", issued="国民健康保険資格確認書")
    returned = do_return(approver, first, reason="住所の番地が未記入")
    assert (returned.status, returned.returns) == (Status.RETURNED, 1)
    case.refresh_from_db()
    assert case.state == case.State.CORRECTING
    assert case.editable
    # the ward corrects the address; the resident signs again only the forms that changed
    details = details_of(case)
    details.address["block"] = "1-2-3"
    case = do_save_case_details(clerk, case, details)
    case = sign_and_submit(clerk, case, note="番地を補記")
    assert case.state == case.State.SUBMITTED
    v1, v2 = Submission.objects.filter(source_id=str(case.pk)).order_by("version")
    assert (v2.version, v2.previous, v2.note, v2.received_on) == (2, v1, "番地を補記", v1.received_on)
    changed = {name for name, print_ in v2.forms.items() if v1.forms.get(name) != print_}
    assert changed
    assert set(v2.signed_forms) == changed
    assert v2.bundle_sha256
    assert v2.bundle_sha256 != v1.bundle_sha256
    first.refresh_from_db()
    assert (first.status, first.submission) == (Status.RECEIVED, v2)  # back in the center's queue
    again = claim_next(center, first.queue)
    assert again == first
    do_send_for_approval(center, again, result="資格取得を登録した", issued="国民健康保険資格確認書")
    # no on-commit callbacks run here: the resident's notice is written in the approving transaction itself
    do_approve(approver, first)
    for item in others:
        claim_next(center, item.queue)
        do_send_for_approval(center, item, result="処理済み")
        case.refresh_from_db()
        assert case.state == case.State.SUBMITTED  # not before the last item
        do_approve(approver, item)
    case.refresh_from_db()
    assert case.state == case.State.COMPLETED
    assert case.completed_at is not None
    message = Notification.objects.get(topic="center.case_completed")
    assert (message.channel, message.recipient) == ("sms", "090-1234-5678")
    assert case.number in message.body
    assert "国民健康保険資格確認書" in message.body
    # the insurance card is listed for dispatch until it is posted
    to_mail = WorkItem.objects.filter(status=Status.DONE, dispatched_at__isnull=True).exclude(issued="")
    assert list(to_mail) == [first]
    assert do_mark_dispatched(center, to_mail) == 1
    # the core system's CSV carries the corrected address, from the submission the item was decided on
    rows = [r for r in rows_for(first.queue, timezone.localdate()) if r[0] == case.number]
    assert rows
    assert all("1-2-3" in row[8] for row in rows)
    assert not WorkItem.objects.filter(dispatched_at__isnull=True).exclude(issued="").exists()
    steps = list(WorkItemEvent.objects.filter(item=first).values_list("status", flat=True))
    assert steps == [
        "received",
        "claimed",
        "awaiting_approval",
        "returned",
        "received",
        "claimed",
        "awaiting_approval",
        "done",
    ]


def test_a_contractor_never_approves_and_an_approver_never_approves_their_own_work(
    submit_case: Any, staff_of: Any
) -> None:
    from madoguchi.staff.permissions import CapabilityDenied

    center, approver = staff_of(Role.CENTER_STAFF), staff_of(Role.CENTER_APPROVER)
    contractor = staff_of(Role.CONTRACTOR_CLERK)
    case = submit_case()
    item = items_of(case).first()
    assert item is not None
    with pytest.raises(CapabilityDenied):
        claim_next(contractor, item.queue)
    claim_next(approver, item.queue)
    do_send_for_approval(approver, item, result="処理済み")
    with pytest.raises(CapabilityDenied):
        do_approve(contractor, item)
    with pytest.raises(CapabilityDenied):
        do_approve(center, item)  # center staff process, they do not decide
    with pytest.raises(PermissionDenied):
        do_approve(approver, item)  # their own work
    item.refresh_from_db()
    assert item.status == Status.AWAITING_APPROVAL


def test_ward_staff_see_and_correct_only_their_own_wards_returns(
    submit_case: Any, staff_of: Any, signed_in: Any
) -> None:
    from madoguchi.staff.models import Staff

    center, approver = staff_of(Role.CENTER_STAFF), staff_of(Role.CENTER_APPROVER)
    case = submit_case()
    item = items_of(case).first()
    assert item is not None
    claim_next(center, item.queue)
    do_return(approver, item, reason="続柄の確認が必要")
    chuo_clerk = signed_in(staff_of(Role.ONESTOP_CLERK))
    page = chuo_clerk.get("/center/returns/").content.decode()
    assert "続柄の確認が必要" in page
    assert case.number in page
    kita = Staff.objects.get(username="clerk")
    kita.pk = None
    kita.username = "kita-clerk"
    kita.office = kita.office.__class__.objects.get(code="kita")
    kita.save()
    other = signed_in(kita)
    assert "続柄の確認が必要" not in other.get("/center/returns/").content.decode()
    assert other.get(f"/center/items/{item.pk}/").status_code == 403
    assert other.get(f"/cases/{case.pk}/").status_code == 403  # the correction happens on the case
    item.refresh_from_db()
    assert item.status == Status.RETURNED


def test_the_batch_screen_groups_by_procedure_and_day_and_claims_the_next(
    submit_case: Any, staff_of: Any, signed_in: Any
) -> None:
    submit_case()
    submit_case()
    client = signed_in(staff_of(Role.CENTER_STAFF))
    page = client.get("/center/").content.decode()
    assert "国民健康保険 加入（資格取得）" in page
    assert "受付 <strong>2</strong>件" in page
    item = WorkItem.objects.filter(queue__procedure="kokuho-kanyu").order_by("created_at").first()
    assert item is not None
    response = client.post("/center/claim/", {"queue": item.queue.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.CLAIMED
    assert response["Location"] == f"/center/items/{item.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "決裁に回す" in detail
    center_staff = staff_of(Role.CENTER_STAFF)
    # the history names people, not login IDs (their names as written: lang="ja" on an English page)
    assert f'処理中・<span lang="ja">{center_staff.full_name}' in detail
    documents = client.get(f"/center/items/{item.pk}/documents.pdf", follow=True)
    assert documents["Content-Type"] == "application/pdf", documents.content.decode()[-3000:]
    assert signed_in(staff_of(Role.CONTRACTOR_CLERK)).get("/center/").status_code == 403
    dashboard = signed_in(staff_of(Role.MANAGER)).get("/center/dashboard/").content.decode()
    assert "期限超過" in dashboard
    open_items = WorkItem.objects.exclude(status=Status.DONE).count()
    assert f"<dd data-backlog>{open_items}</dd>" in dashboard
    assert "<dd data-overdue>0</dd>" in dashboard


def test_the_batch_screen_lists_idle_queues_apart(submit_case: Any, staff_of: Any, signed_in: Any) -> None:
    from madoguchi.center.models import WorkQueue

    submit_case()
    page = signed_in(staff_of(Role.CENTER_STAFF)).get("/center/").content.decode()
    busy = set(WorkItem.objects.values_list("queue__procedure", flat=True))
    idle = WorkQueue.objects.filter(active=True).exclude(procedure__in=busy).first()
    assert idle is not None
    assert 'data-queue="kokuho-kanyu"' in page
    assert f'data-queue="{idle.procedure}"' not in page
    assert 'class="idle-queues"' in page
    assert idle.name_ja in page


def test_center_staff_see_waiting_approval_and_overdue_counts_at_home(
    submit_case: Any, staff_of: Any, signed_in: Any, django_assert_max_num_queries: Any
) -> None:
    center, approver = staff_of(Role.CENTER_STAFF), staff_of(Role.CENTER_APPROVER)
    submit_case()
    first = WorkItem.objects.order_by("created_at").first()
    assert first is not None
    claim_next(center, first.queue)
    do_send_for_approval(center, first, result="処理済み")
    WorkItem.objects.filter(status=Status.RECEIVED).update(deadline=date(2000, 1, 1))
    waiting = WorkItem.objects.filter(status=Status.RECEIVED).count()
    assert waiting
    client = signed_in(approver)
    client.get("/")  # sessions, menus and caches warmed up
    with django_assert_max_num_queries(11):  # one for the three counts
        page = client.get("/home/center_approver/").content.decode()
    stats = [part.split("</p>")[0] for part in page.split('<p class="stat">')[1:]]
    assert stats == [str(waiting), "1", str(waiting)]


def test_work_queues_are_set_up_like_the_rest_of_the_organisation(staff_of: Any) -> None:
    from madoguchi.audit.chain import SystemActor
    from madoguchi.audit.models import AuditEntry
    from madoguchi.center.actions import do_upsert_work_queue
    from madoguchi.staff.permissions import CapabilityDenied

    spec = {
        "procedure": "test-proc",
        "name_ja": "試験手続",
        "name_en": "Test procedure",
        "department": "shimin",
        "processing_days": 5,
    }
    actor = SystemActor("test")
    queue = do_upsert_work_queue(actor, **spec)
    do_upsert_work_queue(actor, **spec)  # a rerun writes nothing
    do_upsert_work_queue(actor, **(spec | {"processing_days": 3}))
    entries = AuditEntry.objects.filter(target_id=str(queue.pk), action__startswith="center.workqueue.")
    actions = list(entries.order_by("id").values_list("action", flat=True))
    assert actions == ["center.workqueue.create", "center.workqueue.update"]
    with pytest.raises(CapabilityDenied):
        do_upsert_work_queue(staff_of(Role.CENTER_STAFF), **spec)


def test_administrators_edit_work_queues_in_the_admin_and_others_cannot(
    staff_of: Any, signed_in: Any
) -> None:
    from madoguchi.audit.models import AuditEntry
    from madoguchi.center.models import WorkQueue

    queue = WorkQueue.objects.get(procedure="kokuho-kanyu")
    url = f"/admin/center/workqueue/{queue.pk}/change/"
    assert signed_in(staff_of(Role.CENTER_STAFF)).get(url).status_code in {302, 403}
    admin_client = signed_in(staff_of(Role.ADMINISTRATOR))
    assert admin_client.get(url).status_code == 200
    form = {
        "procedure": queue.procedure,
        "name_ja": queue.name_ja,
        "name_en": queue.name_en,
        "department": queue.department_id,
        "processing_days": "7",
        "active": "on",
        "sort_order": str(queue.sort_order),
    }
    assert admin_client.post(url, form).status_code == 302
    queue.refresh_from_db()
    assert queue.processing_days == 7
    assert AuditEntry.objects.filter(target_type="center.workqueue", target_id=str(queue.pk)).exists()


@pytest.mark.django_db
def test_the_completion_notice_says_all_done_only_when_nothing_is_left_to_another_counter(
    submit_case: Any,
) -> None:
    from unittest import mock

    from madoguchi.cases.actions import completion_message
    from madoguchi.submissions.models import Submission

    case = submit_case()
    submission = Submission.objects.get(source_id=str(case.pk))
    required = [p for p in submission.procedures() if p["status"] == "required"]
    # taken in at the one-stop counter (転入届 itself, the center's items, guidance) vs at another counter
    elsewhere = [p for p in required if p["counter"] != "one_stop"]
    assert [p["name_ja"] for p in elsewhere] == ["水道の使用開始の申込み"]
    text = completion_message(submission, case.number, "")
    assert "すべて完了" not in text
    assert f"お預かりした手続 {len(required) - 1} 件が完了しました" in text
    assert "ほかの 1 件（水道の使用開始の申込み）は、それぞれの窓口でのお手続きです。" in text
    assert "転入届" not in text
    at_the_counter = [p for p in required if p["counter"] == "one_stop"]
    with mock.patch.object(Submission, "procedures", return_value=at_the_counter):
        assert "の手続はすべて完了しました。" in completion_message(submission, case.number, "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case_language", "clerk_language", "start", "elsewhere"),
    [
        ("ja", "en", "{city_ja}です。受付番号 {number} ", "ほかの 1 件（水道の使用開始の申込み）"),
        ("en", "ja", "This is {city_en}. ", "(Start of water service)"),
        ("ja-easy", "en", "{city_ja}です。", "（すいどうを つかいはじめる もうしこみ）"),
    ],
)
def test_the_residents_completion_sms_is_in_the_cases_language_whatever_the_center_clerk_reads(
    submit_case: Any, case_language: str, clerk_language: str, start: str, elsewhere: str
) -> None:
    from django.conf import settings
    from django.utils import translation

    from madoguchi.audit.chain import SystemActor
    from madoguchi.cases.actions import case_completed
    from madoguchi.notifications.models import Notification
    from madoguchi.submissions.models import Submission

    case = submit_case()
    case.contact_phone = "090-2222-3333"
    case.language = case_language
    case.save(update_fields=["contact_phone", "language"])
    submission = Submission.objects.get(source_id=str(case.pk))
    with translation.override(clerk_language):  # the approving clerk's pages
        case_completed(SystemActor("center"), submission, "")
    body = Notification.objects.get(topic="center.case_completed").body
    assert body.startswith(
        start.format(city_ja=settings.CITY_NAME_JA, city_en=settings.CITY_NAME_EN, number=case.number)
    )
    assert elsewhere in body  # the procedure left to another counter, by its name in that language
