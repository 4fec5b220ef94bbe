from __future__ import annotations

import threading
from datetime import date, time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from madoguchi.audit.chain import SystemActor
from madoguchi.audit.models import AuditEntry
from madoguchi.organization.models import Office, Queue
from madoguchi.reception.models import Ticket
from madoguchi.reservations.actions import (
    BookingError,
    ReservationStateError,
    Resident,
    SlotFull,
    available_slots,
    do_book,
    do_cancel,
    do_check_in,
    do_mark_no_show,
    do_upsert_schedule,
    find_by_code,
    open_days,
)
from madoguchi.reservations.models import CODE_ALPHABET, Reservation, ReservationSchedule
from madoguchi.reservations.tests.conftest import SATURDAY, TUESDAY, WEDNESDAY, one_stop
from madoguchi.rules.calendar import add_business_days
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def okuyami(office: str = "chuo") -> Queue:
    return Queue.objects.get(office__code=office, code="okuyami")


def refused_field(error: pytest.ExceptionInfo[BookingError]) -> set[str]:
    return set(error.value.errors)


# --- Schedules and slots ------------------------------------------------------------------------------


def test_every_ward_office_takes_reservations_at_its_one_stop_and_bereavement_counters(
    demo_city: None,
) -> None:
    scheduled = set(ReservationSchedule.objects.values_list("queue__office__code", "queue__code"))
    wards = Office.objects.filter(kind=Office.Kind.WARD).values_list("code", flat=True)
    assert scheduled == {(ward, code) for ward in wards for code in ("one-stop", "okuyami")}


def test_only_one_stop_and_bereavement_queues_take_reservations(demo_city: None) -> None:
    certificates = Queue.objects.get(office__code="chuo", code="shomei")
    with pytest.raises(ValidationError) as error:
        do_upsert_schedule(SystemActor("test"), queue=certificates)
    assert "queue" in error.value.message_dict
    assert not ReservationSchedule.objects.filter(queue=certificates).exists()


def test_a_schedule_needs_room_for_one_slot_and_a_rerun_writes_nothing(staff_of: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_upsert_schedule(staff_of(Role.CONCIERGE), queue=one_stop(), capacity=9)
    with pytest.raises(ValidationError) as error:
        do_upsert_schedule(
            SystemActor("test"), queue=one_stop(), opens_at=time(16, 45), closes_at=time(17, 0)
        )
    assert "closes_at" in error.value.message_dict
    entries = AuditEntry.objects.count()
    do_upsert_schedule(SystemActor("test"), queue=one_stop())  # as the demo city has it
    assert AuditEntry.objects.count() == entries
    do_upsert_schedule(SystemActor("test"), queue=one_stop(), capacity=3)
    entry = AuditEntry.objects.get(action="reservations.schedule.update")
    assert (entry.summary["before"]["capacity"], entry.summary["after"]["capacity"]) == (2, 3)


def test_slots_run_from_opening_and_the_last_ends_by_closing(demo_city: None, clock: Any) -> None:
    slots = available_slots(one_stop(), WEDNESDAY)
    assert [s.start for s in slots][:3] == [time(8, 45), time(9, 15), time(9, 45)]
    assert (slots[-1].start, slots[-1].end) == (time(16, 15), time(16, 45))  # 16:45–17:15 would overrun
    assert len(slots) == 16
    assert {s.remaining for s in slots} == {2}
    bereavement = available_slots(okuyami(), WEDNESDAY)
    assert [s.start for s in bereavement] == [time(h, 0) for h in range(9, 16)]
    assert {s.remaining for s in bereavement} == {1}


def test_today_only_offers_the_slots_still_ahead(demo_city: None, clock: Any) -> None:
    clock.set(TUESDAY, time(10, 0))
    assert available_slots(one_stop(), TUESDAY)[0].start == time(10, 15)
    clock.set(TUESDAY, time(16, 30))
    assert available_slots(one_stop(), TUESDAY) == []


def test_no_slots_on_closed_days_or_beyond_the_booking_window(demo_city: None, clock: Any) -> None:
    assert available_slots(one_stop(), SATURDAY) == []
    assert available_slots(one_stop(), date(2026, 11, 23)) == []  # yesterday, a holiday
    last = add_business_days(TUESDAY, 20)
    assert last == date(2026, 12, 22)
    assert available_slots(one_stop(), last)
    assert available_slots(one_stop(), date(2026, 12, 23)) == []
    assert available_slots(Queue.objects.get(office__code="chuo", code="shomei"), WEDNESDAY) == []


def test_open_days_list_the_business_days_of_the_window_with_places_left(demo_city: None, clock: Any) -> None:
    days = open_days(one_stop())
    assert days[0].day == TUESDAY
    assert days[-1].day == date(2026, 12, 22)
    assert len(days) == 21
    assert SATURDAY not in {d.day for d in days}
    assert days[1].remaining == 16 * 2


# --- Booking ------------------------------------------------------------------------------------------


def test_a_resident_books_with_normalised_details_and_a_readable_code(
    create_reservation: Any, clock: Any, verified_chain: Any
) -> None:
    reservation = create_reservation(name_kana="みなと　はなこ", phone="０９０１２３４５６７８")
    assert (reservation.name_kana, reservation.phone) == ("ミナト　ハナコ", "090-1234-5678")
    assert reservation.end == time(9, 45)
    assert reservation.status == Reservation.Status.BOOKED
    assert reservation.channel == Reservation.Channel.RESIDENT
    assert len(reservation.code) == 8
    assert set(reservation.code) <= set(CODE_ALPHABET)
    assert find_by_code(reservation.display_code.lower()) == reservation
    assert find_by_code("ＡＢＣ") is None
    entry = AuditEntry.objects.get(action="reservations.reservation.book")
    assert (entry.actor, entry.role, entry.office) == ("resident", "resident", "chuo")
    assert "ミナト" not in str(entry.summary)  # no personal data in the append-only log
    assert "090" not in str(entry.summary)
    assert verified_chain().ok


def test_a_full_slot_refuses_the_next_booking(create_reservation: Any, clock: Any) -> None:
    create_reservation()
    create_reservation()
    with pytest.raises(SlotFull) as error:
        create_reservation()
    assert refused_field(error) == {"start"}
    assert "満員" in error.value.message
    assert Reservation.objects.count() == 2
    assert time(9, 15) not in [s.start for s in available_slots(one_stop(), WEDNESDAY)]
    full = [s for s in available_slots(one_stop(), WEDNESDAY, include_full=True) if s.full]
    assert [s.start for s in full] == [time(9, 15)]


def test_a_cancelled_reservation_frees_its_place(create_reservation: Any, clock: Any) -> None:
    first = create_reservation()
    create_reservation()
    do_cancel(Resident("chuo", first.code), first)
    assert create_reservation().status == Reservation.Status.BOOKED


@pytest.mark.parametrize(
    ("day", "start", "field", "words"),
    [
        (SATURDAY, time(9, 15), "day", "閉庁日"),
        (date(2026, 12, 29), time(9, 15), "day", "閉庁日"),
        (date(2026, 11, 20), time(9, 15), "day", "過ぎた日"),
        (date(2026, 12, 23), time(9, 15), "day", "20開庁日先"),
        (TUESDAY, time(7, 45), "start", "受付時間外"),
        (TUESDAY, time(9, 0), "start", "受付時間外"),  # not a slot's start
        (TUESDAY, time(16, 45), "start", "受付時間外"),  # would end after closing
        (TUESDAY, time(8, 45), "start", "過ぎています"),
    ],
)
def test_booking_is_refused_outside_the_schedule(
    create_reservation: Any, clock: Any, day: date, start: time, field: str, words: str
) -> None:
    clock.set(TUESDAY, time(9, 0))
    with pytest.raises(BookingError) as error:
        create_reservation(day=day, start=start)
    assert refused_field(error) == {field}
    assert words in error.value.errors[field]
    assert not Reservation.objects.exists()


def test_a_queue_without_reservations_or_a_paused_schedule_refuses(
    create_reservation: Any, clock: Any
) -> None:
    with pytest.raises(BookingError) as error:
        create_reservation(queue=Queue.objects.get(office__code="chuo", code="shomei"))
    assert refused_field(error) == {"queue"}
    do_upsert_schedule(SystemActor("test"), queue=one_stop(), active=False)
    with pytest.raises(BookingError):
        create_reservation()
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("details", "fields"),
    [
        ({"phone": "", "email": ""}, {"phone"}),
        ({"name_kana": "Hanako"}, {"name_kana"}),
        ({"name_kana": "  "}, {"name_kana"}),
        ({"phone": "123"}, {"phone"}),
        ({"phone": "", "email": "not-an-address"}, {"email"}),
        ({"purpose": "あ" * 101}, {"purpose"}),
        ({"phone": "", "email": "a" * 250 + "@example.jp"}, {"email"}),  # longer than the column
        ({"name_kana": "花子", "phone": "", "email": ""}, {"name_kana", "phone"}),
    ],
)
def test_bad_details_are_refused_with_a_message_per_field(
    create_reservation: Any, clock: Any, details: dict[str, str], fields: set[str]
) -> None:
    with pytest.raises(BookingError) as error:
        create_reservation(**details)
    assert refused_field(error) == fields
    assert not Reservation.objects.exists()


def test_an_email_alone_is_enough(create_reservation: Any, clock: Any) -> None:
    reservation = create_reservation(phone="", email="hanako@example.jp")
    assert (reservation.phone, reservation.email) == ("", "hanako@example.jp")


# --- Who may do what ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CONCIERGE, True),
        (Role.ONESTOP_CLERK, True),
        (Role.CONTRACTOR_CLERK, True),  # booking and check-in are factual work (事実行為)
        (Role.DEPARTMENT_STAFF, False),
        (Role.CENTER_STAFF, False),
        (Role.MANAGER, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_staff_book_cancel_and_check_in_per_the_role_matrix(
    staff_of: Any, create_reservation: Any, clock: Any, role: Role, allowed: bool
) -> None:
    staff = staff_of(role)
    held = create_reservation(start=time(8, 45))
    clock.set(WEDNESDAY, time(8, 30))
    if allowed:
        assert create_reservation(actor=staff).channel == Reservation.Channel.STAFF
        do_cancel(staff, held)
        assert do_check_in(staff, create_reservation(start=time(9, 45))).ticket.priority
        return
    with pytest.raises(PermissionDenied):
        create_reservation(actor=staff)
    with pytest.raises(PermissionDenied):
        do_cancel(staff, held)
    with pytest.raises(PermissionDenied):
        do_check_in(staff, held)
    assert Reservation.objects.get() == held
    assert held.status == Reservation.Status.BOOKED


def test_staff_of_another_office_are_refused(staff_of: Any, create_reservation: Any, clock: Any) -> None:
    branch = staff_of(Role.BRANCH_STAFF)  # 山手支所: holds the capability, but not at 中央区役所
    held = create_reservation()
    clock.set(WEDNESDAY, time(9, 0))
    for action in (do_cancel, do_check_in, do_mark_no_show):
        with pytest.raises(PermissionDenied):
            action(branch, held)
    with pytest.raises(PermissionDenied):
        create_reservation(actor=branch)
    assert not Ticket.objects.exists()


def test_a_resident_only_books_at_the_office_and_cancels_their_own(
    create_reservation: Any, clock: Any
) -> None:
    held = create_reservation()
    with pytest.raises(PermissionDenied):
        do_book(
            Resident("kita"),
            queue=one_stop("chuo"),
            day=WEDNESDAY,
            start=time(9, 15),
            name_kana="ミナト",
            phone="090-1234-5678",
            channel=Reservation.Channel.RESIDENT,
        )
    with pytest.raises(PermissionDenied):
        do_cancel(Resident("chuo", "ACEFGH34"), held)
    with pytest.raises(PermissionDenied):
        do_check_in(Resident("chuo", held.code), held)
    held.refresh_from_db()
    assert held.status == Reservation.Status.BOOKED


# --- Cancel, check-in, no-show ------------------------------------------------------------------------


def test_a_resident_cannot_cancel_once_the_time_has_come_but_staff_can(
    staff_of: Any, create_reservation: Any, clock: Any
) -> None:
    held = create_reservation()
    clock.set(WEDNESDAY, time(9, 15))
    with pytest.raises(ReservationStateError):
        do_cancel(Resident("chuo", held.code), held)
    cancelled = do_cancel(staff_of(Role.CONCIERGE), held)
    assert cancelled.status == Reservation.Status.CANCELLED
    assert cancelled.cancelled_at == timezone.now()
    with pytest.raises(ReservationStateError):
        do_cancel(staff_of(Role.CONCIERGE), held)


def test_check_in_issues_a_priority_ticket_of_the_queue_and_links_it(
    staff_of: Any, create_reservation: Any, clock: Any
) -> None:
    # given: a reservation for 9:15 tomorrow
    held = create_reservation()
    # when: the resident arrives at 9:40 on the day
    clock.set(WEDNESDAY, time(9, 40))
    check_in = do_check_in(staff_of(Role.CONCIERGE), held)
    # then
    ticket = check_in.ticket
    assert not check_in.late
    assert (ticket.queue, ticket.priority, ticket.channel) == (one_stop(), True, Ticket.Channel.CONCIERGE)
    assert ticket.business_day == WEDNESDAY
    held.refresh_from_db()
    assert (held.status, held.ticket, held.checked_in_at) == (
        Reservation.Status.CHECKED_IN,
        ticket,
        timezone.now(),
    )
    entry = AuditEntry.objects.get(action="reservations.reservation.checked_in")
    assert entry.summary["after"] == {"status": "checked_in", "ticket": ticket.display, "late": False}
    with pytest.raises(ReservationStateError):
        do_check_in(staff_of(Role.CONCIERGE), held)
    assert Ticket.objects.count() == 1


def test_a_late_resident_is_checked_in_without_priority(
    staff_of: Any, create_reservation: Any, clock: Any
) -> None:
    held = create_reservation()
    clock.set(WEDNESDAY, time(9, 46))  # 31 minutes after 9:15
    check_in = do_check_in(staff_of(Role.CONCIERGE), held)
    assert check_in.late
    assert not check_in.ticket.priority
    assert check_in.reservation.status == Reservation.Status.CHECKED_IN


def test_check_in_only_on_the_reservations_day(staff_of: Any, create_reservation: Any, clock: Any) -> None:
    held = create_reservation()
    with pytest.raises(ReservationStateError) as error:
        do_check_in(staff_of(Role.CONCIERGE), held)  # still Tuesday
    assert "2026-11-25" in error.value.message
    clock.set(date(2026, 11, 26), time(9, 0))
    with pytest.raises(ReservationStateError):
        do_check_in(staff_of(Role.CONCIERGE), held)
    assert not Ticket.objects.exists()


def test_no_show_only_once_the_time_has_come(staff_of: Any, create_reservation: Any, clock: Any) -> None:
    held = create_reservation()
    concierge = staff_of(Role.CONCIERGE)
    clock.set(WEDNESDAY, time(9, 0))
    with pytest.raises(ReservationStateError):
        do_mark_no_show(concierge, held)
    clock.set(WEDNESDAY, time(12, 0))
    assert do_mark_no_show(concierge, held).status == Reservation.Status.NO_SHOW
    with pytest.raises(ReservationStateError):
        do_check_in(concierge, held)


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_never_exceed_the_capacity_of_a_slot(create_reservation: Any) -> None:
    # given: a slot of 5 places tomorrow with 3 taken, and 24 residents booking its last 2 at once
    queue = one_stop()
    do_upsert_schedule(SystemActor("test"), queue=queue, capacity=5)
    day = add_business_days(timezone.localdate(), 1)
    for _ in range(3):
        create_reservation(day=day)
    booked: list[Reservation] = []
    full: list[SlotFull] = []
    errors: list[BaseException] = []
    start = threading.Barrier(24)

    def book(number: int) -> None:
        try:
            start.wait()
            booked.append(create_reservation(day=day, name_kana=f"ミナト　{'ア' * (number + 1)}"))
        except SlotFull as error:
            full.append(error)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(number,)) for number in range(24)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # then: exactly the two free places were taken; everyone else was told the slot is full
    assert errors == []
    assert (len(booked), len(full)) == (2, 22)
    assert Reservation.objects.filter(queue=queue, day=day, start=time(9, 15)).count() == 5
    assert len({r.code for r in Reservation.objects.all()}) == 5


def test_a_booking_queues_its_confirmation_in_the_same_transaction(
    create_reservation: Any, clock: Any
) -> None:
    from madoguchi.notifications.models import Notification

    # when: one resident gives an e-mail address, another only a mobile number, a third a landline
    by_mail = create_reservation(email="hanako@example.jp", phone="03-1234-5678")
    by_sms = create_reservation(phone="090-1234-5678", start=time(9, 45))
    create_reservation(phone="03-1234-5678", start=time(10, 15))
    # then: the outbox holds one confirmation each for the first two, none for the landline
    notices = {n.ref: n for n in Notification.objects.filter(topic="reservations.booked")}
    assert set(notices) == {str(by_mail.pk), str(by_sms.pk)}
    assert (notices[str(by_mail.pk)].channel, notices[str(by_mail.pk)].recipient) == (
        "email",
        "hanako@example.jp",
    )
    assert notices[str(by_sms.pk)].channel == "sms"
    assert by_sms.display_code in notices[str(by_sms.pk)].body
    assert "9:45" in notices[str(by_sms.pk)].body or "09:45" in notices[str(by_sms.pk)].body


def test_a_booking_that_fails_leaves_no_confirmation(create_reservation: Any, clock: Any) -> None:
    from madoguchi.notifications.models import Notification

    create_reservation(start=time(9, 15))
    create_reservation(start=time(9, 15))
    with pytest.raises(SlotFull):
        create_reservation(start=time(9, 15), email="third@example.jp")
    assert Notification.objects.filter(topic="reservations.booked").count() == 2
