"""A full My Number leaves the database only with a reason and one audit entry saying whose, to whom and
why: the screen's reveal and the print with numbers. Every other print, the signed bundle and the
center's copy of it carry none, and no audit text keeps one."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from madoguchi.audit.models import AuditEntry
from madoguchi.cases.actions import do_save_case_details
from madoguchi.cases.models import Case, Person
from madoguchi.cases.tests.test_cases import answered, details, new_case
from madoguchi.center.models import WorkItem
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db

NUMBER = "123456789018"


def case_with_a_number(staff: Any) -> Case:
    """A one-person move-in, every fact answered, with a stored My Number."""
    case = new_case(staff)
    return do_save_case_details(staff, case, answered(details(my_number=NUMBER, is_notifier=True)))


def digits_in(pdf: bytes) -> str:
    """Every digit the PDF's text holds, in order, whatever spacing or boxes the form draws around them."""
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\D", "", text)


def audit_text() -> str:
    return str(list(AuditEntry.objects.values_list("summary", flat=True)))


def test_the_plain_print_never_carries_a_number_even_for_a_role_that_may_reveal_one(
    staff_of: Any, signed_in: Any
) -> None:
    # given: a clerk (who may reveal numbers) and a case with a stored My Number
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = case_with_a_number(clerk)
    # when: the clerk opens the preview of the forms
    response = signed_in(clerk).get(reverse("cases:bundle", args=[case.pk]))
    # then: no number on it, and the log says so in a value it keeps (not "[redacted]")
    assert response.status_code == 200
    assert NUMBER not in digits_in(response.content)
    entry = AuditEntry.objects.get(action="case.print", target_id=str(case.pk))
    assert entry.summary["full_numbers"] is False


def test_a_print_with_numbers_takes_a_reason_and_writes_whose_numbers_were_printed(
    staff_of: Any, signed_in: Any
) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = case_with_a_number(clerk)
    client = signed_in(clerk)
    url = reverse("cases:bundle-my-numbers", args=[case.pk])
    # without a reason: refused, nothing printed, nothing logged
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "理由" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="case.my_number.print").exists()
    # a GET never prints numbers
    assert client.get(url).status_code == 405
    # with a reason: the numbers are on the forms, and one entry says whose, why and by whom
    printed = client.post(url, {"reason": "年金事務所への送付（番号 1234 5678 9018 確認済）"})
    assert printed.status_code == 200
    assert printed["Cache-Control"] == "no-store"
    assert NUMBER in digits_in(printed.content)
    entry = AuditEntry.objects.get(action="case.my_number.print")
    person = Person.objects.get(case=case)
    assert entry.actor == clerk.username
    assert entry.target_id == str(case.pk)
    assert entry.summary["people"] == [str(person.pk)]
    assert entry.summary["count"] == 1
    assert entry.summary["reason"] == "年金事務所への送付（番号 [個人番号] 確認済）"
    assert NUMBER not in audit_text()


@pytest.mark.parametrize("role", [Role.CONTRACTOR_CLERK, Role.BRANCH_STAFF])
def test_roles_that_may_not_reveal_cannot_print_numbers(role: str, staff_of: Any, signed_in: Any) -> None:
    staff = staff_of(role)
    case = case_with_a_number(staff)  # a case of their own office, which they may open
    response = signed_in(staff).post(reverse("cases:bundle-my-numbers", args=[case.pk]), {"reason": "確認"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="case.my_number.print").exists()


def test_department_staff_cannot_reveal_a_number_of_a_counter_case(staff_of: Any, signed_in: Any) -> None:
    # given: a case of the department's own office, not opened by the department
    clerk, department = staff_of(Role.ONESTOP_CLERK), staff_of(Role.DEPARTMENT_STAFF)
    assert department.office_id == clerk.office_id
    case = case_with_a_number(clerk)
    person = Person.objects.get(case=case)
    # when
    response = signed_in(department).post(
        reverse("cases:reveal", args=[case.pk, person.pk]), {"reason": "確認"}
    )
    # then
    assert response.status_code == 403
    assert NUMBER not in response.content.decode()
    assert not AuditEntry.objects.filter(action="case.my_number.reveal").exists()


def test_a_number_typed_into_a_reveal_reason_is_not_kept(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = case_with_a_number(clerk)
    person = Person.objects.get(case=case)
    response = signed_in(clerk).post(
        reverse("cases:reveal", args=[case.pk, person.pk]),
        {"reason": "本人申告の１２３４５６７８９０１８と照合"},
    )
    assert response.status_code == 200
    summary = AuditEntry.objects.get(action="case.my_number.reveal").summary
    assert summary["reason"] == "本人申告の[個人番号]と照合"
    assert summary["case"] == case.number  # chuo-YYYYMMDD-0001: twelve digits, but not a My Number


def test_the_signed_bundle_and_the_centers_copy_carry_no_number(staff_of: Any, signed_in: Any) -> None:
    # given: a case with a My Number, signed and submitted to the center
    clerk, center = staff_of(Role.ONESTOP_CLERK), staff_of(Role.CENTER_STAFF)
    case = case_with_a_number(clerk)
    client = signed_in(clerk)
    assert client.post(reverse("cases:ready", args=[case.pk])).status_code == 302
    signed = client.get(reverse("cases:bundle", args=[case.pk]))
    assert client.post(reverse("cases:transition", args=[case.pk, "submit"])).status_code == 302
    item = WorkItem.objects.filter(submission__source_id=str(case.pk)).first()
    assert item is not None
    # when: the center opens the signed forms
    documents = signed_in(center).get(reverse("center:documents", args=[item.pk]))
    # then: what the resident signed and what the center prints hold no full number
    assert documents.status_code == 200
    assert documents.content == signed.content
    assert NUMBER not in digits_in(signed.content)
    assert NUMBER not in audit_text()
