"""A ward office's morning at once, on PostgreSQL: every kind of write in many threads for several seconds.

Kiosks and the concierge issue tickets into several queues of two offices; clerks call, recall, serve,
finish, mark no-shows and transfer; clerks open, fill, print and submit one-stop cases and correct the ones
the center returns; the bereavement counter hands residents with signed cases to 保険年金課, whose two clerks
race to decide the same pension claims; center staff claim, process, send for approval; an approver approves
or returns; residents book reservations and the concierge checks them in; staff request daily exports that a
worker writes; residents finish preparations on their phones, some with a double tap, and two clerks scan
the same codes at once; the audit sealer runs throughout. Afterwards: no thread saw an error, ticket and case
numbers run without a gap per queue (office) and day, every work item was decided once, every preparation
opened exactly one case, and the audit chain verifies.

MADOGUCHI_MIXED_LOAD_SECONDS sets how long the threads keep writing (default 8).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from collections import Counter as Tally
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone

from madoguchi.audit.chain import SystemActor, seal_pending, verify_chain
from madoguchi.audit.models import AuditEntry
from madoguchi.cases.actions import do_create_case, do_save_case_details
from madoguchi.cases.models import Case
from madoguchi.center.actions import claim_next, do_approve, do_return, do_send_for_approval
from madoguchi.center.exports import do_request_export
from madoguchi.center.models import WorkItem, WorkItemEvent, WorkQueue
from madoguchi.demo.cases import bereavement_handed_over, details_of, make_submitted_case, sign_and_submit
from madoguchi.departments.actions import DecisionNotPossible, do_decide, handed_cases
from madoguchi.departments.models import Decision
from madoguchi.identity.municipality import all_municipalities
from madoguchi.organization.models import Counter, Office, Queue
from madoguchi.preparation.actions import do_finish, open_case, read_codes
from madoguchi.preparation.models import PreparedVisit
from madoguchi.preparation.tests.households import household
from madoguchi.reception.actions import (
    do_call_next,
    do_create_kiosk_token,
    do_finish_service,
    do_issue_ticket,
    do_mark_no_show,
    do_recall,
    do_start_service,
    do_transfer,
)
from madoguchi.reception.models import Ticket
from madoguchi.remote import presence as remote_presence
from madoguchi.remote.actions import ConsultationError, do_accept, do_end, do_request, route
from madoguchi.remote.models import Consultation, ExpertProfile
from madoguchi.reservations.actions import Resident, do_book, do_check_in
from madoguchi.reservations.models import Reservation, ReservationSchedule
from madoguchi.staff.models import Staff
from madoguchi.staff.roles import Role
from madoguchi.tasks.worker import drain

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

TOKYO = ZoneInfo("Asia/Tokyo")
WEDNESDAY = date(2026, 11, 25)  # a business day; Thursday the 26th is one too
SECONDS = float(os.environ.get("MADOGUCHI_MIXED_LOAD_SECONDS", "8"))


class Clock:
    """Tokyo time from a fixed start, moving with the wall clock (threads share it)."""

    def __init__(self, start: datetime) -> None:
        self.start, self.t0 = start, time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.t0)


def clone_staff(staff: Staff, username: str, office: Office) -> Staff:
    """The same role at another office (its permissions come with its groups)."""
    groups = list(staff.groups.all())
    staff.pk = None
    staff.username = username
    staff.office = office
    staff.save()
    staff.groups.set(groups)
    return Staff.objects.select_related("office").get(pk=staff.pk)


def test_a_ward_office_morning_of_mixed_writes_holds(staff_of: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # given: two ward offices, the center, a day's reservations booked the day before
    monkeypatch.setattr(timezone, "now", Clock(datetime(2026, 11, 24, 8, 0, tzinfo=TOKYO)))
    chuo, kita = Office.objects.get(code="chuo"), Office.objects.get(code="kita")
    concierge, clerk = staff_of(Role.CONCIERGE), staff_of(Role.ONESTOP_CLERK)
    center, approver = staff_of(Role.CENTER_STAFF), staff_of(Role.CENTER_APPROVER)
    kita_clerk = clone_staff(staff_of(Role.ONESTOP_CLERK), "kita-clerk", kita)
    kita_concierge = clone_staff(staff_of(Role.CONCIERGE), "kita-concierge", kita)
    clerks = {chuo.pk: clerk, kita.pk: kita_clerk}
    okuyami_clerk = clone_staff(staff_of(Role.ONESTOP_CLERK), "okuyami-clerk", chuo)
    deciders = [staff_of(Role.DEPARTMENT_STAFF)]
    deciders.append(clone_staff(staff_of(Role.DEPARTMENT_STAFF), "department-2", chuo))
    concierges = {chuo.pk: concierge, kita.pk: kita_concierge}
    queues = {
        office.pk: list(Queue.objects.filter(office=office, code__in=["one-stop", "hoken-nenkin", "shomei"]))
        for office in (chuo, kita)
    }
    one_stop = {office.pk: Queue.objects.get(office=office, code="one-stop") for office in (chuo, kita)}
    slots = ReservationSchedule.objects.get(queue=one_stop[chuo.pk]).slot_starts()
    booked = [
        do_book(
            Resident("chuo"),
            queue=one_stop[chuo.pk],
            day=WEDNESDAY,
            start=slots[i % len(slots)],
            name_kana="ミナト　ハナコ",
            phone=f"090-1234-{i:04d}",  # twelve residents (one phone holds at most two bookings)
            channel=Reservation.Channel.RESIDENT,
        )
        for i in range(12)
    ]
    monkeypatch.setattr(timezone, "now", Clock(datetime(2026, 11, 25, 9, 0, tzinfo=TOKYO)))
    kiosks = [do_create_kiosk_token(SystemActor("test"), office=office)[0] for office in (chuo, kita)]
    # cases already at the center when the morning starts, so that it has work from the first second
    for office_clerk in clerks.values():
        for _ in range(3):
            make_submitted_case(office_clerk)

    stop = threading.Event()
    done: Tally[str] = Tally()
    errors: list[str] = []
    tally_lock = threading.Lock()
    phones = itertools.count(1)  # next() on a count is atomic under the GIL

    def count(kind: str) -> None:
        with tally_lock:
            done[kind] += 1

    def loop(name: str, body: Callable[[random.Random], None]) -> threading.Thread:
        def run() -> None:
            rng = random.Random(name)  # noqa: S311 (choosing what to do, not a secret)
            try:
                while not stop.is_set():
                    body(rng)
                    connection.close()  # back to the pool, as at the end of a request
            except BaseException as error:  # every error is a failure of the write core
                errors.append(f"{name}: {type(error).__name__}: {error}")
            finally:
                connection.close()

        return threading.Thread(target=run, name=name)

    # the kinds of work of the morning
    def kiosk_issuing(kiosk: Any) -> Callable[[random.Random], None]:
        def body(rng: random.Random) -> None:
            do_issue_ticket(kiosk, queue=rng.choice(queues[kiosk.office_id]), channel=Ticket.Channel.KIOSK)
            count("ticket issued (kiosk)")
            time.sleep(0.01)

        return body

    def concierge_issuing(office: Office) -> Callable[[random.Random], None]:
        def body(rng: random.Random) -> None:
            do_issue_ticket(
                concierges[office.pk], queue=one_stop[office.pk], channel="concierge", purpose="tennyu"
            )
            count("ticket issued (concierge)")
            time.sleep(0.02)

        return body

    def counter_clerk(counter: Counter) -> Callable[[random.Random], None]:
        staff = clerks[counter.office_id]
        targets = [q for q in queues[counter.office_id] if q.pk != counter.queue_id]

        def body(rng: random.Random) -> None:
            ticket = do_call_next(staff, counter=counter)
            if ticket is None:
                time.sleep(0.02)
                return
            count("ticket called")
            roll = rng.random()
            if roll < 0.15:
                do_recall(staff, ticket, counter=counter)
                count("ticket recalled")
                roll = rng.random()
            if roll < 0.2:
                do_mark_no_show(staff, ticket, counter=counter)
                count("ticket no-show")
            elif roll < 0.5:
                do_transfer(staff, ticket, counter=counter, to_queue=rng.choice(targets), note="引継ぎ")
                count("ticket transferred")
            else:
                do_start_service(staff, ticket, counter=counter)
                do_finish_service(staff, ticket, counter=counter)
                count("ticket served and finished")

        return body

    def case_clerk(office: Office) -> Callable[[random.Random], None]:
        def body(rng: random.Random) -> None:
            make_submitted_case(clerks[office.pk])
            count("case created, saved, printed and submitted")

        return body

    def ward_corrections(office: Office) -> Callable[[random.Random], None]:
        def body(rng: random.Random) -> None:
            returned = Case.objects.filter(office=office, state=Case.State.CORRECTING).first()
            if returned is None:
                time.sleep(0.05)
                return
            details = details_of(returned)
            details.address["block"] = f"{rng.randint(1, 9)}-{rng.randint(1, 9)}"
            corrected = do_save_case_details(clerks[office.pk], returned, details)
            sign_and_submit(clerks[office.pk], corrected, note="番地を補記")
            count("case corrected and submitted again")

        return body

    def bereavement_counter(rng: random.Random) -> None:
        bereavement_handed_over(okuyami_clerk)
        count("bereaved resident handed over with a signed case")

    pension = "kokumin-nenkin-mishikyu"

    def department_decider(staff: Staff) -> Callable[[random.Random], None]:
        def body(rng: random.Random) -> None:
            case = (
                handed_cases(staff)
                .filter(event="shibou", state=Case.State.SUBMITTED)
                .exclude(decisions__procedure=pension)
                .order_by("created_at")
                .first()
            )
            if case is None:
                time.sleep(0.05)
                return
            try:
                do_decide(
                    staff,
                    case,
                    procedure=pension,
                    outcome=rng.choice(["accepted", "rejected"]),
                    reason="確認",
                )
            except DecisionNotPossible as refused:
                if "決定済み" not in refused.message:
                    raise
                count("decision found already taken by the other clerk")
            else:
                count("pension claim decided")

        return body

    work_queues = list(WorkQueue.objects.filter(active=True))

    def center_staff(rng: random.Random) -> None:
        item = claim_next(center, rng.choice(work_queues))
        if item is None:
            time.sleep(0.02)
            return
        count("work item claimed")
        do_send_for_approval(center, item, result="処理済み", issued=rng.choice(["", "資格確認書"]))
        count("work item sent for approval")

    def center_approver(rng: random.Random) -> None:
        waiting = list(WorkItem.objects.filter(status=WorkItem.Status.AWAITING_APPROVAL)[:5])
        if not waiting:
            time.sleep(0.02)
            return
        for item in waiting:
            if rng.random() < 0.1:
                do_return(approver, item, reason="番地が未記入")
                count("work item returned")
            else:
                do_approve(approver, item)
                count("work item approved")

    def reservations(rng: random.Random) -> None:
        if booked:
            with tally_lock:
                reservation = booked.pop() if booked else None
            if reservation is not None:
                do_check_in(concierge, reservation)
                count("reservation checked in")
        slot = rng.choice(slots)
        try:
            do_book(
                Resident("chuo"),
                queue=one_stop[chuo.pk],
                day=WEDNESDAY + timedelta(days=1),
                start=slot,
                name_kana="ミナト　タロウ",
                phone=f"090-2345-{next(phones):04d}",  # each booking a resident of their own
                channel=Reservation.Channel.RESIDENT,
            )
            count("reservation booked")
        except Exception as error:  # a full slot is the resident's answer, not a failure
            if type(error).__name__ != "SlotFull":
                raise
            count("reservation refused: slot full")
        time.sleep(0.03)

    def exports(rng: random.Random) -> None:
        do_request_export(
            center,
            queue=rng.choice(work_queues),
            day=timezone.localdate(),
            encoding=rng.choice(["utf-8", "shift_jis"]),
        )
        count("export requested")
        count_run = drain("mixed-load")
        with tally_lock:
            done["background task run"] += count_run
        time.sleep(0.2)

    # each preparation is finished twice (a double tap on two threads), and each code scanned by two clerks
    finishing: list[dict[str, Any]] = []
    finished: dict[str, list[str]] = {}
    opened_cases: dict[str, set[str]] = {}
    scan_clerk = clone_staff(staff_of(Role.ONESTOP_CLERK), "scan-clerk", chuo)
    all_municipalities()  # as `madoguchi serve` reads it before its first request (runtime/asgi.py)

    def phone(rng: random.Random) -> None:
        with tally_lock:
            if not finishing:
                data = household(rng.randint(1, 5))
                data["event_date"] = "2026-11-20"
                finishing.extend([data, json.loads(json.dumps(data))])
            data = finishing.pop()
        texts = do_finish(Resident("chuo"), data).texts
        with tally_lock:
            finished[data["id"]] = texts
        count("preparation finished on a phone")
        time.sleep(0.02)

    def scanning(staff: Staff) -> Callable[[random.Random], None]:
        def body(rng: random.Random) -> None:
            with tally_lock:
                waiting = sorted(finished)
            if not waiting:
                time.sleep(0.02)
                return
            preparation = rng.choice(waiting[-4:])  # the newest: both clerks scan them at once
            case = open_case(staff, read_codes(finished[preparation]), office=chuo).case
            with tally_lock:
                opened_cases.setdefault(preparation, set()).add(str(case.pk))
            count("prepared case opened by a scan")

        return body

    # remote consultation: the branch asks about its cases (one at a time per case, some to all experts at
    # once), three experts beat, race to answer, fill in the case while the branch saves it too, and end
    yamate = Office.objects.get(code="kita-yamate")
    branch_clerks = [
        staff_of(Role.BRANCH_STAFF),
        clone_staff(staff_of(Role.BRANCH_STAFF), "branch-2", yamate),
    ]
    experts = [clone_staff(staff_of(Role.DEPARTMENT_STAFF), f"expert-{i}", chuo) for i in range(3)]
    for expert in experts:
        ExpertProfile.objects.update_or_create(
            staff=expert,
            defaults={
                "skills": ["kokuho_nenkin"],
                "duty_days": list(range(7)),
                "duty_start": dt_time(0),
                "duty_end": dt_time(0),
            },
        )

    def branch_asking(branch_clerk: Staff) -> Callable[[random.Random], None]:
        def body(rng: random.Random) -> None:
            case = do_create_case(branch_clerk, office=yamate, event="tennyu", event_date=date(2026, 11, 20))
            routing = "all" if rng.random() < 0.5 else "first"
            consultation = do_request(branch_clerk, case, skill="kokuho_nenkin", routing=routing)
            assert (
                do_request(branch_clerk, case, skill="kokuho_nenkin").pk == consultation.pk
            )  # a double click
            count("consultation requested")
            time.sleep(0.02)
            mine = list(
                Consultation.objects.filter(office=yamate, state=Consultation.State.ACTIVE).values_list(
                    "case_id", flat=True
                )[:3]
            )
            for case_id in mine:  # the branch saves a case that an expert is filling in
                details = details_of(Case.objects.get(pk=case_id))
                details.contact_phone = f"090-0000-{rng.randint(0, 9999):04d}"
                do_save_case_details(branch_clerk, Case.objects.get(pk=case_id), details)
                count("case saved by the branch during a consultation")

        return body

    def expert_answering(expert: Staff) -> Callable[[random.Random], None]:
        tab = uuid4()

        def body(rng: random.Random) -> None:
            remote_presence.beat(expert, tab)
            route(skill="kokuho_nenkin")
            active = Consultation.objects.filter(state=Consultation.State.ACTIVE, expert=expert).first()
            if active is None:
                waiting = list(
                    Consultation.objects.filter(state=Consultation.State.WAITING).order_by("requested_at")[:3]
                )
                if not waiting:
                    time.sleep(0.01)
                    return
                try:  # the oldest few: the other experts go for the same ones
                    active = do_accept(expert, rng.choice(waiting).pk)
                except ConsultationError:
                    count("consultation already taken")
                    return
                count("consultation answered")
            case = Case.objects.get(pk=active.case_id)
            details = details_of(case)
            details.contact_phone = "080-1111-2222"
            do_save_case_details(expert, case, details)
            do_end(expert, active, outcome="resolved", note="")
            count("consultation ended")

        return body

    def sealer(rng: random.Random) -> None:
        sealed = seal_pending(wait=False)
        with tally_lock:
            done["audit entries sealed"] += sealed
        time.sleep(0.2)

    threads = [loop(f"kiosk-{k.pk}", kiosk_issuing(k)) for k in kiosks]
    threads += [loop(f"concierge-{o.code}", concierge_issuing(o)) for o in (chuo, kita)]
    counters = [
        c
        for office in (chuo, kita)
        for q in queues[office.pk]
        for c in Counter.objects.filter(queue=q).select_related("office")[:2]
    ]
    threads += [loop(f"counter-{c.pk}", counter_clerk(c)) for c in counters]
    threads += [loop(f"cases-{o.code}", case_clerk(o)) for o in (chuo, kita)]
    threads += [loop(f"corrections-{o.code}", ward_corrections(o)) for o in (chuo, kita)]
    threads += [loop("bereavement-chuo", bereavement_counter)]
    threads += [loop(f"department-{i}", department_decider(d)) for i, d in enumerate(deciders)]
    threads += [loop(f"center-{i}", center_staff) for i in range(3)]
    threads += [loop("approver", center_approver), loop("reservations", reservations)]
    threads += [loop("exports", exports), loop("sealer", sealer)]
    threads += [loop(f"phone-{i}", phone) for i in range(2)]
    threads += [loop("scan-chuo-1", scanning(clerk)), loop("scan-chuo-2", scanning(scan_clerk))]
    threads += [loop(f"branch-{i}", branch_asking(b)) for i, b in enumerate(branch_clerks)]
    threads += [loop(f"expert-{i}", expert_answering(e)) for i, e in enumerate(experts)]

    # when
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    # the figures of the run, for the issue note (pytest -s shows them)
    print(f"\nmixed load: {len(threads)} threads, {elapsed:.1f} s, {sum(done.values())} operations")  # noqa: T201
    for kind, n in sorted(done.items()):
        print(f"  {n:6d}  {kind}")  # noqa: T201

    # then: nobody saw an error, and every kind of work happened
    assert not [t.name for t in threads if t.is_alive()]
    assert errors == []
    for kind in (
        "ticket transferred",
        "case created, saved, printed and submitted",
        "work item approved",
        "pension claim decided",
        "preparation finished on a phone",
        "prepared case opened by a scan",
        "consultation answered",
        "consultation ended",
    ):
        assert done[kind] > 0, kind
    # every consultation was answered by one expert at most, once; no expert answers two at a time
    accepts = Tally(AuditEntry.objects.filter(action="remote.accept").values_list("target_id", flat=True))
    assert all(n == 1 for n in accepts.values()), accepts.most_common(3)
    assert len(accepts) == done["consultation answered"]
    assert Consultation.objects.filter(state=Consultation.State.ENDED).count() == done["consultation ended"]
    busy = Tally(
        Consultation.objects.filter(state=Consultation.State.ACTIVE).values_list("expert_id", flat=True)
    )
    assert all(n == 1 for n in busy.values()), busy
    assert (
        Consultation.objects.values("case")
        .annotate(n=Count("pk"))
        .filter(n__gt=1, state__in=Consultation.OPEN_STATES)
        .count()
        == 0
    )
    # every preparation is one visit, and opened one case however often and wherever it was scanned
    assert PreparedVisit.objects.count() == len(finished)
    assert all(len(cases) == 1 for cases in opened_cases.values()), opened_cases
    assert set(PreparedVisit.objects.filter(case__isnull=False).values_list("pk", flat=True)) == {
        UUID(preparation) for preparation in opened_cases
    }
    # ticket numbers run 1..n per queue and day, without a gap or a double
    for row in Ticket.objects.values("queue_id", "business_day").annotate(
        n=Count("pk"), first=Min("number"), last=Max("number"), distinct=Count("number", distinct=True)
    ):
        assert (row["first"], row["last"], row["distinct"]) == (1, row["n"], row["n"]), row
    # case numbers likewise, per office and day
    by_office: dict[tuple[int, str], list[int]] = {}
    for number, office_id in Case.objects.values_list("number", "office_id"):
        _code, day, serial = number.rsplit("-", 2)
        by_office.setdefault((office_id, day), []).append(int(serial))
    for serials in by_office.values():
        assert sorted(serials) == list(range(1, len(serials) + 1))
    # every work item was decided at most once, and an item is done exactly when it was approved once
    decided = dict(
        WorkItemEvent.objects.filter(status=WorkItem.Status.DONE)
        .values_list("item_id")
        .annotate(n=Count("pk"))
        .values_list("item_id", "n")
    )
    assert all(n == 1 for n in decided.values())
    assert set(decided) == set(
        WorkItem.objects.filter(status=WorkItem.Status.DONE).values_list("pk", flat=True)
    )
    # a completed case has all its work items done; a case at the center has one open at least
    for case in Case.objects.filter(state__in=[Case.State.SUBMITTED, Case.State.COMPLETED]):
        statuses = set(WorkItem.objects.filter(source_key=f"case:{case.pk}").values_list("status", flat=True))
        if case.state == Case.State.COMPLETED:
            assert statuses <= {WorkItem.Status.DONE, WorkItem.Status.WITHDRAWN}
        elif statuses:
            assert statuses - {WorkItem.Status.DONE, WorkItem.Status.WITHDRAWN}
    # each pension claim was decided once, by one of the two clerks, with one audit entry
    decisions = list(Decision.objects.values_list("pk", "case_id", "procedure"))
    assert len(decisions) == done["pension claim decided"]
    assert len({(case, procedure) for _pk, case, procedure in decisions}) == len(decisions)
    audited = Tally(AuditEntry.objects.filter(action="department.decide").values_list("target_id", flat=True))
    assert audited == Tally(str(pk) for pk, _case, _procedure in decisions)
    # the audit chain holds every entry, sealed in order
    report = verify_chain(seal=True)
    assert report.ok, report
