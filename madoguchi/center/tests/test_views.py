"""The center's item screen: approving is a decision, taken only with its confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from madoguchi.center.actions import claim_next, do_send_for_approval
from madoguchi.center.models import WorkItem
from madoguchi.center.tests.conftest import items_of
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def test_approving_needs_the_approver_to_confirm_what_they_checked(
    submit_case: Any, staff_of: Any, signed_in: Any
) -> None:
    center = staff_of(Role.CENTER_STAFF)
    item = items_of(submit_case()).select_related("queue").first()
    claimed = claim_next(center, item.queue)
    do_send_for_approval(center, claimed, result="資格取得を登録した", issued="資格確認書")
    approver = signed_in(staff_of(Role.CENTER_APPROVER))
    url = reverse("center:action", args=[item.pk, "approve"])
    page = approver.get(reverse("center:item", args=[item.pk])).content.decode()
    assert 'name="checked" required' in page
    refused = approver.post(url, follow=True)
    assert "確認しました」にチェックしてから決裁してください" in refused.content.decode()
    assert WorkItem.objects.get(pk=item.pk).status == WorkItem.Status.AWAITING_APPROVAL
    approver.post(url, {"checked": "on"})
    assert WorkItem.objects.get(pk=item.pk).status == WorkItem.Status.DONE
