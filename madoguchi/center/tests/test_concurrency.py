from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from madoguchi.center.actions import claim_next, do_send_for_approval
from madoguchi.center.models import WorkItem, WorkItemEvent, WorkQueue
from madoguchi.organization.models import Office
from madoguchi.staff.roles import Role
from madoguchi.submissions.models import Submission


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_workers_process_each_of_a_thousand_items_exactly_once(staff_of: Any) -> None:
    # given: 1,000 received items in the 国保加入 queue
    office = Office.objects.get(code="chuo")
    queue = WorkQueue.objects.get(procedure="kokuho-kanyu")
    today = timezone.localdate()
    submissions = Submission.objects.bulk_create(
        Submission(
            source="case",
            source_id=f"T-{n:05d}",
            reference=f"T-{n:05d}",
            version=1,
            office=office,
            received_on=today,
            catalog_version=1,
            plan={"procedures": []},
            data={"event": "tennyu", "event_date": date(2026, 11, 20).isoformat(), "members": []},
            submitted_at=timezone.now(),
            submitted_by="test",
        )
        for n in range(1000)
    )
    WorkItem.objects.bulk_create(
        WorkItem(
            submission=submission,
            source_key=submission.source_key,
            reference=submission.reference,
            queue=queue,
            received_office=office,
            received_on=today,
            deadline=today,
        )
        for submission in submissions
    )
    workers = [staff_of(Role.CENTER_STAFF), staff_of(Role.CENTER_APPROVER)]
    processed: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def work(index: int) -> None:
        actor = workers[index % 2]
        try:
            start.wait()
            while (item := claim_next(actor, queue)) is not None:
                do_send_for_approval(actor, item, result=f"worker {index}")
                connection.close()  # as at the end of each request: back to the pool
                with lock:
                    processed.append(str(item.pk))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(20)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    # then: every item processed once, by one worker
    assert errors == []
    assert len(processed) == 1000
    assert len(set(processed)) == 1000
    assert WorkItem.objects.filter(status=WorkItem.Status.AWAITING_APPROVAL).count() == 1000
    assert WorkItemEvent.objects.filter(status=WorkItem.Status.CLAIMED).count() == 1000
