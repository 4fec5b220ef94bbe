"""A preparation finished on the phone opens at the counter as a case holding exactly what was entered."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from madoguchi.audit.models import AuditEntry
from madoguchi.cases.models import Case
from madoguchi.cases.signing import prepare
from madoguchi.organization.models import Office, Queue
from madoguchi.preparation import actions, codes
from madoguchi.preparation.models import PreparedVisit
from madoguchi.preparation.tests.households import household
from madoguchi.reservations.actions import Resident
from madoguchi.reservations.models import Reservation
from madoguchi.staff.permissions import CapabilityDenied
from madoguchi.staff.roles import Role

RESIDENT = Resident(office_code="chuo")


def _open(staff: Any, texts: list[str]) -> actions.OpenedCase:
    return actions.open_case(staff, actions.read_codes(texts), office=staff.office)


def test_a_finished_preparation_opens_as_a_case_with_every_person_fact_and_address(staff_of: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    data = household(4)
    finished = actions.do_finish(RESIDENT, data)
    assert finished.visit.mode == "carry"
    assert 1 <= len(finished.texts) <= 2
    assert finished.visit.members == 4
    assert finished.visit.office == Office.objects.get(code="chuo")
    assert finished.visit.visit_date == date(2026, 12, 7)
    assert bytes(finished.visit.envelope) == b""  # carry: the city keeps no copy of the record
    opened = _open(clerk, finished.texts)
    assert opened.created
    assert opened.saved
    case = opened.case
    assert case.event == "tennyu"
    assert case.event_date == date(2026, 11, 28)
    assert case.language == "en"
    assert case.address["building"] == "髙﨑ハイツ305"
    assert case.previous_address["municipality_code"] == "131032"
    assert case.moved_from_kind == "other_municipality"
    assert case.payment_account["number"] == "1234567"
    assert case.household_facts == data["household"]
    people = list(case.people.order_by("position"))
    assert [(p.member_id, p.family_name, p.given_name) for p in people] == [
        (m["id"], m["family_name"], m["given_name"]) for m in data["members"]
    ]
    assert people[1].given_name == "美﨑"
    assert people[0].family_name == "𠮷田"
    assert people[0].is_notifier
    assert all(p.is_subject for p in people)
    assert people[1].facts["pregnant"] is True
    assert people[2].facts["school"] == "elementary"
    assert not any(p.has_my_number for p in people)
    visit = PreparedVisit.objects.get(pk=data["id"])
    assert visit.case == case
    assert visit.record == data
    assert visit.field_sources["p-0-family_name"] == "resident"
    assert AuditEntry.objects.filter(action="preparation.open", target_id=str(visit.pk)).count() == 1


def test_the_same_code_scanned_again_opens_the_same_case(staff_of: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    texts = actions.do_finish(RESIDENT, household(2)).texts
    first = _open(clerk, texts)
    second = _open(clerk, texts)
    assert second.case == first.case
    assert not second.created
    assert Case.objects.count() == 1


def test_a_carried_code_issued_on_another_network_opens_without_a_row_here(staff_of: Any) -> None:
    # The resident-facing side runs on the internet segment with its own database: the counter has never
    # seen the preparation before it is scanned.
    clerk = staff_of(Role.ONESTOP_CLERK)
    texts = actions.do_finish(RESIDENT, household(3)).texts
    PreparedVisit.objects.all().delete()
    opened = _open(clerk, texts)
    assert opened.created
    assert opened.case.people.count() == 3
    assert PreparedVisit.objects.get().case == opened.case


def test_a_reference_code_looks_up_the_sealed_draft(staff_of: Any, settings: Any) -> None:
    settings.MADOGUCHI_PREPARATION_MODE = "reference"
    clerk = staff_of(Role.ONESTOP_CLERK)
    data = household(5)
    finished = actions.do_finish(RESIDENT, data)
    assert 1 <= len(finished.texts) <= 2
    assert len(finished.texts[0]) == len("MDG1R") + 6 + codes.REFERENCE_TOKEN
    assert bytes(finished.visit.envelope)  # sealed: the database holds no readable name
    assert "𠮷田".encode() not in bytes(finished.visit.envelope)
    opened = _open(clerk, finished.texts)
    assert opened.case.people.count() == 5
    with pytest.raises(codes.CodeRefused) as refused:
        actions.read_codes([finished.texts[0][:-1] + ("0" if finished.texts[0][-1] != "0" else "1")])
    assert refused.value.reason == "unknown"


def test_an_expired_reference_is_refused(staff_of: Any, settings: Any) -> None:
    settings.MADOGUCHI_PREPARATION_MODE = "reference"
    finished = actions.do_finish(RESIDENT, household(1), now=timezone.now() - timedelta(days=31))
    with pytest.raises(codes.CodeRefused) as refused:
        actions.read_codes(finished.texts)
    assert refused.value.reason == "expired"


def test_a_value_the_counter_does_not_accept_opens_the_case_with_that_field_to_correct(
    staff_of: Any, signed_in: Any
) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    data = household(2)
    data["members"][1]["given_name_kana"] = "みさき123"  # not katakana: the case page's validator refuses it
    opened = _open(clerk, actions.do_finish(RESIDENT, data).texts)
    assert opened.created
    assert not opened.saved
    assert opened.case.people.count() == 0
    page = signed_in(clerk).get(f"/cases/{opened.case.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "𠮷田" in text
    assert "みさき123" in text


def test_only_staff_who_handle_cases_open_a_preparation(staff_of: Any) -> None:
    texts = actions.do_finish(RESIDENT, household(1)).texts
    with pytest.raises(CapabilityDenied):
        _open(staff_of(Role.MANAGER), texts)
    assert not Case.objects.exists()


def test_finishing_twice_keeps_one_visit_and_an_opened_preparation_cannot_be_finished_again(
    staff_of: Any,
) -> None:
    data = household(1)
    actions.do_finish(RESIDENT, data)
    again = actions.do_finish(RESIDENT, data)
    assert PreparedVisit.objects.count() == 1
    _open(staff_of(Role.ONESTOP_CLERK), again.texts)
    with pytest.raises(codes.CodeRefused):
        actions.do_finish(RESIDENT, data)


def test_a_sequence_missing_a_part_is_incomplete_and_names_the_count(staff_of: Any) -> None:
    texts = actions.do_finish(RESIDENT, household(8)).texts
    assert len(texts) == 2
    with pytest.raises(actions.Incomplete) as incomplete:
        actions.read_codes(texts[1:])
    assert (incomplete.value.have, incomplete.value.total) == (1, 2)


@pytest.mark.parametrize("size", [1, 4, 5])
def test_a_prepared_household_writes_nothing_but_the_signature(staff_of: Any, size: int) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = _open(clerk, actions.do_finish(RESIDENT, household(size)).texts).case
    prepared = prepare(case, received_on=timezone.localdate())
    assert prepared.asked == ()  # every question the plan has was answered on the phone
    assert prepared.handwritten_now == 1  # the signature, on the one sheet
    assert prepared.handwritten_before > 40 * min(size, 2)
    assert prepared.signed.pdf.startswith(b"%PDF")


def test_the_reservation_booked_for_the_visit_is_linked_while_it_is_held(staff_of: Any) -> None:
    queue = Queue.objects.get(office__code="chuo", code="one-stop")
    booked = Reservation.objects.create(
        queue=queue,
        day=date(2026, 12, 7),
        start=time(9, 15),
        end=time(9, 30),
        name_kana="ヨシダ　タカシ",
        phone="09012345678",
        channel=Reservation.Channel.RESIDENT,
        created_at=timezone.now(),
    )
    data = household(2)
    data["visit"]["reservation"] = booked.code
    assert actions.do_finish(RESIDENT, data).visit.reservation == booked
    booked.status = Reservation.Status.CANCELLED
    booked.save()
    other = household(1)
    other["visit"]["reservation"] = booked.code
    assert actions.do_finish(RESIDENT, other).visit.reservation is None


def test_an_expired_unopened_reference_draft_is_blanked_and_an_opened_one_kept(
    staff_of: Any, settings: Any
) -> None:
    settings.MADOGUCHI_PREPARATION_MODE = "reference"
    old = actions.do_finish(RESIDENT, household(1), now=timezone.now() - timedelta(days=31))
    opened = actions.do_finish(RESIDENT, household(2), now=timezone.now() - timedelta(days=29))
    _open(staff_of(Role.ONESTOP_CLERK), opened.texts)
    fresh = actions.do_finish(RESIDENT, household(3))
    assert actions.forget_expired(now=timezone.now() + timedelta(days=2)) == 1
    old.visit.refresh_from_db()
    assert bytes(old.visit.envelope) == b""
    assert old.visit.members == 1  # still counted among the visits announced
    fresh.visit.refresh_from_db()
    assert bytes(fresh.visit.envelope)
    with pytest.raises(codes.CodeRefused) as refused:
        actions.read_codes(old.texts)
    assert refused.value.reason == "unknown"
